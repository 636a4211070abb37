package sim

import (
	"strconv"

	"github.com/faultline-sim/faultline/replica"
)

// checkJointLeft fails the membership check when leader l (status st) holds
// a committed joint configuration for stuckElections election timeouts
// while it commits and applies entries of its own: a joint configuration is
// a step, and the leader that can commit must also commit its leave (our
// Raft appends it when the joint entry commits, etcd-io/raft's auto-leave
// once it is applied; etcd's explicit leave is proposed by the adapter,
// replica/etcdraft/conf.go).
// Called at each operator poll that finds the change not done yet; the span
// is of one configuration entry (its index is the key).
func (w *world) checkJointLeft(l int, st *replica.Status) {
	s := &w.op.joint
	if !st.Membership.IsJoint() || st.ConfigIndex > st.Commit {
		*s = waitSpan{}
		return
	}
	if w.stuck(s, l, st, st.ConfigIndex) {
		w.inv.MembershipFailed(w.now(), l, "leader "+strconv.Itoa(l)+" of term "+strconv.FormatUint(st.Epoch, 10)+
			" held the joint configuration of index "+strconv.FormatUint(s.key, 10)+", committed, for "+fmtNs(w.now()-s.sinceNs)+
			" while committing from index "+strconv.FormatUint(s.commit, 10)+" to "+strconv.FormatUint(st.Commit, 10)+
			" without leaving it")
		*s = waitSpan{}
	}
}
