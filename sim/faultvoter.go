package sim

// voterFault is the state of a crash-voter window: until untilNs, a host
// that sends a granted vote crashes at that instant (an event at the same
// time, after the current handler: a Ready still in its fsync is lost) and
// restarts soon after. A correct host sends a vote only once it is durable,
// so the crash costs it nothing; one that sends first forgets its vote and
// may grant the same term again after the restart.
type voterFault struct{ crashWindow }

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
	// Back within a tick: soon enough to hear the other candidates of the
	// term it voted in.
	w.crashFor(&w.voter.crashWindow, h, w.faultRng.Range(min(100_000, w.o.TickNs), w.o.TickNs), evVoterRestart)
}
