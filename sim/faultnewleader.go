package sim

import (
	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/faultline-sim/faultline/replica"
)

// newLeaderFault is the state of a crash-new-leader window: until untilNs,
// a leader crashes either as it is elected or at its first commit of the
// term (see finishing). The Ready it crashes at is durable (and applied),
// but its messages never leave (the process dies first: to the others, the
// same as losing them), and the host takes nothing more in until the crash,
// an event at the same time. It restarts after two to four election
// timeouts, long enough for another node to be elected and to commit.
// Together the two crashes make Raft Figure 8: a node alone with a
// newer-term entry (the no-op of a leader crashed as elected), then a
// leader that commits earlier-term entries by counting replicas and crashes
// before any follower holds an entry of its own term. A correct leader's
// first commit covers its own no-op on a majority, so the crash costs it
// nothing.
type newLeaderFault struct {
	crashWindow
	seenTerm []uint64 // per host, the last term it was seen leading in
	armed    []bool   // per host, waiting for the first commit of seenTerm
}

const opNewLeaderCrash = opFirstOwn // crash node; gen = its incarnation

func (f *newLeaderFault) start(_ int, a faults.Action) { f.untilNs = a.UntilNs }
func (f *newLeaderFault) end(int, faults.Action)       { f.endWindow() }

// finishing is called as host n finishes a Ready whose writes are durable,
// before it sends. At a leader's first Ready of a term in the window, three
// times in four it crashes right there (its no-op stays on its own disk: a
// newer entry that no one else holds), else it is armed to crash at its
// first commit of the term. The ratio and the downtime were tuned on
// commit-old-term with only this fault and max-entries=1 (seeds 1-200): 1/2
// and one to two timeouts caught 25, these 49.
func (f *newLeaderFault) finishing(n int, rd *replica.Ready, commit uint64) bool {
	if !f.open() {
		return false
	}
	v := f.env.view(n)
	if v.role != replica.Leader {
		return false
	}
	if f.seenTerm == nil {
		f.seenTerm = make([]uint64, f.env.hostCount()+1)
		f.armed = make([]bool, f.env.hostCount()+1)
	}
	switch term := v.epoch; {
	case f.seenTerm[n] != term:
		f.seenTerm[n] = term
		f.armed[n] = f.env.rand().Chance(prng.R(1, 4))
		if f.armed[n] {
			return false
		}
	case f.armed[n] && rd.Commit > commit:
		f.armed[n] = false
	default:
		return false
	}
	rd.Messages = nil
	f.env.pause(n)
	f.env.timer(f.env.now(), f.slot, opNewLeaderCrash, n, v.incarn)
	return true
}

func (f *newLeaderFault) fire(op uint8, n int, gen uint64) {
	if op == opRestart {
		f.env.note(n, "new-leader-restart").End()
		f.restartFrom(n)
		return
	}
	f.env.note(n, "new-leader-crash").End()
	if v := f.env.view(n); !v.up || v.incarn != gen {
		return // it crashed or restarted meanwhile
	}
	e := f.env.electionNs()
	f.crashFor(n, f.env.rand().Range(2*e, 4*e))
}
