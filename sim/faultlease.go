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
	l, x, skip := leaderAndFollower(f.env)
	if skip != "" {
		f.env.note(l, "lease-split").Str("skip", skip).End()
		return
	}
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
	f.cut = append(f.cut, cutAllBut(f.env, f.leader, f.cut[0])...)
}

// end heals the window's cuts.
func (f *leaseFault) end(int, faults.Action) {
	f.env.note(f.leader, "fault-end").Str("kind", string(faults.LeaseSplit)).End()
	uncutAll(f.env, f.leader, f.cut)
	f.leader, f.cut, f.untilNs = 0, nil, 0
}

// leaderAndFollower resolves the leader of the moment, l, and draws x from
// the run-time stream among the other voters of its configuration that are
// up; skip says why there is none (no leader, fewer than two followers up).
func leaderAndFollower(env faultEnv) (l, x int, skip string) {
	l = env.currentLeader()
	if l == 0 {
		return 0, 0, "no leader"
	}
	var followers []int
	for _, v := range env.view(l).members.Voters {
		if int(v) != l && env.view(int(v)).up {
			followers = append(followers, int(v))
		}
	}
	if len(followers) < 2 {
		return l, 0, "fewer than two followers up"
	}
	return l, followers[env.rand().IntN(len(followers))], ""
}

// cutAllBut cuts l off from every other server but keep, both ways, and
// returns the servers it cut, in id order.
func cutAllBut(env faultEnv, l, keep int) []int {
	var cut []int
	for y := 1; y <= env.hostCount(); y++ {
		if y != l && y != keep {
			cut = append(cut, y)
			env.cutBoth(l, y)
		}
	}
	return cut
}

// uncutAll heals the cuts between l and each of cut, both ways.
func uncutAll(env faultEnv, l int, cut []int) {
	for _, y := range cut {
		env.uncutBoth(l, y)
	}
}
