package raftr

import (
	"fmt"

	"github.com/faultline-sim/faultline/raft"
)

// handed is what the Readies so far have told the host: the core's soft and
// hard state as of the last Ready that carried them. NewNode's restored state
// counts as handed (a fresh node is a follower with no leader).
type handed struct {
	soft raft.SoftState
	hard raft.HardState
}

func handedAtBoot(st raft.Status) handed {
	return handed{soft: raft.SoftState{Role: raft.Follower}, hard: raft.HardState{Term: st.Term, Vote: st.Vote, Commit: st.Commit}}
}

// HasReady asserts both halves of its contract, which the host's pump
// trusts: a yes is followed by a Ready with something in it (checkFull), and
// a no leaves nothing unhanded (checkIdle). A core that withholds a role,
// term or commit until some other output comes along goes unseen otherwise
// (make mutate: raft/ready.go:49, log.go:223).
func (r *node) HasReady() bool {
	if r.n.HasReady() {
		return true
	}
	if !r.pending {
		r.checkIdle()
	}
	return false
}

// checkIdle: with no Ready to hand out, the core's role, leader, term, vote
// and commit are those handed out, its last entry is on the disk, and
// everything committed is applied.
func (r *node) checkIdle() {
	st := r.n.Status()
	h := r.seen
	if st.Role == h.soft.Role && st.Lead == h.soft.Lead && st.Term == h.hard.Term && st.Vote == h.hard.Vote &&
		st.Commit == h.hard.Commit && st.Applied == st.Commit && st.LastIndex == r.d.lastIndex() {
		return
	}
	panic(fmt.Sprintf("raft: invariant broken: node %d has no Ready, but holds role %v lead %d term %d vote %d commit %d applied %d last %d; handed out %+v %+v, disk last %d",
		st.ID, st.Role, st.Lead, st.Term, st.Vote, st.Commit, st.Applied, st.LastIndex, h.soft, h.hard, r.d.lastIndex()))
}

// checkFull panics on a Ready with nothing in it, and records what it hands.
func (r *node) checkFull(rd *raft.Ready) {
	if rd.SoftState != nil {
		r.seen.soft = *rd.SoftState
	}
	if !rd.HardState.IsEmpty() {
		r.seen.hard = rd.HardState
	}
	if rd.SoftState != nil || !rd.HardState.IsEmpty() || len(rd.Entries) > 0 || len(rd.CommittedEntries) > 0 ||
		len(rd.Messages) > 0 || len(rd.ReadStates) > 0 || !rd.Snapshot.IsEmpty() {
		return
	}
	panic(fmt.Sprintf("raft: invariant broken: node %d reported a Ready, and it is empty", r.n.Status().ID))
}
