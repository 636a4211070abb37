package sim

import "github.com/faultline-sim/faultline/replica"

// The learner-campaign check. A learner never campaigns (thesis §4.2.1;
// etcd-io/raft's promotable): only a voter of some configuration may.
// The world cannot see every configuration a log holds, so it keeps a
// superset of the hosts that may ever be voters: the initial voters and
// every node a membership change asked to add as a voter, whether the
// leader took the change or not. A host outside it (a spare that joined as
// a learner and was never promoted) that becomes a candidate or a leader
// breaks the rule. Before its own AddLearner entry commits, such a learner
// holds an uncommitted configuration, the case a campaign rule that looks
// only at "a change is pending" gets wrong (make mutate: election.go:24).

// mayVote is the set of hosts that may be voters, by id; it starts as the
// initial voters 1..Nodes (made on first use: hosts boot before the operator).
func (w *world) mayVote() []bool {
	if w.op.mayVote == nil {
		w.op.mayVote = make([]bool, len(w.hosts))
		for i := 1; i <= w.o.Nodes && i < len(w.hosts); i++ {
			w.op.mayVote[i] = true
		}
	}
	return w.op.mayVote
}

// askedVoters marks the nodes change cc asks to make voters.
func (w *world) askedVoters(cc replica.ConfigChange) {
	may := w.mayVote()
	for _, s := range cc.Steps {
		if s.Type == replica.AddVoter && s.Node < uint64(len(may)) {
			may[s.Node] = true
		}
	}
}

// checkCampaign fails a host that campaigns or leads without ever having
// been asked to be a voter.
func (w *world) checkCampaign(h *host, s replica.RoleChange) {
	if s.Role == replica.Follower || h.role == s.Role || w.mayVote()[h.id] {
		return
	}
	role := "candidate"
	if s.Role == replica.Leader {
		role = "leader"
	}
	w.inv.LearnerCampaigned(w.now(), h.id, s.Epoch, role)
}

// checkMatch fails a leader whose match index m for member n (what n
// acked as durable) is beyond n's log, or n's log differs from the
// leader's at or before m (an ack means the same prefix), while n is in
// the leader's term: only a leader of a later term could have cut n's log
// since its acks.
// Without LogChecks the match is the commit index n reported, and n's
// commit index only grows (it is durable before n reports it). The
// operator promotes a learner on that index (caughtUp), so it must be
// true. n is a member of st, the leader's configuration: a leader must
// know its match (make mutate: raft/raft.go:89, 95, a Match that answers
// no on a leader, and the learner is never promoted, which no other check
// sees; paxos node.go:202, the leader's own commit as every peer's).
func (w *world) checkMatch(leader *host, n int, m uint64, ok bool, st replica.Status) {
	if !ok && st.Role == replica.Leader {
		w.inv.MatchUnknown(w.now(), leader.id, n)
	}
	if !ok || w.hosts[n].node == nil {
		return
	}
	ns := w.hosts[n].node.Status()
	if ns.Epoch != st.Epoch {
		return
	}
	last := ns.Commit
	if w.caps.LogChecks {
		last = w.inv.LastIndex(n)
	}
	switch {
	case m > last:
		w.inv.MatchAhead(w.now(), leader.id, n, m, last)
	case w.caps.LogChecks:
		w.inv.MatchPrefix(w.now(), leader.id, n, m)
	}
}

// checkMatches checks leader h's match index of every other member of
// its configuration st (checkMatch).
func (w *world) checkMatches(h *host, st replica.Status) {
	m := st.Membership
	for _, ids := range [][]uint64{m.Voters, m.VotersOutgoing, m.Learners} {
		for _, id := range ids {
			if int(id) != h.id && id < uint64(len(w.hosts)) {
				idx, ok := h.node.Match(id)
				w.checkMatch(h, int(id), idx, ok, st)
			}
		}
	}
}
