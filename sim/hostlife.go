package sim

import "github.com/faultline-sim/faultline/replica"

// A host's process life: crash, restart, pause and resume.

// crash stops the process; unsynced writes are lost (a prefix survives if torn).
func (h *host) crash(torn bool) {
	keep := 0
	if n := h.store.Pending(); torn && n > 0 {
		keep = h.w.faultRng.IntN(n + 1)
	}
	h.store.Crash(keep)
	h.w.loop.Cancel(h.tickHandle)
	if h.role == replica.Leader {
		h.w.leaderLost(h.id)
	}
	h.w.live.Crash(h.w.now(), h.id)
	h.node, h.kv, h.up, h.paused = nil, nil, false, false
	h.inbox, h.missed, h.rd, h.waiting, h.role = nil, 0, nil, nil, replica.Follower
	h.reads = nil
	h.incarn++
}

// restart boots the node from what its disk synced.
func (h *host) restart() {
	h.incarn++
	rec := h.store.Recovered()
	h.w.inv.Term(h.id, rec.Epoch)
	h.w.live.Restart(h.w.now(), h.id, rec.Epoch)
	if h.w.caps.LogChecks {
		h.w.inv.Restart(h.w.now(), h.id, checkerLog(rec.Log), rec.Commit)
	} else { // the state machine restarts from its snapshot and relearns the rest
		h.w.inv.Restart(h.w.now(), h.id, nil, rec.SnapAt)
	}
	if h.w.pcheck != nil {
		h.w.pcheck.Restarted(h.w.now(), uint64(h.id), rec)
	}
	h.boot()
	h.pump()
}

func (h *host) pause() { h.paused = true }

// resume continues a paused process: the fsync that finished, the ticks it
// missed and the packets it buffered are handled now, in that order. The
// missed ticks come first, so a leader's lease counts the pause before the
// leader answers any read that waited for it.
func (h *host) resume() {
	h.paused = false
	if h.synced {
		h.synced = false
		rd := *h.rd
		h.rd = nil
		h.finish(rd)
	}
	if h.w.defects.pauseDropsTicks {
		h.missed = min(h.missed, 1)
	}
	for ; h.missed > 0; h.missed-- {
		h.tick()
	}
	inbox := h.inbox
	h.inbox = nil
	for _, p := range inbox {
		h.receive(p)
	}
	h.pump()
}
