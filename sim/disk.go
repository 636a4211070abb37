package sim

import (
	"fmt"
	"slices"

	"github.com/faultline-sim/faultline/raft"
)

// disk is a node's simulated disk and its raft.Storage. Writes land at once
// in what reads see (the page cache) but are unsynced until sync; a crash
// undoes unsynced writes, all of them or (torn) only a suffix.
// Invariant: ents[i].Index == i+1; pending holds, oldest first, what each
// unsynced write replaced, so undoing them in reverse restores the synced state.
type disk struct {
	hard    raft.HardState
	ents    []raft.Entry
	pending []diskWrite
	// counters
	writes, syncs, lost int
}

// diskWrite is one unsynced write with what it overwrote.
type diskWrite struct {
	prevHard raft.HardState
	from     uint64       // first index the write replaced (0: no entries)
	prevEnts []raft.Entry // entries at [from, old last] before the write
}

// maxPendingWrites bounds the unsynced queue; a host syncs every Ready.
const maxPendingWrites = 1 << 16

// write persists hs (if not empty) and ents with truncation semantics.
func (d *disk) write(hs raft.HardState, ents []raft.Entry) {
	if hs.IsEmpty() && len(ents) == 0 {
		return
	}
	if len(d.pending) >= maxPendingWrites {
		panic(fmt.Sprintf("sim: disk has %d unsynced writes: the host never syncs", len(d.pending)))
	}
	w := diskWrite{prevHard: d.hard}
	if !hs.IsEmpty() {
		d.hard = hs
	}
	if len(ents) > 0 {
		from := ents[0].Index
		if from < 1 || from > uint64(len(d.ents))+1 {
			panic(fmt.Sprintf("sim: disk append at %d leaves a gap after %d", from, len(d.ents)))
		}
		w.from = from
		keep := d.ents[:from-1]
		if int(from-1) < len(d.ents) {
			w.prevEnts = slices.Clone(d.ents[from-1:])
			keep = keep[: from-1 : from-1] // a truncation copies: slices handed out stay intact
		}
		d.ents = append(keep, ents...)
	}
	d.pending = append(d.pending, w)
	d.writes++
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
		if w.from > 0 {
			d.ents = append(d.ents[:w.from-1:w.from-1], w.prevEnts...)
		}
		d.lost++
	}
	d.pending = d.pending[:0]
}

// InitialState implements raft.Storage.
func (d *disk) InitialState() (raft.HardState, error) { return d.hard, nil }

// Entries implements raft.Storage.
func (d *disk) Entries(lo, hi uint64) ([]raft.Entry, error) {
	if lo < 1 {
		return nil, raft.ErrCompacted
	}
	if hi > uint64(len(d.ents))+1 || lo > hi {
		return nil, raft.ErrUnavailable
	}
	return d.ents[lo-1 : hi-1 : hi-1], nil
}

// Term implements raft.Storage.
func (d *disk) Term(i uint64) (uint64, error) {
	if i == 0 {
		return 0, nil
	}
	if i > uint64(len(d.ents)) {
		return 0, raft.ErrUnavailable
	}
	return d.ents[i-1].Term, nil
}

// FirstIndex implements raft.Storage.
func (d *disk) FirstIndex() (uint64, error) { return 1, nil }

// LastIndex implements raft.Storage.
func (d *disk) LastIndex() (uint64, error) { return uint64(len(d.ents)), nil }

// Snapshot implements raft.Storage: no compaction yet, so the empty snapshot.
func (d *disk) Snapshot() (raft.Snapshot, error) { return raft.Snapshot{}, nil }
