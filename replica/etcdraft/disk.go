package etcdraft

import (
	"fmt"
	"slices"

	"github.com/faultline-sim/faultline/replica"
	"go.etcd.io/raft/v3/raftpb"
)

// disk is a node's simulated disk: what survives a crash. etcd-io/raft reads
// its log from a MemoryStorage (the page cache) that the node keeps beside
// the disk; every write goes to both, and a boot rebuilds the MemoryStorage
// from the disk's durable state.
//
// The durable state is the synced writes; pending are the unsynced ones,
// oldest first. Sync applies them all; Crash(keep) applies the first keep
// (a torn write keeps a prefix) and drops the rest.
//
// Invariants of durable: ents[i].Index == off+1+i; off <= snap index <=
// off+len(ents) (a crash between a compaction's snapshot write and its log
// trim leaves entries at or below the snapshot, hidden as compacted).
type disk struct {
	durable state
	pending []write
	// hold is how many of the newest pending writes Sync leaves unsynced
	// (the send-before-sync defect: a batch becomes durable one Ready late).
	hold int
	// counters
	writes, syncs, lost, snaps, installs int
}

// state is a disk's content.
type state struct {
	hard raftpb.HardState
	snap raftpb.Snapshot // latest snapshot; empty if none
	off  uint64          // index before ents[0]
	ents []raftpb.Entry
}

// write is one unsynced write: exactly one of its parts is set.
type write struct {
	hard    *raftpb.HardState
	ents    []raftpb.Entry   // appended with truncation semantics
	install *raftpb.Snapshot // a received snapshot: replaces snapshot and log
	snap    *raftpb.Snapshot // a compaction's snapshot record
	trim    uint64           // a compaction's log trim up to this index
}

// maxPendingWrites bounds the unsynced queue; a host syncs every Ready.
const maxPendingWrites = 1 << 16

func (d *disk) push(w write) {
	if len(d.pending) >= maxPendingWrites {
		panic(fmt.Sprintf("etcdraft: disk has %d unsynced writes: the host never syncs", len(d.pending)))
	}
	d.pending = append(d.pending, w)
	d.writes++
}

// apply makes w part of s.
func (s *state) apply(w write) {
	switch {
	case w.hard != nil:
		s.hard = *w.hard
	case len(w.ents) > 0:
		from := w.ents[0].Index
		if from <= s.snap.Metadata.Index || from > s.last()+1 {
			panic(fmt.Sprintf("etcd: Ready appends at %d outside the disk's (%d, %d]", from, s.snap.Metadata.Index, s.last()+1))
		}
		at := from - s.off - 1
		s.ents = append(s.ents[:at], w.ents...) // in place: the durable log is never handed out uncopied
	case w.install != nil:
		s.snap, s.off, s.ents = *w.install, w.install.Metadata.Index, nil
	case w.snap != nil:
		s.snap = *w.snap
	case w.trim > 0:
		if w.trim > s.off {
			s.ents = slices.Clone(s.ents[min(w.trim-s.off, uint64(len(s.ents))):])
			s.off = w.trim
		}
	}
}

func (s *state) last() uint64 { return s.off + uint64(len(s.ents)) }

// afterSnapshot is the log a boot sees: the entries after the snapshot.
func (s *state) afterSnapshot() []raftpb.Entry {
	return s.ents[min(s.snap.Metadata.Index-s.off, uint64(len(s.ents))):]
}

// Sync implements replica.Store.
func (d *disk) Sync() {
	n := max(len(d.pending)-d.hold, 0)
	for _, w := range d.pending[:n] {
		d.durable.apply(w)
	}
	d.pending = slices.Delete(d.pending, 0, n)
	d.syncs++
}

// Crash implements replica.Store.
func (d *disk) Crash(keep int) {
	keep = min(keep, len(d.pending))
	for _, w := range d.pending[:keep] {
		d.durable.apply(w)
	}
	d.lost += len(d.pending) - keep
	d.pending, d.hold = nil, 0
}

// Pending implements replica.Store.
func (d *disk) Pending() int { return len(d.pending) }

// Stats implements replica.Store.
func (d *disk) Stats() replica.StoreStats {
	return replica.StoreStats{Writes: d.writes, Syncs: d.syncs, Lost: d.lost, Snapshots: d.snaps, Installs: d.installs}
}

// Recovered implements replica.Store: the durable state.
func (d *disk) Recovered() replica.Recovered {
	s := &d.durable
	si := s.snap.Metadata.Index
	r := replica.Recovered{Epoch: s.hard.Term, Commit: max(s.hard.Commit, si), Log: logEntries(s.afterSnapshot())}
	if si > 0 {
		r.SnapData, r.SnapAt = s.snap.Data, si
	}
	return r
}
