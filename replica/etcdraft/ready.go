package etcdraft

import (
	"fmt"
	"slices"

	"github.com/faultline-sim/faultline/replica"
	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
)

func (r *node) HasReady() bool {
	if r.split != nil {
		return true
	}
	var ok bool
	r.call(func() { ok = r.rn.HasReady() })
	return ok
}

// Ready takes etcd's Ready, writes it to the MemoryStorage and the disk
// (unsynced) and converts it. Committed configuration entries are applied
// to etcd here, before the host applies them (etcd's own example does so).
func (r *node) Ready() replica.Ready {
	if r.handing {
		panic(fmt.Sprintf("etcdraft: node %d: Ready called twice without Advance", r.id))
	}
	if s := r.split; s != nil { // apply-before-persist: the writes come second
		r.split, r.handing = nil, true
		var out replica.Ready
		r.call(func() { out = r.persist(*s) })
		out.CompactNow, r.wantSnap = r.wantSnap, false
		return out
	}
	var out replica.Ready
	r.call(func() {
		r.rd, r.handing = r.rn.Ready(), true
		rd := r.rd
		if r.defect.applyBeforePersist && len(rd.CommittedEntries) > 0 && (len(rd.Entries) > 0 || !raft.IsEmptySnap(rd.Snapshot)) {
			out = r.applyFirst(rd)
			return
		}
		out = r.persist(rd)
		r.committed(&out, rd)
		out.CompactNow, r.wantSnap = r.wantSnap, false
	})
	return out
}

// persist writes rd's snapshot, entries and hard state, in that order (a
// torn write keeps a prefix: never a commit index without its entries), and
// converts its role change, messages and reads.
func (r *node) persist(rd raft.Ready) replica.Ready {
	out := replica.Ready{MustSync: rd.MustSync}
	if s := rd.SoftState; s != nil {
		out.Role = &replica.RoleChange{Role: role(s.RaftState), Epoch: r.rn.BasicStatus().Term, Lead: s.Lead}
	}
	writes := len(r.d.pending)
	if !raft.IsEmptySnap(rd.Snapshot) {
		r.install(rd.Snapshot, &out)
	}
	if len(rd.Entries) > 0 {
		if err := r.ms.Append(rd.Entries); err != nil {
			panic(fmt.Sprintf("etcd: node %d appending %d entries: %v", r.id, len(rd.Entries), err))
		}
		r.d.push(write{ents: slices.Clone(rd.Entries)})
		out.Appended = logEntries(rd.Entries)
		r.noteConfEntries(rd.Entries)
	}
	if !raft.IsEmptyHardState(rd.HardState) {
		hs := rd.HardState
		if err := r.ms.SetHardState(hs); err != nil {
			panic(fmt.Sprintf("etcd: node %d hard state: %v", r.id, err))
		}
		r.d.push(write{hard: &hs})
		out.Epoch, out.Commit = hs.Term, hs.Commit
	}
	if r.defect.sendBeforeSync && rd.MustSync {
		out.MustSync, r.d.hold = false, len(r.d.pending)-writes // durable only at the next sync
	} else {
		r.d.hold = 0
	}
	r.messages(&out, rd.Messages)
	for _, s := range rd.ReadStates {
		out.Reads = append(out.Reads, replica.ReadState{Index: s.Index, Ctx: s.RequestCtx})
	}
	return out
}

// install writes a snapshot received from the leader.
func (r *node) install(s raftpb.Snapshot, out *replica.Ready) {
	if err := r.ms.ApplySnapshot(s); err != nil {
		panic(fmt.Sprintf("etcd: node %d installing snapshot at %d: %v", r.id, s.Metadata.Index, err))
	}
	r.d.push(write{install: &s})
	r.d.installs++
	r.conf, r.confIndex = cloneConf(s.Metadata.ConfState), max(r.confIndex, s.Metadata.Index)
	r.handed = max(r.handed, s.Metadata.Index)
	m := s.Metadata
	out.Snapshot = &replica.Snapshot{Index: m.Index, Epoch: m.Term, Data: s.Data, Membership: membership(m.ConfState)}
}

// noteConfEntries moves confIndex to the newest configuration entry in es.
func (r *node) noteConfEntries(es []raftpb.Entry) {
	for _, e := range es {
		if e.Type == raftpb.EntryConfChange || e.Type == raftpb.EntryConfChangeV2 {
			r.confIndex = max(r.confIndex, e.Index)
		}
	}
}

// messages converts rd's messages; snapshots sent are reported on Advance.
func (r *node) messages(out *replica.Ready, ms []raftpb.Message) {
	r.buf, r.msgs, r.snapsTo = r.buf[:0], r.msgs[:0], r.snapsTo[:0]
	for i := range ms {
		r.buf = append(r.buf, message{m: ms[i]})
		if ms[i].Type == raftpb.MsgSnap {
			r.snapsTo = append(r.snapsTo, ms[i].To)
		}
	}
	for i := range r.buf {
		r.msgs = append(r.msgs, &r.buf[i])
	}
	out.Messages = r.msgs
}

// committed converts rd's committed entries into out.
func (r *node) committed(out *replica.Ready, rd raft.Ready) {
	for _, e := range rd.CommittedEntries {
		if e.Index <= r.early {
			continue // commit-on-append handed it out already
		}
		out.Committed = append(out.Committed, r.entry(e))
		r.handed = e.Index
	}
	if r.defect.commitOnAppend {
		r.commitOnAppend(out)
	}
}

// entry converts a committed entry; a configuration entry is applied.
func (r *node) entry(e raftpb.Entry) replica.Entry {
	out := replica.Entry{Index: e.Index, Epoch: e.Term, Data: e.Data, Hash: hashData(e.Type, e.Data)}
	switch {
	case e.Type == raftpb.EntryConfChange || e.Type == raftpb.EntryConfChangeV2:
		m := r.applyConf(e)
		out.Kind, out.Membership = replica.EntryConfig, &m
	case len(e.Data) == 0:
		out.Kind = replica.EntryNoop
	}
	return out
}

// Advance acknowledges the Ready: etcd steps its self-acks, the snapshots
// sent are reported finished (etcd's server reports a MsgSnap once its
// transport sent it; a lost one shows as a rejected probe afterwards), and a
// leader in a joint configuration without auto-leave proposes to leave it.
func (r *node) Advance() {
	if !r.handing {
		panic(fmt.Sprintf("etcdraft: node %d: Advance without Ready", r.id))
	}
	r.handing = false
	if r.split != nil {
		return // apply-before-persist: the writes of this Ready are still to come
	}
	r.call(func() {
		r.rn.Advance(r.rd)
		for _, to := range r.snapsTo {
			r.rn.ReportSnapshot(to, raft.SnapshotFinish)
		}
		r.maybeLeaveJoint()
	})
	r.rd, r.snapsTo = raft.Ready{}, r.snapsTo[:0]
}
