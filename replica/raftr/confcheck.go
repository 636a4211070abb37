package raftr

import (
	"fmt"
	"slices"

	"github.com/faultline-sim/faultline/raft"
)

// confSeen is what checkConfig knows of the disk's configuration entries.
type confSeen struct {
	known  bool   // index is up to date (false at boot: the disk is read)
	newest uint64 // index of the newest configuration entry on the disk; 0 if none after the snapshot
}

// checkConfig panics unless the configuration in force is the newest one in
// the node's log, or the snapshot's when no entry after it holds one
// (thesis §4.1: a server uses the latest configuration in its log,
// committed or not). Called in Ready once the disk took the Ready's writes,
// when the disk and the core's log are the same. It asks the core only when
// the log's configurations may have moved: a configuration entry appended,
// a truncation or a snapshot (rescan), a boot; it reads the whole disk log
// only in the last two cases.
func (r *node) checkConfig(ents []raft.Entry, rescan bool) {
	r.checkLeft() // the leave check of our Raft's leaders shares this call in Ready
	switch c, i := &r.confs, newestConf(ents); {
	case rescan || !c.known:
		c.known, c.newest = true, r.d.newestConf()
	case i > 0:
		c.newest = i
	default:
		return
	}
	st := r.n.Status()
	si := r.d.snapIndex()
	if i := r.confs.newest; i > si {
		cs, err := raft.DecodeConfState(r.d.ents[i-r.d.off-1].Data)
		if err == nil && st.ConfigIndex == i && sameConf(st.Config, cs) {
			return
		}
		panic(fmt.Sprintf("raft: invariant broken: node %d holds configuration %+v (raft ids) of index %d, but the newest in its log is %+v at %d (err %v)",
			st.ID, st.Config, st.ConfigIndex, cs, i, err))
	}
	snapCS := r.d.snap.Metadata.ConfState
	if st.ConfigIndex <= si && (snapCS.IsEmpty() || sameConf(st.Config, snapCS)) {
		return
	}
	panic(fmt.Sprintf("raft: invariant broken: node %d holds configuration %+v (raft ids) of index %d, but its log has none after its snapshot at %d, whose configuration is %+v",
		st.ID, st.Config, st.ConfigIndex, si, snapCS))
}

// checkLeft panics when a leader that committed an entry of its own term
// holds a committed joint configuration: the commit that reached the joint
// entry makes the leader append the leave in the same step (auto-leave,
// raft/confchange.go afterLeaderCommit). A leader elected over a committed
// joint entry leaves once its first entry commits. Called in each Ready,
// after the disk took its writes (the committed entry is on it); it asks the
// core only when the Ready moved the hard state.
func (r *node) checkLeft() {
	if r.rd.HardState.IsEmpty() {
		return // the commit index did not move
	}
	st := r.n.Status()
	if st.Role != raft.Leader || !st.Config.IsJoint() || st.ConfigIndex > st.Commit {
		return
	}
	if t, err := r.d.Term(st.Commit); err != nil || t != st.Term {
		return // nothing of its term committed yet
	}
	panic(fmt.Sprintf("raft: invariant broken: leader %d of term %d committed %d of its term but holds the committed joint configuration of index %d without appending its leave",
		st.ID, st.Term, st.Commit, st.ConfigIndex))
}

// newestConf is the index of the last configuration entry of ents, 0 if none.
func newestConf(ents []raft.Entry) uint64 {
	for i := len(ents) - 1; i >= 0; i-- {
		if ents[i].Type == raft.EntryConfChange {
			return ents[i].Index
		}
	}
	return 0
}

// newestConf is the index of the disk's newest configuration entry after
// its snapshot, 0 if none.
func (d *disk) newestConf() uint64 { return newestConf(d.logAfterSnapshot()) }

func sameConf(a, b raft.ConfState) bool {
	return slices.Equal(a.Voters, b.Voters) && slices.Equal(a.Learners, b.Learners) &&
		slices.Equal(a.VotersOutgoing, b.VotersOutgoing)
}
