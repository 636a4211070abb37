package sim

import (
	"slices"

	"github.com/faultline-sim/faultline/faults"

	"github.com/faultline-sim/faultline/replica"
)

// jointFault is the state of a joint-split window (see the faults package
// doc): armed until a leader L appends a joint configuration that has a
// majority of C_new and a disjoint majority of C_old; then side[x] holds for
// L's side (a majority of C_new with L) and every pair across the sides is
// cut until untilNs. Invariant: leader == 0 until triggered; down[x] only
// for a host this fault crashed and has not restarted.
type jointFault struct {
	env     faultEnv
	untilNs int64
	leader  int    // L; 0 while armed or after the window
	healed  bool   // the split is over (it lasts jointCutElections at most)
	side    []bool // by id: L's side
	down    []bool // by id: crashed by the depose, not yet restarted
}

// jointCutElections bounds the split, in election timeouts: time for the
// old side to elect and commit, and for L's side, deposed at 2, to elect.
const jointCutElections = 6

// Timer ops.
const (
	opJointDepose  uint8 = iota + 1 // crash node if it still leads; gen = the term it split in
	opJointRestart                  // restart node if the depose crashed it; gen = its incarnation
	opJointHeal                     // the split ends
)

// start arms a window ending at a.UntilNs.
func (f *jointFault) start(_ int, a faults.Action) {
	n := f.env.hostCount() + 1
	*f = jointFault{env: f.env, untilNs: a.UntilNs, side: make([]bool, n), down: make([]bool, n)}
}

func (f *jointFault) fire(op uint8, n int, gen uint64) {
	switch op {
	case opJointDepose:
		f.env.note(n, "joint-depose").End()
		f.depose(n, gen)
	case opJointRestart:
		f.env.note(n, "joint-restart").End()
		f.restart(n, gen)
	case opJointHeal:
		f.heal()
	}
}

// leaderTerm is n's term if n is up, running and leads.
func (f *jointFault) leaderTerm(n int) (uint64, bool) {
	v := f.env.view(n)
	if !v.up || v.paused || v.role != replica.Leader {
		return 0, false
	}
	return v.epoch, true
}

// onChange is called when leader l has appended cc to configuration cs (a
// committed one that is not joint), before the entry leaves l. If cc makes
// a joint configuration whose halves can be split, it cuts l's side off.
func (f *jointFault) proposed(l int, cc replica.ConfigChange, cs replica.Membership) {
	if f.env.now() >= f.untilNs || f.leader != 0 || cc.Simple {
		return
	}
	old := cs.Voters
	next := slices.Clone(old)
	for _, c := range cc.Steps {
		switch {
		case c.Type == replica.AddVoter && !slices.Contains(next, c.Node):
			next = append(next, c.Node)
		case c.Type == replica.RemoveNode:
			next = slices.DeleteFunc(next, func(v uint64) bool { return v == c.Node })
		}
	}
	side := jointSide(uint64(l), old, next)
	if side == nil {
		return
	}
	f.leader = l
	for _, x := range side {
		f.side[x] = true
	}
	term, _ := f.leaderTerm(l)
	f.env.note(l, "joint-split").Int("side", int64(len(side))).End()
	f.eachCut(true)
	// Depose L after two election timeouts if it still leads, so its side
	// elects in the joint configuration even without CheckQuorum.
	f.env.timer(f.env.now()+2*f.env.electionNs(), slotJoint, opJointDepose, l, term)
	f.env.timer(min(f.env.now()+jointCutElections*f.env.electionNs(), f.untilNs), slotJoint, opJointHeal, l, 0)
}

// jointSide is L's side: L and a majority of next, first its members not
// in old, as few of old as it can take; nil unless the rest still holds a
// majority of old (so not for a change of one voter) and L is in next.
func jointSide(l uint64, old, next []uint64) []uint64 {
	if !slices.Contains(next, l) || !slices.Contains(old, l) {
		return nil
	}
	side := []uint64{l}
	add := func(fromOld bool) {
		for _, v := range next {
			if len(side) < len(next)/2+1 && slices.Contains(old, v) == fromOld && !slices.Contains(side, v) {
				side = append(side, v)
			}
		}
	}
	add(false)
	add(true)
	inOld := 0
	for _, v := range side {
		if slices.Contains(old, v) {
			inOld++
		}
	}
	if len(old)-inOld < len(old)/2+1 {
		return nil
	}
	return side
}

// depose crashes L if it still leads the term it split in (gen), and
// restarts it a tick later, still on its side.
func (f *jointFault) depose(l int, term uint64) {
	if t, ok := f.leaderTerm(l); !ok || t != term || f.leader != l || f.healed || f.env.now() >= f.untilNs {
		return
	}
	f.env.crash(l, false)
	f.down[l] = true
	f.env.timer(f.env.now()+f.env.tickNs(), slotJoint, opJointRestart, l, f.env.view(l).incarn)
}

// restart boots host n if the depose crashed it and nothing booted it since.
func (f *jointFault) restart(n int, gen uint64) {
	if !f.down[n] || f.env.view(n).incarn != gen {
		return
	}
	f.down[n] = false
	f.env.restart(n)
}

// heal ends the split (once) and restarts a host the depose holds down.
func (f *jointFault) heal() {
	if f.leader == 0 || f.healed {
		return
	}
	f.healed = true
	f.env.note(f.leader, "joint-heal").Int("leader", int64(f.leader)).End()
	f.eachCut(false)
	for n, d := range f.down {
		if d {
			f.down[n] = false
			f.env.restart(n)
		}
	}
}

// end closes the window, healing the split if it is still on.
func (f *jointFault) end(int, faults.Action) {
	f.env.note(f.leader, "joint-split-end").Int("leader", int64(f.leader)).End()
	f.heal()
	f.untilNs, f.leader = 0, 0
}

// eachCut cuts (or heals) every server pair across the sides.
func (f *jointFault) eachCut(on bool) {
	cut := f.env.uncutBoth
	if on {
		cut = f.env.cutBoth
	}
	for a := 1; a < len(f.side); a++ {
		for b := 1; b < len(f.side); b++ {
			if f.side[a] && !f.side[b] {
				cut(a, b)
			}
		}
	}
}
