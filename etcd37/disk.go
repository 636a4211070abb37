package etcdraft37

import (
	"fmt"
	"slices"

	"github.com/faultline-sim/faultline/replica"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

// disk is a node's simulated disk, as in replica/etcdraft (v3.6): durable
// state plus unsynced writes, oldest first; a crash keeps a prefix of them.
type disk struct {
	durable                              state
	pending                              []write
	writes, syncs, lost, snaps, installs int
}

// state is a disk's content. Invariants: ents[i].Index == off+1+i;
// off <= snap index <= off+len(ents).
type state struct {
	hard *pb.HardState
	snap *pb.Snapshot // latest snapshot; nil if none
	off  uint64
	ents []*pb.Entry
}

// write is one unsynced write: exactly one of its parts is set.
type write struct {
	hard    *pb.HardState
	ents    []*pb.Entry
	install *pb.Snapshot
	snap    *pb.Snapshot
	trim    uint64
}

const maxPendingWrites = 1 << 16

func (d *disk) push(w write) {
	if len(d.pending) >= maxPendingWrites {
		panic(fmt.Sprintf("etcdraft37: disk has %d unsynced writes: the host never syncs", len(d.pending)))
	}
	d.pending = append(d.pending, w)
	d.writes++
}

func (s *state) snapIndex() uint64 { return s.snap.GetMetadata().GetIndex() }

func (s *state) apply(w write) {
	switch {
	case w.hard != nil:
		s.hard = w.hard
	case len(w.ents) > 0:
		from := w.ents[0].GetIndex()
		if from <= s.snapIndex() || from > s.last()+1 {
			panic(fmt.Sprintf("etcd37: Ready appends at %d outside the disk's (%d, %d]", from, s.snapIndex(), s.last()+1))
		}
		s.ents = append(s.ents[:from-s.off-1], w.ents...)
	case w.install != nil:
		s.snap, s.off, s.ents = w.install, w.install.GetMetadata().GetIndex(), nil
	case w.snap != nil:
		s.snap = w.snap
	case w.trim > s.off:
		s.ents = slices.Clone(s.ents[min(w.trim-s.off, uint64(len(s.ents))):])
		s.off = w.trim
	}
}

func (s *state) last() uint64 { return s.off + uint64(len(s.ents)) }

func (s *state) afterSnapshot() []*pb.Entry {
	return s.ents[min(s.snapIndex()-s.off, uint64(len(s.ents))):]
}

// Sync implements replica.Store.
func (d *disk) Sync() {
	for _, w := range d.pending {
		d.durable.apply(w)
	}
	d.pending = d.pending[:0]
	d.syncs++
}

// Crash implements replica.Store.
func (d *disk) Crash(keep int) {
	keep = min(keep, len(d.pending))
	for _, w := range d.pending[:keep] {
		d.durable.apply(w)
	}
	d.lost += len(d.pending) - keep
	d.pending = nil
}

// Pending implements replica.Store.
func (d *disk) Pending() int { return len(d.pending) }

// Stats implements replica.Store.
func (d *disk) Stats() replica.StoreStats {
	return replica.StoreStats{Writes: d.writes, Syncs: d.syncs, Lost: d.lost, Snapshots: d.snaps, Installs: d.installs}
}

// Recovered implements replica.Store.
func (d *disk) Recovered() replica.Recovered {
	s := &d.durable
	si := s.snapIndex()
	r := replica.Recovered{Epoch: s.hard.GetTerm(), Commit: max(s.hard.GetCommit(), si), Log: logEntries(s.afterSnapshot())}
	if si > 0 {
		r.SnapData, r.SnapAt = s.snap.GetData(), si
	}
	return r
}

func cloneEntries(es []*pb.Entry) []*pb.Entry {
	out := make([]*pb.Entry, len(es))
	for i, e := range es {
		out[i] = proto.Clone(e).(*pb.Entry)
	}
	return out
}
