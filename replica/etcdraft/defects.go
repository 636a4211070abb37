package etcdraft

import (
	"fmt"

	"github.com/faultline-sim/faultline/replica"
	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
)

// defectSet is the planted misuse of etcd's Ready contract at the host
// boundary: the module is never changed, the adapter hands the host a Ready
// the way a wrong host would treat it.
type defectSet struct {
	sendBeforeSync     bool
	applyBeforePersist bool
	commitOnAppend     bool
	noExplicitLeave    bool
}

// catalogue lists the adapter's planted defects, in the order simrun prints
// them. The host's own ack-before-commit (sim) runs on etcd too.
var catalogue = []struct {
	replica.Defect
	set func(*defectSet)
}{
	{replica.Defect{Name: "send-before-sync", Summary: "the host sends a Ready's messages before its MustSync writes are durable (they become durable one Ready later); a crash forgets votes and acknowledged entries",
		Catches: "one-leader-per-term, acked-write-lost, log checks (crash faults)"},
		func(d *defectSet) { d.sendBeforeSync = true }},
	{replica.Defect{Name: "apply-before-persist", Summary: "the host applies CommittedEntries (and records the commit index) before it persists the Ready's Entries",
		Catches: "committed-entry: a commit index beyond the node's log (a follower committing entries of the same Ready)"},
		func(d *defectSet) { d.applyBeforePersist = true }},
	{replica.Defect{Name: "commit-on-append", Summary: "the host applies and acknowledges a leader's Ready.Entries as committed when they are appended, not when they come in CommittedEntries (ack-before-commit at etcd's boundary)",
		Catches: "state-machine-safety, acked-write-lost, linearizability (a deposed leader's entries overwritten)"},
		func(d *defectSet) { d.commitOnAppend = true }},
	{replica.Defect{Name: "no-explicit-leave", Summary: "the host never proposes the leave of a joint configuration entered without auto-leave (ConfChangeTransitionJointExplicit): etcd leaves it only when asked",
		Catches: "membership-change: a leader holds a committed joint configuration while it commits (the joint-left check)"},
		func(d *defectSet) { d.noExplicitLeave = true }},
}

// Defects implements replica.Protocol.
func (Protocol) Defects() []replica.Defect {
	out := make([]replica.Defect, len(catalogue))
	for i, d := range catalogue {
		out[i] = d.Defect
	}
	return out
}

// defectsOf switches on the named defect ("" or the host's: none).
func defectsOf(name string) defectSet {
	var s defectSet
	for _, d := range catalogue {
		if d.Name == name {
			d.set(&s)
		}
	}
	return s
}

// applyFirst is apply-before-persist: the committed entries and the commit
// index of rd go out first, in a batch without writes or messages; the rest
// of rd is the next Ready. Called under the lock.
func (r *node) applyFirst(rd raft.Ready) replica.Ready {
	out := replica.Ready{}
	if !raft.IsEmptyHardState(rd.HardState) {
		out.Commit = rd.HardState.Commit
	}
	r.committed(&out, rd)
	rest := rd
	rest.CommittedEntries = nil
	r.split = &rest
	return out
}

// commitOnAppend is the commit-on-append defect: on a leader, the entries
// after those handed out so far, up to the last appended, are handed out as
// committed (a configuration entry stops it: etcd applies those itself).
// Called under the lock.
func (r *node) commitOnAppend(out *replica.Ready) {
	if len(out.Appended) == 0 || r.rn.BasicStatus().RaftState != raft.StateLeader {
		return
	}
	last, _ := r.ms.LastIndex()
	if r.handed >= last {
		return
	}
	ents, err := r.ms.Entries(r.handed+1, last+1, 1<<40)
	if err != nil {
		panic(fmt.Sprintf("etcdraft: node %d reading (%d, %d]: %v", r.id, r.handed, last, err))
	}
	for _, e := range ents {
		if e.Type != raftpb.EntryNormal {
			break
		}
		out.Committed = append(out.Committed, r.entry(e))
		r.handed, r.early = e.Index, e.Index
		out.Commit = max(out.Commit, e.Index)
	}
}
