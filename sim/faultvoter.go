package sim

// voterFault is the state of a crash-voter window: until untilNs, a host
// that sends a granted vote crashes at that instant (an event at the same
// time, after the current handler: a Ready still in its fsync is lost) and
// restarts soon after. A correct host sends a vote only once it is durable,
// so the crash costs it nothing; one that sends first forgets its vote and
// may grant the same term again after the restart.
type voterFault struct {
	untilNs int64  // the window is open while now < untilNs
	down    []bool // hosts the window crashed and has not restarted, by id
}

// votedNow is called when host n sends a granted vote.
func (w *world) votedNow(n int) {
	if w.now() >= w.voter.untilNs {
		return
	}
	w.push(w.now(), event{kind: evVoterCrash, node: n, gen: w.hosts[n].incarn})
}

// voterCrash crashes host n unless it already crashed or restarted since it voted.
func (w *world) voterCrash(n int, gen uint64) {
	h := w.hosts[n]
	if !h.up || h.incarn != gen || w.now() >= w.voter.untilNs {
		return
	}
	if w.voter.down == nil {
		w.voter.down = make([]bool, len(w.hosts))
	}
	h.crash(false)
	w.voter.down[n] = true
	// Back within a tick: soon enough to hear the other candidates of the
	// term it voted in.
	downNs := w.faultRng.Range(min(100_000, w.o.TickNs), w.o.TickNs)
	w.push(min(w.now()+downNs, w.voter.untilNs), event{kind: evVoterRestart, node: n})
}

// voterRestart boots host n if the crash-voter window crashed it.
func (w *world) voterRestart(n int) {
	if w.voter.down == nil || !w.voter.down[n] {
		return
	}
	w.voter.down[n] = false
	w.restart(n)
}

// endVoterFault closes the window; every host it crashed is up again by now.
func (w *world) endVoterFault() {
	w.tr.Begin(w.now(), 0, "fault-end").Str("kind", "crash-voter").End()
	w.voter.untilNs = 0
	for n := range w.voter.down {
		w.voterRestart(n)
	}
}
