package etcdraft37

import (
	"fmt"

	"github.com/faultline-sim/faultline/replica"
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
)

func (r *node) HasReady() bool {
	var ok bool
	r.call(func() { ok = r.rn.HasReady() })
	return ok
}

// Ready takes etcd's Ready, writes it to the MemoryStorage and the disk
// (unsynced) and converts it, as the v3.6 adapter does.
func (r *node) Ready() replica.Ready {
	if r.handing {
		panic(fmt.Sprintf("etcdraft37: node %d: Ready called twice without Advance", r.id))
	}
	var out replica.Ready
	r.call(func() {
		r.rd, r.handing = r.rn.Ready(), true
		out = r.persist(r.rd)
		for _, e := range r.rd.CommittedEntries {
			out.Committed = append(out.Committed, r.entry(e))
			r.handed = e.GetIndex()
		}
		out.CompactNow, r.wantSnap = r.wantSnap, false
	})
	return out
}

// persist writes rd's snapshot, entries and hard state, in that order.
func (r *node) persist(rd raft.Ready) replica.Ready {
	out := replica.Ready{MustSync: rd.MustSync}
	if s := rd.SoftState; s != nil {
		out.Role = &replica.RoleChange{Role: role(s.RaftState), Epoch: r.rn.BasicStatus().GetTerm(), Lead: s.Lead}
	}
	if !raft.IsEmptySnap(rd.Snapshot) {
		r.install(rd.Snapshot, &out)
	}
	if len(rd.Entries) > 0 {
		if err := r.ms.Append(rd.Entries); err != nil {
			panic(fmt.Sprintf("etcd37: node %d appending %d entries: %v", r.id, len(rd.Entries), err))
		}
		r.d.push(write{ents: cloneEntries(rd.Entries)})
		out.Appended = logEntries(rd.Entries)
		if l := rd.Entries[len(rd.Entries)-1].GetIndex(); r.rn.BasicStatus().RaftState == raft.StateLeader && l > r.last {
			panic(fmt.Sprintf("etcdraft37: leader %d appended up to %d, counted %d: an append was not counted", r.id, l, r.last))
		}
		for _, e := range rd.Entries {
			if t := e.GetType(); t == pb.EntryConfChange || t == pb.EntryConfChangeV2 {
				r.confIndex = max(r.confIndex, e.GetIndex())
			}
		}
	}
	if !raft.IsEmptyHardState(rd.HardState) {
		hs := rd.HardState
		if err := r.ms.SetHardState(hs); err != nil {
			panic(fmt.Sprintf("etcd37: node %d hard state: %v", r.id, err))
		}
		r.d.push(write{hard: &pb.HardState{Term: hs.Term, Vote: hs.Vote, Commit: hs.Commit}})
		out.Epoch, out.Commit = hs.GetTerm(), hs.GetCommit()
	}
	r.msgs, r.snapsTo = r.msgs[:0], r.snapsTo[:0]
	for _, m := range rd.Messages {
		r.msgs = append(r.msgs, &message{m: m})
		if m.GetType() == pb.MsgSnap {
			r.snapsTo = append(r.snapsTo, m.GetTo())
		}
	}
	out.Messages = r.msgs
	for _, s := range rd.ReadStates {
		out.Reads = append(out.Reads, replica.ReadState{Index: s.Index, Ctx: s.RequestCtx})
	}
	return out
}

func (r *node) install(s *pb.Snapshot, out *replica.Ready) {
	if err := r.ms.ApplySnapshot(s); err != nil {
		panic(fmt.Sprintf("etcd37: node %d installing snapshot at %d: %v", r.id, s.GetMetadata().GetIndex(), err))
	}
	r.d.push(write{install: s})
	r.d.installs++
	m := s.GetMetadata()
	r.conf, r.confIndex = cloneConf(m.GetConfState()), max(r.confIndex, m.GetIndex())
	r.handed = max(r.handed, m.GetIndex())
	out.Snapshot = &replica.Snapshot{Index: m.GetIndex(), Epoch: m.GetTerm(), Data: s.GetData(), Membership: membership(m.GetConfState())}
}

func (r *node) entry(e *pb.Entry) replica.Entry {
	out := replica.Entry{Index: e.GetIndex(), Epoch: e.GetTerm(), Data: e.GetData(), Hash: hashData(e.GetType(), e.GetData())}
	switch t := e.GetType(); {
	case t == pb.EntryConfChange || t == pb.EntryConfChangeV2:
		m := r.applyConf(e)
		out.Kind, out.Membership = replica.EntryConfig, &m
	case len(e.GetData()) == 0:
		out.Kind = replica.EntryNoop
	}
	return out
}

// Advance acknowledges the Ready (see the v3.6 adapter).
func (r *node) Advance() {
	if !r.handing {
		panic(fmt.Sprintf("etcdraft37: node %d: Advance without Ready", r.id))
	}
	r.handing = false
	r.call(func() {
		r.rn.Advance(r.rd)
		for _, to := range r.snapsTo {
			r.rn.ReportSnapshot(to, raft.SnapshotFinish)
		}
		r.maybeLeaveJoint()
	})
	r.rd, r.snapsTo = raft.Ready{}, r.snapsTo[:0]
}
