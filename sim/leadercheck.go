package sim

import (
	"fmt"
	"slices"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/replica"
)

// CheckDeafLeader names the deaf-leader check.
const CheckDeafLeader = "deaf-leader"

// The deaf-leader check tests a leader's quorum rule (CheckQuorum; always
// for Caps.StepsDown). Such a leader counts who answered it in windows of
// ElectionTicks of its own ticks, the first from its election, and steps
// down at the end of a window in which no majority of a half of its
// configuration did. So a leader that heard no majority after its tick s
// has stepped down by tick max(s, elected) + 2*ElectionTicks. The world
// counts every message the host steps while it leads, a superset of the
// answers a protocol counts, so a protocol that passes can fail no other way. The
// bound has one election timeout more (deafSlackElections) for what
// restarts a window (a new configuration whose members count as answered
// at first, a leader transfer's timer) and two ticks for phase. make
// mutate: a paxos leader whose quorum timer runs backwards and never
// steps down; it keeps taking requests it cannot commit while cut off.
// world.deaf holds its first failure, judged with the liveness bounds.

// deafSlackElections and deafSlackTicks widen the bound past 2*ElectionTicks.
const (
	deafSlackElections = 1
	deafSlackTicks     = 2
)

// stepsDown reports whether the run's protocol promises the quorum rule.
func (w *world) stepsDown() bool {
	return w.caps.StepsDown || (w.caps.CheckQuorum && w.o.CheckQuorum == On)
}

// leaderChecks runs the leader's checks after a tick h's replica took,
// once per election timeout of h's ticks while h leads (Status is read
// only there).
func (w *world) leaderChecks(h *host) {
	if h.role != replica.Leader || h.ticks%uint64(w.o.ElectionTicks) != 0 {
		return
	}
	st := h.node.Status()
	w.checkMatches(h, st)
	w.checkDeaf(h, st)
}

// checkDeaf fails leader h, of status st, if it heard no majority of a
// half of its configuration for the bound and still leads.
func (w *world) checkDeaf(h *host, st replica.Status) {
	et := uint64(w.o.ElectionTicks)
	if w.deaf != nil || !w.stepsDown() {
		return
	}
	if st.ConfigIndex != h.cfgIndex { // a new configuration restarts the count
		h.cfgIndex, h.cfgSince = st.ConfigIndex, h.ticks
	}
	bound := (2+deafSlackElections)*et + deafSlackTicks
	if st.Role != replica.Leader || st.Epoch != h.epoch || h.ticks < max(h.ledAt, h.cfgSince)+bound {
		return
	}
	since := h.ticks - bound
	m := st.Membership
	for _, half := range [][]uint64{m.Voters, m.VotersOutgoing} {
		if n := h.heardSince(half, since); len(half) > 0 && 2*n <= len(half) {
			w.deaf = &checker.Violation{Check: CheckDeafLeader, AtNs: w.now(), Nodes: []int{h.id},
				Msg: fmt.Sprintf("node %d still leads epoch %d at its tick %d, though it heard from only %d of {%s} in its last %d ticks (the quorum rule steps down within %d)",
					h.id, h.epoch, h.ticks, n, joinIDs(half), bound, 2*et)}
			return
		}
	}
}

// heardSince counts the members of half that h is or heard from after its
// tick since.
func (h *host) heardSince(half []uint64, since uint64) int {
	n := 0
	for _, p := range half {
		if int(p) == h.id || (p < uint64(len(h.heard)) && h.heard[p] > since) {
			n++
		}
	}
	return n
}

// heardFrom notes a message from peer stepped at h's current tick. Only a
// leader's count is read (from its leadership on), so only a leader notes.
func (h *host) heardFrom(peer uint64) {
	if peer < uint64(len(h.heard)) {
		h.heard[peer] = h.ticks
	}
}

// CheckOutbidLeader names the outbid-leader check.
const CheckOutbidLeader = "outbid-leader"

// checkOutbid fails leader h if it still leads its epoch after it stepped
// a reply of a later epoch: a refused vote, append or heartbeat from a
// member of its configuration that moved on. Every protocol here steps
// down on one at once (Raft's rule for any later term but a vote or
// pre-vote request; a Paxos proposer that is outbid); etcd-io/raft's
// RawNode drops a reply from a node it does not track (seed 651 of etcd:
// a spare's reply), so a non-member's is not judged. hd is the reply's header; Status is read only
// for a reply of a later epoch at a leader. make mutate: a paxos leader
// that ignores the refusals that outbid it, and keeps taking requests.
func (w *world) checkOutbid(h *host, hd *replica.Header) {
	if h.role != replica.Leader || hd.Epoch <= h.epoch || w.outbid != nil {
		return
	}
	if k := hd.Kind; k != replica.MsgVoteResp && k != replica.MsgAppendResp && k != replica.MsgHeartbeatResp {
		return
	}
	if st := h.node.Status(); st.Role == replica.Leader && st.Epoch == h.epoch && isMember(st.Membership, int(hd.From)) {
		w.outbid = &checker.Violation{Check: CheckOutbidLeader, AtNs: w.now(), Nodes: []int{h.id, int(hd.From)},
			Msg: fmt.Sprintf("node %d still leads epoch %d after a %s from node %d of epoch %d", h.id, h.epoch, hd.Type, hd.From, hd.Epoch)}
	}
}

// isMember reports whether n is a voter (either half) or learner of m.
func isMember(m replica.Membership, n int) bool {
	return isVoterOf(m, n) || slices.Contains(m.Learners, uint64(n))
}
