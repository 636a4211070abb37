package sim

import (
	"fmt"
	"slices"

	"github.com/faultline-sim/faultline/replica"
)

// stuckConfig explains a liveness failure that no election can end: a host
// in service whose configuration in force (Status.Membership: the newest in
// its log for our Raft, the newest applied for etcd-io/raft) has a half in
// which the hosts not retired are no majority. Such a host can win no
// election, and no other can win without its vote once its log is the
// longest. A protocol that takes a configuration into force when it applies
// it is left there when the operator retires a removed member before this
// host learned that the removal committed (README: seed 1765). Empty when no
// host is in that state. Hosts are visited in id order: the text is stable.
func (w *world) stuckConfig() string {
	for id := 1; id < len(w.hosts); id++ {
		h := w.hosts[id]
		if !h.up || h.node == nil || w.op.retired[id] {
			continue
		}
		m := h.node.Status().Membership
		for _, half := range [][]uint64{m.Voters, m.VotersOutgoing} {
			if gone := w.retiredOf(half); len(half) > 0 && 2*(len(half)-len(gone)) <= len(half) {
				return fmt.Sprintf("n%d's configuration in force %s needs a majority of {%s}, and the operator retired %s",
					id, describeMembership(m), joinIDs(sortedIDs(half)), nodeNames(gone))
			}
		}
	}
	return ""
}

// retiredOf is the members of half that the operator retired, ascending.
func (w *world) retiredOf(half []uint64) []uint64 {
	var gone []uint64
	for _, v := range half {
		if v < uint64(len(w.hosts)) && w.op.retired[v] {
			gone = append(gone, v)
		}
	}
	slices.Sort(gone)
	return gone
}

// describeMembership prints a configuration's voters: "{2,3}", or
// "{2,3}&&{1,2}" (incoming && outgoing) while joint.
func describeMembership(m replica.Membership) string {
	s := "{" + joinIDs(sortedIDs(m.Voters)) + "}"
	if m.IsJoint() {
		s += "&&{" + joinIDs(sortedIDs(m.VotersOutgoing)) + "}"
	}
	return s
}

// sortedIDs is an ascending copy of ids.
func sortedIDs(ids []uint64) []uint64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// nodeNames prints ids as "n1" or "n1, n4".
func nodeNames(ids []uint64) string {
	s := ""
	for i, id := range ids {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("n%d", id)
	}
	return s
}
