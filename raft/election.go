package raft

import "slices"

// campaignNow starts a (pre-)election unless this node leads or may not
// campaign (see mayCampaign).
func (n *Node) campaignNow() {
	if n.role != Leader && n.mayCampaign() {
		n.campaign(n.cfg.PreVote)
	}
}

// mayCampaign: a voter of the configuration in force may campaign, and so
// may a voter of the committed configuration while an uncommitted one that
// removes it is in its log: it may still be needed to commit that change
// (thesis §4.2.2; a leader that removed itself and was cut off holds the
// only copy, and refuses its votes to the others). Its own vote counts only
// where it is a voter. Learners and spares never campaign.
func (n *Node) mayCampaign() bool {
	if n.isVoter(n.id) {
		return true
	}
	b := n.log.base.cs
	return n.log.conf().index > n.log.committed &&
		(slices.Contains(b.Voters, n.id) || slices.Contains(b.VotersOutgoing, n.id))
}

// campaign asks every peer for a vote (or a pre-vote, for the term after
// ours, without raising our own term).
func (n *Node) campaign(pre bool) {
	typ, term, role := MsgVote, n.term+1, Candidate
	if pre {
		typ, role = MsgPreVote, PreCandidate
		n.becomePreCandidate()
	} else {
		n.becomeCandidate()
	}
	if pre {
		n.poll(n.id, true) // a pre-vote changes no durable state
	} else {
		n.selfVote = n.term // counted when durable (see advance): we never lead on a vote a crash may undo
	}
	if n.role != role {
		return // a single-node cluster decides on its own pre-vote
	}
	last, lastTerm := n.log.lastIndex(), n.log.lastTerm()
	for _, p := range n.log.conf().members {
		if p != n.id && n.isVoter(p) {
			n.send(Message{To: p, Type: typ, Term: term, Index: last, LogTerm: lastTerm})
		}
	}
}

// handleVote grants at most one vote per term (§5.2), and only to a
// candidate whose log is at least as up-to-date as ours (§5.4.1). A pre-vote
// for a later term is granted on the log check alone and changes nothing.
func (n *Node) handleVote(m Message) {
	resp := voteRespType(m.Type)
	canVote := n.vote == m.From || (n.vote == 0 && n.lead == 0) ||
		(m.Type == MsgPreVote && m.Term > n.term)
	if canVote && (n.log.isUpToDate(m.Index, m.LogTerm) || n.cfg.Defects.VoteAnyLog) {
		// The vote is in the HardState of this Ready, durable before the reply leaves.
		n.send(Message{To: m.From, Type: resp, Term: m.Term})
		if m.Type == MsgVote {
			n.electionElapsed = 0
			n.vote = m.From
		}
		return
	}
	if n.cfg.Defects.TimerResetAnyVote {
		n.electionElapsed = 0
	}
	n.send(Message{To: m.From, Type: resp, Reject: true})
}

func (n *Node) handleVoteResp(m Message) {
	switch {
	case n.role == Candidate && m.Type == MsgVoteResp:
	case n.role == PreCandidate && m.Type == MsgPreVoteResp && (m.Reject || m.Term == n.term+1):
	default:
		return // stale or for another kind of election
	}
	n.poll(m.From, !m.Reject)
}

// poll records id's answer (the first one counts) and acts on a majority
// (of both halves while joint); a rejecting majority of either half loses.
func (n *Node) poll(id uint64, granted bool) {
	if _, seen := n.votes[id]; !seen {
		n.votes[id] = granted
	}
	yesVote := func(p uint64) bool { v, ok := n.votes[p]; return ok && v }
	yes := n.hasQuorum(yesVote)
	if n.cfg.Defects.JointQuorumNewOnlyVotes {
		yes = majority(n.log.conf().cs.Voters, yesVote)
	}
	rejected := func(p uint64) bool { v, ok := n.votes[p]; return ok && !v }
	cs := n.log.conf().cs
	no := (len(cs.Voters) > 0 && majority(cs.Voters, rejected)) ||
		(len(cs.VotersOutgoing) > 0 && majority(cs.VotersOutgoing, rejected))
	switch {
	case yes && n.role == PreCandidate:
		n.campaign(false)
	case yes:
		n.becomeLeader()
		n.bcastAppend()
		n.afterLeaderCommit()
	case no:
		n.becomeFollower(n.term, 0)
	}
}
