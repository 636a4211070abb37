package sim

import (
	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/replica"
)

// stallFault is the state of a disk-stall window (the shape that tests a
// core's unsynced log): at its start the leader of the moment, L, is
// resolved and a follower F drawn; F's disk completes no sync until the
// window ends, while F takes L's entries into its unsynced log. At a third
// of the window L is cut off from every other server but F, so the others
// elect a leader whose entries overwrite L's newest ones in F's log, still
// unsynced.
// Invariant: leader == 0 until started with a leader; cut lists the hosts
// cut from L.
type stallFault struct {
	env      faultEnv
	untilNs  int64
	leader   int
	follower int
	cut      []int
}

const stallCut uint8 = 1 // fire op: cut L off from all but F

// start opens a disk-stall window ending at a.UntilNs.
func (f *stallFault) start(_ int, a faults.Action) {
	*f = stallFault{env: f.env, untilNs: a.UntilNs}
	l, x, skip := leaderAndFollower(f.env)
	if skip != "" {
		f.env.note(l, "disk-stall").Str("skip", skip).End()
		return
	}
	f.leader, f.follower = l, x
	f.env.note(x, "disk-stall").Int("leader", int64(l)).End()
	f.env.stallDisk(x, a.UntilNs)
	at := a.AtNs + (a.UntilNs-a.AtNs)/3
	f.env.timer(at, slotStall, stallCut, l, 0)
}

// fire cuts L off from every other server but F, if L still leads.
func (f *stallFault) fire(op uint8, node int, _ uint64) {
	if op != stallCut || f.leader == 0 || node != f.leader || f.env.now() >= f.untilNs {
		return
	}
	if v := f.env.view(f.leader); !v.up || v.role != replica.Leader {
		f.env.note(f.leader, "disk-stall-cut").Str("skip", "no longer leads").End()
		return
	}
	f.env.note(f.leader, "disk-stall-cut").Int("follower", int64(f.follower)).End()
	f.cut = cutAllBut(f.env, f.leader, f.follower)
}

// end heals the window's cuts; F's stall ends by itself at UntilNs.
func (f *stallFault) end(int, faults.Action) {
	f.env.note(f.leader, "fault-end").Str("kind", string(faults.DiskStall)).End()
	uncutAll(f.env, f.leader, f.cut)
	*f = stallFault{env: f.env}
}
