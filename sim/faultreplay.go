package sim

import (
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

// startReplay opens a replay-leader window ending at untilNs.
func (w *world) startReplay(atNs, untilNs int64) {
	f := &w.replay
	l := w.currentLeader()
	w.tr.Begin(w.now(), l, "resolve").Int("leader", int64(l)).End()
	f.untilNs, f.leader = untilNs, l
	if l == 0 {
		return
	}
	f.term, f.midNs = w.hosts[l].node.Status().Epoch, atNs+(untilNs-atNs)/3
	f.group, f.kept, f.keptIndex = make([]bool, w.o.hosts()+1), make([]packet, w.o.hosts()+1), make([]uint64, w.o.hosts()+1)
	f.group[l] = true
	// Helpers: ceil(V/2)-2 other voters of L's configuration, so L's group
	// is a minority of it; learners and spares stay with the majority.
	voters := w.hosts[l].node.Status().Membership.Voters
	others := make([]int, 0, len(voters))
	for _, v := range voters {
		if int(v) != l {
			others = append(others, int(v))
		}
	}
	w.faultRng.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
	for _, n := range others[:max(0, (len(voters)+1)/2-2)] {
		f.group[n] = true
	}
	f.eachCut(w.o.hosts(), func(a, b int) { _ = w.net.CutBoth(a, b) })
	w.push(f.midNs, event{kind: evReplayMid})
}

// eachCut calls fn for every pair the window cuts: a in the group, b not.
func (f *replayFault) eachCut(nodes int, fn func(a, b int)) {
	for a := 1; a <= nodes; a++ {
		for b := 1; b <= nodes; b++ {
			if f.group[a] && !f.group[b] {
				fn(a, b)
			}
		}
	}
}

// replayMid heals L's cuts and deposes the leader the majority side elected.
func (w *world) replayMid() {
	f := &w.replay
	if f.leader == 0 || w.now() >= f.untilNs {
		return
	}
	for b := 1; b <= w.o.hosts(); b++ {
		if !f.group[b] {
			_ = w.net.Uncut(f.leader, b)
			_ = w.net.Uncut(b, f.leader)
		}
	}
	if y := w.currentLeader(); y != 0 && y != f.leader {
		w.replaySeen(y, 0)
	}
}

// replaySeen is called when host n becomes leader of term.
func (w *world) replaySeen(n int, term uint64) {
	f := &w.replay
	switch {
	case f.leader == 0 || w.now() >= f.untilNs:
	case n == f.leader && term > f.term:
		for from, p := range f.kept {
			if p.kind != 0 {
				w.tr.Begin(w.now(), n, "replay").Int("from", int64(from)).Int("i", int64(f.keptIndex[from])).End()
				w.send(from, n, p)
			}
		}
	case n != f.leader && w.now() >= f.midNs:
		// Half a timeout: long enough to bring L up to date.
		electionNs := int64(w.o.ElectionTicks) * w.o.TickNs
		w.push(w.now()+electionNs/2, event{kind: evReplayDepose, node: n, gen: w.hosts[n].incarn})
	}
}

// replayDepose crashes host n if it still leads, for two election timeouts.
func (w *world) replayDepose(n int, gen uint64) {
	h := w.hosts[n]
	if !h.up || h.incarn != gen || h.role != replica.Leader || w.now() >= w.replay.untilNs {
		return
	}
	electionNs := int64(w.o.ElectionTicks) * w.o.TickNs
	w.crashFor(&w.replay.crashWindow, h, 2*electionNs, evReplayRestart)
}

// replayKeep copies a successful App reply that host from sends to L in
// L's old term, keeping the highest one per sender.
func (w *world) replayKeep(from int, m replica.Message, hd *replica.Header) {
	f := &w.replay
	if f.leader == 0 || int(hd.To) != f.leader || hd.Epoch != f.term || hd.Reject || w.now() >= f.untilNs {
		return
	}
	if k := &f.kept[from]; k.kind == 0 || f.keptIndex[from] < hd.Index {
		*k = packet{kind: pkRaft, msg: m.Clone()}
		f.keptIndex[from] = hd.Index
	}
}

// endReplay heals the helpers' cuts, drops the copies and restarts the
// hosts the window crashed.
func (w *world) endReplay() {
	f := &w.replay
	if f.leader != 0 {
		f.eachCut(w.o.hosts(), func(a, b int) {
			_ = w.net.Uncut(a, b)
			_ = w.net.Uncut(b, a)
		})
	}
	f.leader, f.group, f.kept, f.keptIndex = 0, nil, nil, nil
	w.endWindow(&f.crashWindow)
}
