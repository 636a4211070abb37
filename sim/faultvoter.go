package sim

import "github.com/faultline-sim/faultline/faults"

// voterFault is the state of a crash-voter window: until untilNs, a host
// that sends a granted vote crashes at that instant (an event at the same
// time, after the current handler: a Ready still in its fsync is lost) and
// restarts soon after. A correct host sends a vote only once it is durable,
// so the crash costs it nothing; one that sends first forgets its vote and
// may grant the same term again after the restart.
type voterFault struct{ crashWindow }

const opVoterCrash = opFirstOwn // crash node; gen = its incarnation when it voted

func (f *voterFault) start(_ int, a faults.Action) { f.untilNs = a.UntilNs }
func (f *voterFault) end(int, faults.Action)       { f.endWindow() }

// voted is called when host n sends a granted vote.
func (f *voterFault) voted(n int) {
	if f.open() {
		f.env.timer(f.env.now(), f.slot, opVoterCrash, n, f.env.view(n).incarn)
	}
}

func (f *voterFault) fire(op uint8, n int, gen uint64) {
	if op == opRestart {
		f.env.note(n, "voter-restart").End()
		f.restartFrom(n)
		return
	}
	f.env.note(n, "voter-crash").End()
	// Not if it already crashed or restarted since it voted.
	if v := f.env.view(n); !v.up || v.incarn != gen || !f.open() {
		return
	}
	// Back within a tick: soon enough to hear the other candidates of the
	// term it voted in.
	tick := f.env.tickNs()
	f.crashFor(n, f.env.rand().Range(min(100_000, tick), tick))
}
