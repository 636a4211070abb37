package sim

import (
	"fmt"

	"github.com/faultline-sim/faultline/raft"
)

// Log compaction and snapshots on the host side.
//
// After applying, a host whose log holds more than Options.SnapshotEntries
// entries past its last snapshot snapshots its kv state machine (data and
// client sessions, kv.Store.Snapshot) at its applied index and compacts its
// disk (disk.compact: the snapshot write, then the log trim). A leader sends
// InstallSnapshot to a follower whose next entry it compacted away; the
// follower persists it (Ready.Snapshot, one write replacing the log) and,
// once durable, restores its kv from it. A restarted host restores its kv
// from the disk's snapshot and Raft replays the committed entries after it.

// snapshotChunkBytes is raft's MaxSnapshotChunkBytes. A kv image is a few
// hundred bytes to some tens of kilobytes (appends grow values), so snapshots
// of most runs travel in several chunks and a lost chunk is exercised.
const snapshotChunkBytes = 1024

// restoreFromDisk sets the new kv store to the disk's snapshot (at boot).
// Until the host has applied what its disk says is committed, it is behind
// its previous incarnation, so it serves no stale reads (reads.go).
func (h *host) restoreFromDisk() {
	h.applied, h.conf = 0, raft.ConfState{}
	if s := h.disk.snap; !s.IsEmpty() {
		h.restoreKV(s)
	}
	h.replayTo = max(h.disk.hard.Commit, h.disk.snapIndex())
}

func (h *host) restoreKV(s raft.Snapshot) {
	if err := h.kv.Restore(s.Data); err != nil {
		panic(fmt.Sprintf("sim: host %d cannot restore snapshot %d/%d: %v", h.id, s.Metadata.Index, s.Metadata.Term, err))
	}
	h.applied, h.conf = s.Metadata.Index, s.Metadata.ConfState
}

// persistSnapshot is step 1 of the Ready contract for a received snapshot.
func (h *host) persistSnapshot(s raft.Snapshot) {
	h.disk.installSnapshot(s)
	h.w.inv.InstallSnapshot(h.w.now(), h.id, s.Metadata.Index)
}

// applySnapshot restores the kv from a received snapshot, now durable.
// Proposals at or below it will not be applied here: their clients retry.
func (h *host) applySnapshot(s raft.Snapshot) {
	h.restoreKV(s)
	for i := range h.waiting {
		if i <= s.Metadata.Index {
			delete(h.waiting, i) // order-free: nothing is sent
		}
	}
}

// noteApplied records that entry e was applied (configuration included).
func (h *host) noteApplied(e raft.Entry) {
	h.applied = e.Index
	if e.Type != raft.EntryConfChange {
		return
	}
	cs, err := raft.DecodeConfState(e.Data)
	if err != nil {
		panic(fmt.Sprintf("sim: host %d applied a configuration entry %d that does not decode: %v", h.id, e.Index, err))
	}
	h.conf = cs
	h.w.configApplied(h.id, e.Index, cs)
}

// maybeCompact snapshots the kv and compacts the disk when the log holds
// more than SnapshotEntries entries past the last snapshot. Called after
// Advance, so Raft's unstable log holds nothing at or below applied.
func (h *host) maybeCompact() {
	n := h.w.o.SnapshotEntries
	if n <= 0 || h.applied <= h.disk.snapIndex()+uint64(n) {
		return
	}
	h.disk.compact(h.applied, h.conf, h.kv.Snapshot())
	h.w.inv.InstallSnapshot(h.w.now(), h.id, h.applied)
}
