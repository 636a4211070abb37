package sim

import (
	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/replica"
)

// replayFault is the state of a replay-leader window (see the faults
// package doc): the leader L cut off with its helpers until midNs, then
// back, other leaders deposed so that L leads again, and the replies L got
// in its old term sent to it again when it does. Invariant: leader == 0
// while no window is open or the window resolved no leader.
type replayFault struct {
	crashWindow          // the leaders it deposes
	leader      int      // L
	term        uint64   // the term L led in at the window's start
	group       []bool   // by id: L and its helpers
	midNs       int64    // L's cuts heal here; deposing starts
	kept        []packet // by sender id: its highest successful App reply to L in term (kind 0: none)
	keptIndex   []uint64 // by sender id: the match index kept[id] carries
}

const (
	opReplayMid    = opFirstOwn + iota // L's cuts heal
	opReplayDepose                     // crash node if it still leads; gen = its incarnation
)

// start opens a replay-leader window ending at a.UntilNs.
func (f *replayFault) start(_ int, a faults.Action) {
	env := f.env
	l := env.currentLeader()
	env.note(l, "resolve").Int("leader", int64(l)).End()
	f.untilNs, f.leader = a.UntilNs, l
	if l == 0 {
		return
	}
	v := env.view(l)
	f.term, f.midNs = v.epoch, a.AtNs+(a.UntilNs-a.AtNs)/3
	n := env.hostCount() + 1
	f.group, f.kept, f.keptIndex = make([]bool, n), make([]packet, n), make([]uint64, n)
	f.group[l] = true
	// Helpers: ceil(V/2)-2 other voters of L's configuration, so L's group
	// is a minority of it; learners and spares stay with the majority.
	voters := v.members.Voters
	others := make([]int, 0, len(voters))
	for _, id := range voters {
		if int(id) != l {
			others = append(others, int(id))
		}
	}
	env.rand().Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
	for _, h := range others[:max(0, (len(voters)+1)/2-2)] {
		f.group[h] = true
	}
	f.eachCut(env.cutBoth)
	env.timer(f.midNs, f.slot, opReplayMid, 0, 0)
}

// eachCut calls fn for every pair the window cuts: a in the group, b not.
func (f *replayFault) eachCut(fn func(a, b int)) {
	for a := 1; a < len(f.group); a++ {
		for b := 1; b < len(f.group); b++ {
			if f.group[a] && !f.group[b] {
				fn(a, b)
			}
		}
	}
}

func (f *replayFault) fire(op uint8, n int, gen uint64) {
	switch op {
	case opRestart:
		f.env.note(n, "replay-restart").End()
		f.restartFrom(n)
	case opReplayMid:
		f.env.note(0, "replay-mid").End()
		f.mid()
	case opReplayDepose:
		f.env.note(n, "replay-depose").End()
		f.depose(n, gen)
	}
}

// mid heals L's cuts and deposes the leader the majority side elected.
func (f *replayFault) mid() {
	if f.leader == 0 || !f.open() {
		return
	}
	for b := 1; b < len(f.group); b++ {
		if !f.group[b] {
			f.env.uncutBoth(f.leader, b)
		}
	}
	if y := f.env.currentLeader(); y != 0 && y != f.leader {
		f.seen(y, 0)
	}
}

// seen is called when host n becomes leader of term.
func (f *replayFault) seen(n int, term uint64) {
	switch {
	case f.leader == 0 || !f.open():
	case n == f.leader && term > f.term:
		for from, p := range f.kept {
			if p.kind != 0 {
				f.env.note(n, "replay").Int("from", int64(from)).Int("i", int64(f.keptIndex[from])).End()
				f.env.send(from, n, p)
			}
		}
	case n != f.leader && f.env.now() >= f.midNs:
		// Half a timeout: long enough to bring L up to date.
		f.env.timer(f.env.now()+f.env.electionNs()/2, f.slot, opReplayDepose, n, f.env.view(n).incarn)
	}
}

// depose crashes host n if it still leads, for two election timeouts.
func (f *replayFault) depose(n int, gen uint64) {
	if v := f.env.view(n); !v.up || v.incarn != gen || v.role != replica.Leader || !f.open() {
		return
	}
	f.crashFor(n, 2*f.env.electionNs())
}

// keep copies a successful App reply that host from sends to L in L's old
// term, keeping the highest one per sender.
func (f *replayFault) keep(from int, m replica.Message, hd *replica.Header) {
	if f.leader == 0 || int(hd.To) != f.leader || hd.Epoch != f.term || hd.Reject || !f.open() {
		return
	}
	if k := &f.kept[from]; k.kind == 0 || f.keptIndex[from] < hd.Index {
		*k = packet{kind: pkRaft, msg: m.Clone()}
		f.keptIndex[from] = hd.Index
	}
}

// end heals the helpers' cuts, drops the copies and restarts the hosts the
// window crashed.
func (f *replayFault) end(int, faults.Action) {
	if f.leader != 0 {
		f.eachCut(f.env.uncutBoth)
	}
	f.leader, f.group, f.kept, f.keptIndex = 0, nil, nil, nil
	f.endWindow()
}
