package sim

import "github.com/faultline-sim/faultline/faults"

// crashWindow is what the run-time-resolved crash faults (crash-voter,
// crash-new-leader, replay-leader) share: the window, and the hosts it
// crashed and has not restarted yet. Invariant: when the window ends, every
// host it crashed is up.
type crashWindow struct {
	env     faultEnv
	slot    execSlot
	kind    faults.Kind
	untilNs int64  // the window is open while now < untilNs
	down    []bool // hosts the window crashed and has not restarted, by id
}

// Timer ops every crash window has; an executor's own ops come after.
const (
	opRestart uint8 = iota + 1 // restart node if the window crashed it
	opFirstOwn
)

func newCrashWindow(env faultEnv, slot execSlot, kind faults.Kind) crashWindow {
	return crashWindow{env: env, slot: slot, kind: kind}
}

func (c *crashWindow) open() bool { return c.env.now() < c.untilNs }

// crashFor crashes host n for downNs, restarting it by the window's end at
// the latest.
func (c *crashWindow) crashFor(n int, downNs int64) {
	if c.down == nil {
		c.down = make([]bool, c.env.hostCount()+1)
	}
	c.env.crash(n, false)
	c.down[n] = true
	now := c.env.now()
	c.env.timer(max(now, min(now+downNs, c.untilNs)), c.slot, opRestart, n, 0)
}

// restartFrom boots host n if the window crashed it.
func (c *crashWindow) restartFrom(n int) {
	if c.down == nil || !c.down[n] {
		return
	}
	c.down[n] = false
	c.env.restart(n)
}

// endWindow closes the window and restarts every host it still holds down.
func (c *crashWindow) endWindow() {
	c.env.note(0, "fault-end").Str("kind", string(c.kind)).End()
	c.untilNs = 0
	for n := range c.down {
		c.restartFrom(n)
	}
}
