package sim

import (
	"slices"

	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/replica"
)

// removalFault is the state of a leader-removal window (see the faults
// package doc): armed until a leader L is about to send the first Ready in
// which its configuration in force no longer counts it as a voter (it
// appended its own removal, by a single-server change or by leaving a joint
// configuration); then L is cut off from every other server before that
// Ready leaves, so it alone holds the uncommitted configuration that removes
// it. L is deposed (crashed, restarted a tick later) if it still leads after
// two election timeouts, and the cut heals after removalCutElections. When
// the other voters of the committed configuration are no majority without
// L (two voters), only L can finish the change, and it must campaign
// although its newest configuration excludes it (thesis §4.2.2).
// Invariant: leader == 0 until triggered; down[x] only for a host this
// fault crashed and has not restarted.
type removalFault struct {
	env     faultEnv
	untilNs int64
	leader  int    // L; 0 while armed
	healed  bool   // the cut is over
	down    []bool // by id: crashed by the depose, not yet restarted
}

// removalCutElections bounds the cut, in election timeouts: time for L to
// lose its leadership (CheckQuorum or the depose at 2) and campaign alone.
const removalCutElections = 5

// Timer ops.
const (
	opRemovalDepose  uint8 = iota + 1 // crash node if it still leads; gen = the term it was cut in
	opRemovalRestart                  // restart node if the depose crashed it; gen = its incarnation
	opRemovalHeal                     // the cut ends
)

// start arms a window ending at a.UntilNs.
func (f *removalFault) start(_ int, a faults.Action) {
	*f = removalFault{env: f.env, untilNs: a.UntilNs, down: make([]bool, f.env.hostCount()+1)}
}

func (f *removalFault) fire(op uint8, n int, gen uint64) {
	switch op {
	case opRemovalDepose:
		f.depose(n, gen)
	case opRemovalRestart:
		if f.down[n] && f.env.view(n).incarn == gen {
			f.env.note(n, "removal-restart").End()
			f.down[n] = false
			f.env.restart(n)
		}
	case opRemovalHeal:
		f.heal()
	}
}

// finishing is called as host n finishes a Ready whose writes are durable,
// before it sends: the first leader in the window whose configuration
// excludes it is cut off now, so this Ready's messages are lost.
func (f *removalFault) finishing(n int) {
	if f.leader != 0 || f.env.now() >= f.untilNs {
		return
	}
	v := f.env.view(n)
	if !v.up || v.role != replica.Leader || isVoterOf(v.members, n) {
		return
	}
	f.leader = n
	f.env.note(n, "removal-cut").Int("term", int64(v.epoch)).End()
	f.cuts(true)
	e := f.env.electionNs()
	f.env.timer(f.env.now()+2*e, slotRemoval, opRemovalDepose, n, v.epoch)
	f.env.timer(min(f.env.now()+removalCutElections*e, f.untilNs), slotRemoval, opRemovalHeal, n, 0)
}

// isVoterOf reports whether n votes in m (either half of a joint one).
func isVoterOf(m replica.Membership, n int) bool {
	id := uint64(n)
	return slices.Contains(m.Voters, id) || slices.Contains(m.VotersOutgoing, id)
}

// depose crashes L if it still leads the term it was cut in, and restarts
// it a tick later, still cut off: a follower holding the only copy.
func (f *removalFault) depose(l int, term uint64) {
	v := f.env.view(l)
	if f.healed || l != f.leader || !v.up || v.paused || v.role != replica.Leader || v.epoch != term {
		return
	}
	f.env.note(l, "removal-depose").End()
	f.env.crash(l, false)
	f.down[l] = true
	f.env.timer(f.env.now()+f.env.tickNs(), slotRemoval, opRemovalRestart, l, f.env.view(l).incarn)
}

// heal ends the cut (once) and restarts a host the depose holds down.
func (f *removalFault) heal() {
	if f.leader == 0 || f.healed {
		return
	}
	f.healed = true
	f.env.note(f.leader, "removal-heal").End()
	f.cuts(false)
	for n, d := range f.down {
		if d {
			f.down[n] = false
			f.env.restart(n)
		}
	}
}

// end closes the window, healing the cut if it is still on.
func (f *removalFault) end(int, faults.Action) {
	f.env.note(f.leader, "fault-end").Str("kind", string(faults.LeaderRemoval)).End()
	f.heal()
	f.untilNs, f.leader = 0, 0
}

// cuts cuts (or heals) every link between L and another server.
func (f *removalFault) cuts(on bool) {
	for x := 1; x <= f.env.hostCount(); x++ {
		switch {
		case x == f.leader:
		case on:
			f.env.cutBoth(f.leader, x)
		default:
			f.env.uncutBoth(f.leader, x)
		}
	}
}
