package sim

import (
	"strconv"

	"github.com/faultline-sim/faultline/replica"
)

// jointSpan is a run of operator polls that found leader by, in term, in the
// joint configuration made by entry idx, committed; since sinceNs, its commit
// index then at commit, moved its first commit index seen above that (0:
// none yet).
type jointSpan struct {
	by      int
	term    uint64
	idx     uint64
	commit  uint64
	moved   uint64
	sinceNs int64
	lastNs  int64
}

// checkJointLeft fails the membership check when leader l (status st) holds
// a committed joint configuration for stuckElections election timeouts
// while it commits and applies entries of its own: a joint configuration is
// a step, and the leader that can commit must also commit its leave (ours
// and etcd-io/raft's auto-leave append it once the joint entry is applied;
// etcd's explicit one is proposed by the adapter, replica/etcdraft/conf.go).
// Called at each operator poll that finds the change not done yet.
func (w *world) checkJointLeft(l int, st *replica.Status) {
	s := &w.op.joint
	if !st.Membership.IsJoint() || st.ConfigIndex > st.Commit {
		*s = jointSpan{}
		return
	}
	// Polls come every tick while a request is active; a longer gap (the
	// operator idle, a request abandoned) starts a new span.
	gap := 2 * int64(len(w.op.active)+1) * w.o.TickNs
	if s.by != l || s.term != st.Epoch || s.idx != st.ConfigIndex || w.now()-s.lastNs > gap {
		*s = jointSpan{by: l, term: st.Epoch, idx: st.ConfigIndex, commit: st.Commit, sinceNs: w.now(), lastNs: w.now()}
		return
	}
	s.lastNs = w.now()
	if s.moved == 0 && st.Commit > s.commit {
		s.moved = st.Commit
	}
	if s.moved > 0 && st.Applied >= s.moved && w.now()-s.sinceNs > stuckElections*int64(w.o.ElectionTicks)*w.o.TickNs {
		w.inv.MembershipFailed(w.now(), l, "leader "+strconv.Itoa(l)+" of term "+strconv.FormatUint(st.Epoch, 10)+
			" held the joint configuration of index "+strconv.FormatUint(s.idx, 10)+", committed, for "+fmtNs(w.now()-s.sinceNs)+
			" while committing from index "+strconv.FormatUint(s.commit, 10)+" to "+strconv.FormatUint(st.Commit, 10)+
			" without leaving it")
		*s = jointSpan{}
	}
}
