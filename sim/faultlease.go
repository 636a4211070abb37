package sim

import (
	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/replica"
)

// leaseFault is the state of a lease-split window (the shape that tests a
// leader lease's fence): at its start the leader of the moment, L, and one
// follower, X, are cut apart both ways, so X's election timer runs out
// while the other followers still hear L. A protocol whose followers keep
// refusing other candidates while they vouch for L's lease (Raft's leader
// stickiness, Paxos's lease fence) grants no vote until L's lease lapsed.
// The first vote (a Promise) granted to another candidate while L still
// leads cuts L off from every other server until the window ends, before
// L can hear of the new term: clients still reach it, and it serves lease
// reads for as long as its lease says, while the new leader takes writes.
// Invariant: leader == 0 until started with a leader; cut lists the hosts
// cut from L, X first.
type leaseFault struct {
	env     faultEnv
	untilNs int64
	leader  int
	cut     []int
}

// start opens a lease-split window ending at a.UntilNs: L and a follower
// drawn from the run-time stream are cut apart.
func (f *leaseFault) start(_ int, a faults.Action) {
	*f = leaseFault{env: f.env, untilNs: a.UntilNs}
	l := f.env.currentLeader()
	if l == 0 {
		f.env.note(0, "lease-split").Str("skip", "no leader").End()
		return
	}
	var followers []int
	for _, v := range f.env.view(l).members.Voters {
		if int(v) != l && f.env.view(int(v)).up {
			followers = append(followers, int(v))
		}
	}
	if len(followers) < 2 {
		f.env.note(l, "lease-split").Str("skip", "fewer than two followers up").End()
		return
	}
	x := followers[f.env.rand().IntN(len(followers))]
	f.leader, f.cut = l, []int{x}
	f.env.note(l, "lease-split").Int("follower", int64(x)).End()
	f.env.cutBoth(l, x)
}

func (f *leaseFault) fire(uint8, int, uint64) {} // no timers

// voted is called when host from granted to its vote in term: a vote for
// a candidate other than L, while L still leads, cuts L off from every
// other server.
func (f *leaseFault) voted(from, to int, term uint64) {
	if f.leader == 0 || to == f.leader || from == f.leader || len(f.cut) > 1 || f.env.now() >= f.untilNs {
		return
	}
	if v := f.env.view(f.leader); !v.up || v.role != replica.Leader {
		return
	}
	f.env.note(f.leader, "lease-split-isolate").Int("voter", int64(from)).Int("candidate", int64(to)).Int("term", int64(term)).End()
	for y := 1; y <= f.env.hostCount(); y++ {
		if y != f.leader && y != f.cut[0] {
			f.cut = append(f.cut, y)
			f.env.cutBoth(f.leader, y)
		}
	}
}

// end heals the window's cuts.
func (f *leaseFault) end(int, faults.Action) {
	f.env.note(f.leader, "fault-end").Str("kind", string(faults.LeaseSplit)).End()
	for _, y := range f.cut {
		f.env.uncutBoth(f.leader, y)
	}
	f.leader, f.cut, f.untilNs = 0, nil, 0
}
