package sim

import (
	"slices"

	"github.com/faultline-sim/faultline/replica"
)

// jointRoom is all the joint-split fault asks of the world (the methods at
// the end of this file): the time, the servers, who leads, cuts both ways,
// a crash and a restart, a timer and a trace line.
type jointRoom interface {
	nowNs() int64
	servers() int                    // server ids are 1..servers()
	electionNs() int64               // the base election timeout
	tickNs() int64                   // one tick
	leaderTerm(n int) (uint64, bool) // n is up, running and leads: its term
	incarnation(n int) uint64        // bumped by every crash and restart of n
	setCut(a, b int, on bool)        // cut (on) or heal a<->b, both ways
	crashHost(n int)                 // crash n (unsynced writes lost)
	restartHost(n int)               // boot n again unless it was retired
	timer(atNs int64, kind evKind, node int, gen uint64)
	note(node int, what string, key string, v int64)
}

// jointFault is the state of a joint-split window (see the faults package
// doc): armed until a leader L appends a joint configuration that has a
// majority of C_new and a disjoint majority of C_old; then side[x] holds for
// L's side (a majority of C_new with L) and every pair across the sides is
// cut until untilNs. Invariant: leader == 0 until triggered; down[x] only
// for a host this fault crashed and has not restarted.
type jointFault struct {
	untilNs int64
	leader  int    // L; 0 while armed or after the window
	healed  bool   // the split is over (it lasts jointCutElections at most)
	side    []bool // by id: L's side
	down    []bool // by id: crashed by the depose, not yet restarted
}

// jointCutElections bounds the split, in election timeouts: time for the
// old side to elect and commit, and for L's side, deposed at 2, to elect.
const jointCutElections = 6

// start arms a window ending at untilNs over n servers.
func (f *jointFault) start(r jointRoom, untilNs int64) {
	*f = jointFault{untilNs: untilNs, side: make([]bool, r.servers()+1), down: make([]bool, r.servers()+1)}
}

// onChange is called when leader l has appended cc to configuration cs (a
// committed one that is not joint), before the entry leaves l. If cc makes
// a joint configuration whose halves can be split, it cuts l's side off.
func (f *jointFault) onChange(r jointRoom, l int, cc replica.ConfigChange, cs replica.Membership) {
	if r.nowNs() >= f.untilNs || f.leader != 0 || cc.Simple {
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
	term, _ := r.leaderTerm(l)
	r.note(l, "joint-split", "side", int64(len(side)))
	f.eachCut(r, true)
	// Depose L after two election timeouts if it still leads, so its side
	// elects in the joint configuration even without CheckQuorum.
	r.timer(r.nowNs()+2*r.electionNs(), evJointDepose, l, term)
	r.timer(min(r.nowNs()+jointCutElections*r.electionNs(), f.untilNs), evJointHeal, l, 0)
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
func (f *jointFault) depose(r jointRoom, l int, term uint64) {
	if t, ok := r.leaderTerm(l); !ok || t != term || f.leader != l || f.healed || r.nowNs() >= f.untilNs {
		return
	}
	r.crashHost(l)
	f.down[l] = true
	r.timer(r.nowNs()+r.tickNs(), evJointRestart, l, r.incarnation(l))
}

// restart boots host n if the depose crashed it and nothing booted it since.
func (f *jointFault) restart(r jointRoom, n int, gen uint64) {
	if !f.down[n] || r.incarnation(n) != gen {
		return
	}
	f.down[n] = false
	r.restartHost(n)
}

// heal ends the split (once) and restarts a host the depose holds down.
func (f *jointFault) heal(r jointRoom) {
	if f.leader == 0 || f.healed {
		return
	}
	f.healed = true
	r.note(f.leader, "joint-heal", "leader", int64(f.leader))
	f.eachCut(r, false)
	for n, d := range f.down {
		if d {
			f.down[n] = false
			r.restartHost(n)
		}
	}
}

// end closes the window, healing the split if it is still on.
func (f *jointFault) end(r jointRoom) {
	r.note(f.leader, "joint-split-end", "leader", int64(f.leader))
	f.heal(r)
	f.untilNs, f.leader = 0, 0
}

// eachCut cuts (or heals) every server pair across the sides.
func (f *jointFault) eachCut(r jointRoom, on bool) {
	for a := 1; a <= r.servers(); a++ {
		for b := 1; b <= r.servers(); b++ {
			if f.side[a] && !f.side[b] {
				r.setCut(a, b, on)
			}
		}
	}
}

// The world as a jointRoom: what the fault reaches of it.

func (w *world) nowNs() int64      { return w.now() }
func (w *world) servers() int      { return w.o.hosts() }
func (w *world) electionNs() int64 { return int64(w.o.ElectionTicks) * w.o.TickNs }
func (w *world) tickNs() int64     { return w.o.TickNs }
func (w *world) leaderTerm(n int) (uint64, bool) {
	h := w.hosts[n]
	if !h.up || h.paused || h.role != replica.Leader {
		return 0, false
	}
	return h.node.Status().Epoch, true
}
func (w *world) incarnation(n int) uint64 { return w.hosts[n].incarn }
func (w *world) setCut(a, b int, on bool) {
	if on {
		_ = w.net.CutBoth(a, b)
		return
	}
	_ = w.net.Uncut(a, b)
	_ = w.net.Uncut(b, a)
}
func (w *world) crashHost(n int)   { w.crash(n, false) }
func (w *world) restartHost(n int) { w.restart(n) }
func (w *world) timer(atNs int64, kind evKind, node int, gen uint64) {
	w.push(atNs, event{kind: kind, node: node, gen: gen})
}
func (w *world) note(node int, what string, key string, v int64) {
	w.tr.Begin(w.now(), node, what).Int(key, v).End()
}
