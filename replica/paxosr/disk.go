package paxosr

import (
	"fmt"

	"github.com/faultline-sim/faultline/paxos"
	"github.com/faultline-sim/faultline/replica"
)

// disk is a node's simulated disk: the promised ballot, the latest snapshot
// and the slots after it. Writes land at once but are unsynced until sync;
// a crash undoes the unsynced writes, all of them or (torn) only a suffix.
// Each Ready is several writes: the snapshot (replacing the slots it
// covers), the promise, then one write per slot.
//
// Invariants: ents[i].Index == snap.Index+1+i; pending holds, oldest first,
// what each unsynced write replaced, so undoing them in reverse restores
// the synced state.
type disk struct {
	promised paxos.Ballot
	snap     paxos.Snapshot
	ents     []paxos.Slot // holes have Ballot 0 and are not Chosen
	pending  []diskWrite
	// counters
	writes, syncs, lost, snaps, installs int
}

// diskWrite is one unsynced write and what it overwrote.
type diskWrite struct {
	prevPromised paxos.Ballot
	slot         bool // a slot write: prevLen, at, prevSlot
	prevLen      int
	at           int
	prevSlot     paxos.Slot
	whole        bool // a snapshot write: prevSnap, prevEnts
	prevSnap     paxos.Snapshot
	prevEnts     []paxos.Slot
}

// maxPendingWrites bounds the unsynced queue; a host syncs every Ready.
const maxPendingWrites = 1 << 16

func (d *disk) push(w diskWrite) {
	if len(d.pending) >= maxPendingWrites {
		panic(fmt.Sprintf("paxosr: disk has %d unsynced writes: the host never syncs", len(d.pending)))
	}
	d.pending = append(d.pending, w)
	d.writes++
}

// write persists one Ready's state: snapshot, promise, slots.
func (d *disk) write(rd *paxos.Ready) {
	if rd.Snapshot != nil {
		d.putSnapshot(*rd.Snapshot)
		d.installs++
	}
	if rd.Promised > d.promised {
		d.push(diskWrite{prevPromised: d.promised})
		d.promised = rd.Promised
	}
	for _, s := range rd.Slots {
		d.putSlot(s)
	}
}

func (d *disk) putSlot(s paxos.Slot) {
	if s.Index <= d.snap.Index {
		return // covered by the snapshot
	}
	w := diskWrite{prevPromised: d.promised, slot: true, prevLen: len(d.ents), at: int(s.Index - d.snap.Index - 1)}
	for uint64(len(d.ents)) < s.Index-d.snap.Index {
		d.ents = append(d.ents, paxos.Slot{Index: d.snap.Index + uint64(len(d.ents)) + 1})
	}
	w.prevSlot = d.ents[w.at]
	d.ents[w.at] = s
	d.push(w)
}

// putSnapshot makes s the snapshot and drops the slots it covers, in one write.
func (d *disk) putSnapshot(s paxos.Snapshot) {
	if s.Index <= d.snap.Index {
		return
	}
	d.push(diskWrite{prevPromised: d.promised, whole: true, prevSnap: d.snap, prevEnts: d.ents})
	keep := d.ents[min(len(d.ents), int(s.Index-d.snap.Index)):]
	d.ents = append([]paxos.Slot(nil), keep...)
	d.snap = s
}

// compact records the host's snapshot at index i.
func (d *disk) compact(i uint64, data []byte) {
	d.putSnapshot(paxos.Snapshot{Index: i, Data: data})
	d.snaps++
}

func (d *disk) sync() { d.pending = d.pending[:0]; d.syncs++ }

// crash loses the unsynced writes after the first keep of them.
func (d *disk) crash(keep int) {
	for i := len(d.pending) - 1; i >= keep; i-- {
		w := d.pending[i]
		d.promised = w.prevPromised
		switch {
		case w.whole:
			d.snap, d.ents = w.prevSnap, w.prevEnts
		case w.slot:
			d.ents[w.at] = w.prevSlot
			d.ents = d.ents[:w.prevLen]
		}
		d.lost++
	}
	d.pending = d.pending[:0]
}

// state is what a boot starts from: a copy, the disk changes in place.
func (d *disk) state() paxos.State {
	st := paxos.State{Promised: d.promised, Snap: d.snap}
	for _, s := range d.ents {
		if s.Ballot != 0 || s.Chosen {
			st.Slots = append(st.Slots, s)
		}
	}
	return st
}

// commit is the last slot of the chosen prefix on disk.
func (d *disk) commit() uint64 {
	c := d.snap.Index
	for _, s := range d.ents {
		if !s.Chosen {
			break
		}
		c = s.Index
	}
	return c
}

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

// Recovered implements replica.Store. State is a paxos.State.
func (d *disk) Recovered() replica.Recovered {
	r := replica.Recovered{Epoch: uint64(d.promised), Commit: d.commit(), State: d.state()}
	if d.snap.Index > 0 {
		r.SnapData, r.SnapAt = d.snap.Data, d.snap.Index
	}
	return r
}
