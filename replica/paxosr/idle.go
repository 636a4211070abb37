package paxosr

import (
	"fmt"

	"github.com/faultline-sim/faultline/paxos"
)

// HasReady asserts both halves of its contract, which the host's pump
// trusts: a yes is followed by a Ready with something in it (checkFull), and
// a no leaves nothing unhanded (checkIdle). A core that withholds a promise,
// a role or a commit until some other output comes along goes unseen
// otherwise (make mutate: paxos/ready.go:61-62).
func (r *node) HasReady() bool {
	if r.n.HasReady() {
		return true
	}
	if !r.pending {
		r.checkIdle()
	}
	return false
}

// checkIdle: with no Ready to hand out, the core's role, leader and promise
// are those handed out (the promise also persisted), and every chosen slot
// it knows is applied.
func (r *node) checkIdle() {
	st := r.n.Status()
	s := r.soft
	if st.Role == s.Role && st.Lead == s.Lead && st.Promised == s.Ballot && st.Promised == r.d.promised &&
		st.Commit == st.Applied {
		return
	}
	panic(fmt.Sprintf("paxos: invariant broken: node %d has no Ready, but holds role %v lead %d promise %v commit %d applied %d; handed out %+v, persisted promise %v",
		st.ID, st.Role, st.Lead, st.Promised, st.Commit, st.Applied, s, r.d.promised))
}

// checkFull panics on a Ready with nothing in it, and records its soft state.
func (r *node) checkFull(rd *paxos.Ready) {
	if rd.SoftState != nil {
		r.soft = *rd.SoftState
	}
	if rd.SoftState != nil || rd.Promised != 0 || len(rd.Slots) > 0 || rd.Snapshot != nil || len(rd.Messages) > 0 ||
		len(rd.Committed) > 0 || len(rd.Reads) > 0 || len(rd.Observations) > 0 {
		return
	}
	panic(fmt.Sprintf("paxos: invariant broken: node %d reported a Ready, and it is empty", r.n.Status().ID))
}
