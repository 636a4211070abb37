package sim

// crashWindow is what the run-time-resolved crash faults (crash-voter,
// crash-new-leader) share: the window, and the hosts it crashed and has not
// restarted yet. Invariant: when the window ends, every host it crashed is up.
type crashWindow struct {
	name    string // the fault kind, for the trace
	untilNs int64  // the window is open while now < untilNs
	down    []bool // hosts the window crashed and has not restarted, by id
}

// crashFor crashes host h for downNs, restarting it by the window's end at
// the latest; restart is the event kind that brings it back.
func (w *world) crashFor(c *crashWindow, h *host, downNs int64, restart evKind) {
	if c.down == nil {
		c.down = make([]bool, len(w.hosts))
	}
	h.crash(false)
	c.down[h.id] = true
	w.push(max(w.now(), min(w.now()+downNs, c.untilNs)), event{kind: restart, node: h.id})
}

// restartFrom boots host n if the window crashed it.
func (w *world) restartFrom(c *crashWindow, n int) {
	if c.down == nil || !c.down[n] {
		return
	}
	c.down[n] = false
	w.restart(n)
}

// endWindow closes the window and restarts every host it still holds down.
func (w *world) endWindow(c *crashWindow) {
	w.tr.Begin(w.now(), 0, "fault-end").Str("kind", c.name).End()
	c.untilNs = 0
	for n := range c.down {
		w.restartFrom(c, n)
	}
}
