package sim

import (
	"fmt"

	"github.com/faultline-sim/faultline/replica"
)

// Log compaction and snapshots on the host side.
//
// After applying, a host whose log holds more than Options.SnapshotEntries
// entries past its last snapshot snapshots its kv state machine (data and
// client sessions, kv.Store.Snapshot) at its applied index and asks its
// replica to compact (Replica.Compact: on the disk, the snapshot write, then
// the log trim). A leader sends a snapshot to a follower whose next entry it
// compacted away; the follower's replica persists it (Ready.Snapshot) and,
// once durable, the host restores its kv from it. A restarted host restores
// its kv from the disk's snapshot and the replica replays the committed
// entries after it.

// restoreFromDisk sets the new kv store to the disk's snapshot (at boot).
// Until the host has applied what its disk says is committed, it is behind
// its previous incarnation, so it serves no stale reads (reads.go).
func (h *host) restoreFromDisk() {
	rec := h.store.Recovered()
	h.applied, h.snapAt = 0, rec.SnapAt
	if rec.SnapAt > 0 {
		h.restoreKV(rec.SnapAt, rec.SnapData)
	}
	h.replayTo = rec.Commit
}

func (h *host) restoreKV(index uint64, data []byte) {
	if err := h.kv.Restore(data); err != nil {
		panic(fmt.Sprintf("sim: host %d cannot restore snapshot at %d: %v", h.id, index, err))
	}
	h.applied = index
	h.w.catchUpApplied(h)
}

// applySnapshot restores the kv from a received snapshot, now durable.
// Proposals at or below it will not be applied here: their clients retry.
func (h *host) applySnapshot(s *replica.Snapshot) {
	h.restoreKV(s.Index, s.Data)
	for i := range h.waiting {
		if i <= s.Index {
			delete(h.waiting, i) // order-free: nothing is sent
		}
	}
}

// noteApplied records that entry e was applied (configuration included).
func (h *host) noteApplied(e *replica.Entry) {
	h.applied = e.Index
	h.w.catchUpApplied(h)
	if e.Kind == replica.EntryConfig {
		h.w.configApplied(h.id, e.Index, *e.Membership)
	}
}

// maybeCompact snapshots the kv and compacts the disk when the log holds
// more than SnapshotEntries entries past the last snapshot, or when the
// replica asked for it (now: Ready.CompactNow) and applied moved past the
// last snapshot. Called after Advance, so the replica's unstable log holds
// nothing at or below applied.
func (h *host) maybeCompact(now bool) {
	n := h.w.o.SnapshotEntries
	if n <= 0 || !h.w.caps.Snapshots || h.applied <= h.snapAt {
		return
	}
	if !now && h.applied <= h.snapAt+uint64(n) {
		return
	}
	h.node.Compact(h.applied, h.kv.Snapshot())
	h.snapAt = h.applied
	h.w.inv.InstallSnapshot(h.w.now(), h.id, h.applied)
}
