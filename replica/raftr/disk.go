package raftr

import (
	"fmt"
	"slices"

	"github.com/faultline-sim/faultline/raft"
	"github.com/faultline-sim/faultline/replica"
)

// disk is a node's simulated disk and its raft.Storage: a hard state, the
// latest snapshot and the log suffix after it. Writes land at once in what
// reads see (the page cache) but are unsynced until sync; a crash undoes
// unsynced writes, all of them or (torn) only a suffix.
//
// Compaction is two writes, the snapshot and then the log trim, each undone
// on its own: a crash between them leaves the new snapshot beside the
// untrimmed log (entries at or below the snapshot are hidden, as compacted),
// a crash before both the old snapshot and the whole log. Installing a
// received snapshot is one write that replaces snapshot and log together.
//
// Invariants: ents[i].Index == off+1+i; off <= snap index <= off+len(ents)
// (the snapshot's index is in the log or is its end); pending holds, oldest
// first, what each unsynced write replaced, so undoing them in reverse
// restores the synced state.
type disk struct {
	hard    raft.HardState
	snap    raft.Snapshot // the latest snapshot; empty if none
	off     uint64        // index before ents[0]
	ents    []raft.Entry
	pending []diskWrite
	// counters
	writes, syncs, lost, snaps, installs int
}

// diskWrite is one unsynced write with what it overwrote.
type diskWrite struct {
	prevHard raft.HardState
	from     uint64       // first index an append replaced (0: no entries)
	prevEnts []raft.Entry // append: entries at [from, old last]; whole-log write: the whole log
	snapshot bool         // the write replaced the snapshot: prevSnap is the old one
	prevSnap raft.Snapshot
	wholeLog bool // the write replaced the whole log (a trim or an install): prevOff, prevEnts
	prevOff  uint64
}

// maxPendingWrites bounds the unsynced queue; a host syncs every Ready.
const maxPendingWrites = 1 << 16

func (d *disk) push(w diskWrite) {
	if len(d.pending) >= maxPendingWrites {
		panic(fmt.Sprintf("raftr: disk has %d unsynced writes: the host never syncs", len(d.pending)))
	}
	d.pending = append(d.pending, w)
	d.writes++
}

func (d *disk) snapIndex() uint64 { return d.snap.Metadata.Index }

func (d *disk) lastIndex() uint64 { return d.off + uint64(len(d.ents)) }

// write persists hs (if not empty) and ents with truncation semantics.
func (d *disk) write(hs raft.HardState, ents []raft.Entry) {
	if hs.IsEmpty() && len(ents) == 0 {
		return
	}
	w := diskWrite{prevHard: d.hard}
	if !hs.IsEmpty() {
		d.hard = hs
	}
	if len(ents) > 0 {
		from := ents[0].Index
		if from <= d.snapIndex() || from > d.lastIndex()+1 {
			// Raft's Ready breaks the storage contract: a Raft fault, so
			// the run reports it as a raft-assertion, not a simulator panic.
			panic(fmt.Sprintf("raft: Ready appends at %d outside the disk's (%d, %d]: below the snapshot or a gap",
				from, d.snapIndex(), d.lastIndex()+1))
		}
		w.from = from
		at := from - d.off - 1
		keep := d.ents[:at]
		if int(at) < len(d.ents) {
			w.prevEnts = slices.Clone(d.ents[at:])
			keep = keep[:at:at] // a truncation copies: slices handed out stay intact
		}
		d.ents = append(keep, ents...)
	}
	d.push(w)
}

// installSnapshot persists a snapshot received from the leader: it replaces
// the snapshot and the whole log, in one write.
func (d *disk) installSnapshot(s raft.Snapshot) {
	d.push(diskWrite{prevHard: d.hard, snapshot: true, prevSnap: d.snap, wholeLog: true, prevOff: d.off, prevEnts: d.ents})
	d.snap = s
	d.off, d.ents = s.Metadata.Index, nil
	d.installs++
}

// compact records a snapshot of the state machine at index i (applied, so
// in the log) and then trims the log up to i: two separate writes.
func (d *disk) compact(i uint64, cs raft.ConfState, data []byte) {
	if i <= d.snapIndex() || i > d.lastIndex() {
		panic(fmt.Sprintf("raftr: disk compaction at %d outside (%d, %d]", i, d.snapIndex(), d.lastIndex()))
	}
	term := d.ents[i-d.off-1].Term
	d.push(diskWrite{prevHard: d.hard, snapshot: true, prevSnap: d.snap})
	d.snap = raft.Snapshot{Data: data, Metadata: raft.SnapshotMetadata{Index: i, Term: term, ConfState: cs}}
	d.push(diskWrite{prevHard: d.hard, wholeLog: true, prevOff: d.off, prevEnts: d.ents})
	d.ents = slices.Clone(d.ents[i-d.off:])
	d.off = i
	d.snaps++
}

// sync makes every write so far durable.
func (d *disk) sync() {
	d.pending = d.pending[:0]
	d.syncs++
}

// crash loses the unsynced writes after the first keep of them.
func (d *disk) crash(keep int) {
	for i := len(d.pending) - 1; i >= keep; i-- {
		w := d.pending[i]
		d.hard = w.prevHard
		if w.snapshot {
			d.snap = w.prevSnap
		}
		switch {
		case w.wholeLog:
			d.off, d.ents = w.prevOff, w.prevEnts
		case w.from > 0:
			at := w.from - d.off - 1
			d.ents = append(d.ents[:at:at], w.prevEnts...)
		}
		d.lost++
	}
	d.pending = d.pending[:0]
}

// logAfterSnapshot is the log a restart sees: the entries after the snapshot.
func (d *disk) logAfterSnapshot() []raft.Entry {
	return d.ents[d.snapIndex()-d.off:]
}

// InitialState implements raft.Storage.
func (d *disk) InitialState() (raft.HardState, error) { return d.hard, nil }

// Entries implements raft.Storage.
func (d *disk) Entries(lo, hi uint64) ([]raft.Entry, error) {
	if lo <= d.snapIndex() {
		return nil, raft.ErrCompacted
	}
	if hi > d.lastIndex()+1 || lo > hi {
		return nil, raft.ErrUnavailable
	}
	a, b := lo-d.off-1, hi-d.off-1
	return d.ents[a:b:b], nil
}

// Term implements raft.Storage.
func (d *disk) Term(i uint64) (uint64, error) {
	si := d.snapIndex()
	switch {
	case i < si:
		return 0, raft.ErrCompacted
	case i == si:
		return d.snap.Metadata.Term, nil
	case i > d.lastIndex():
		return 0, raft.ErrUnavailable
	}
	return d.ents[i-d.off-1].Term, nil
}

// FirstIndex implements raft.Storage.
func (d *disk) FirstIndex() (uint64, error) { return d.snapIndex() + 1, nil }

// LastIndex implements raft.Storage.
func (d *disk) LastIndex() (uint64, error) { return d.lastIndex(), nil }

// Snapshot implements raft.Storage: the latest snapshot (it is never changed
// in place, so it is not copied).
func (d *disk) Snapshot() (raft.Snapshot, error) { return d.snap, nil }

// Sync implements replica.Store.
func (d *disk) Sync() { d.sync() }

// Crash implements replica.Store.
func (d *disk) Crash(keep int) { d.crash(keep) }

// Pending implements replica.Store.
func (d *disk) Pending() int { return len(d.pending) }

// Stats implements replica.Store.
func (d *disk) Stats() replica.StoreStats {
	return replica.StoreStats{Writes: d.writes, Syncs: d.syncs, Lost: d.lost, Snapshots: d.snaps, Installs: d.installs}
}

// Recovered implements replica.Store.
func (d *disk) Recovered() replica.Recovered {
	r := replica.Recovered{Epoch: d.hard.Term, Commit: max(d.hard.Commit, d.snapIndex()),
		Log: logEntries(d.logAfterSnapshot())}
	if !d.snap.IsEmpty() {
		r.SnapData, r.SnapAt = d.snap.Data, d.snapIndex()
	}
	return r
}
