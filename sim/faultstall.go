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
	l := f.env.currentLeader()
	if l == 0 {
		f.env.note(0, "disk-stall").Str("skip", "no leader").End()
		return
	}
	var followers []int
	for _, v := range f.env.view(l).members.Voters {
		if int(v) != l && f.env.view(int(v)).up {
			followers = append(followers, int(v))
		}
	}
	if len(followers) < 2 {
		f.env.note(l, "disk-stall").Str("skip", "fewer than two followers up").End()
		return
	}
	x := followers[f.env.rand().IntN(len(followers))]
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
	for y := 1; y <= f.env.hostCount(); y++ {
		if y != f.leader && y != f.follower {
			f.cut = append(f.cut, y)
			f.env.cutBoth(f.leader, y)
		}
	}
}

// end heals the window's cuts; F's stall ends by itself at UntilNs.
func (f *stallFault) end(int, faults.Action) {
	f.env.note(f.leader, "fault-end").Str("kind", string(faults.DiskStall)).End()
	for _, y := range f.cut {
		f.env.uncutBoth(f.leader, y)
	}
	*f = stallFault{env: f.env}
}
