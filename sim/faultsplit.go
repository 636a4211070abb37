package sim

import (
	"slices"

	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/replica"
)

// splitFault is the state of a config-split window (see the faults package
// doc): armed until a leader L proposes a voter change, then L's side cut
// off from the rest until untilNs. Invariant: leader == 0 until triggered;
// side[n] for every host on L's side.
type splitFault struct {
	untilNs  int64
	leader   int      // L; 0 while armed
	term     uint64   // L's term when it proposed
	side     []bool   // by id: L's side
	voters   []bool   // by id: voters of L's configuration with its change
	moved    bool     // a voter of the next leader was moved to L's side
	voteTo   []int    // by id: whom it last granted a vote (in the window)
	voteTerm []uint64 // by id: the term of that vote
	held     []int    // schedule indices of removals held until the split
}

// startSplit arms a config-split window ending at untilNs.
func (w *world) startSplit(untilNs int64) {
	n := w.o.hosts() + 1
	w.split = splitFault{untilNs: untilNs, side: make([]bool, n), voters: make([]bool, n),
		voteTo: make([]int, n), voteTerm: make([]uint64, n)}
}

// splitOpen reports whether a config-split window is open.
func (w *world) splitOpen() bool { return w.now() < w.split.untilNs }

// splitOnChange is called when leader l proposed cc, its configuration
// before being cs: the first change in the window that adds a voter cuts l
// and that voter off from every other host. (The next leader then has a
// change left that its side can commit, a pending removal; had l removed a
// voter, the next leader would most often propose the same removal.)
func (w *world) splitOnChange(l int, cc replica.ConfigChange, cs replica.Membership) {
	f := &w.split
	if !w.splitOpen() || f.leader != 0 {
		return
	}
	voters := slices.Clone(cs.Voters)
	var added uint64
	for _, c := range cc.Steps {
		switch {
		case c.Type == replica.AddVoter && !slices.Contains(voters, c.Node):
			voters = append(voters, c.Node)
			added = c.Node
		case c.Type == replica.RemoveNode:
			voters = slices.DeleteFunc(voters, func(v uint64) bool { return v == c.Node })
		}
	}
	if added == 0 {
		return
	}
	f.leader, f.term = l, w.hosts[l].node.Status().Epoch
	f.side[l], f.side[added] = true, true
	for _, v := range voters {
		f.voters[v] = true
	}
	w.tr.Begin(w.now(), l, "split").Int("term", int64(f.term)).Int("side", int64(f.sideSize())).End()
	w.splitCuts(func(a, b int) { _ = w.net.CutBoth(a, b) })
	w.splitRelease()
}

// splitHolds holds request i if it is a removal that arrives while the
// window waits for a voter addition: the second operator's removal lands
// just after the first's addition is proposed.
func (w *world) splitHolds(i int) bool {
	f := &w.split
	if !w.splitOpen() || f.leader != 0 || w.sched.Actions[i].Kind != faults.RemoveNode {
		return false
	}
	f.held = append(f.held, i)
	return true
}

// splitRelease hands the held requests to the operator.
func (w *world) splitRelease() {
	f := &w.split
	for _, i := range f.held {
		w.op.active = append(w.op.active, memberReq{idx: i})
	}
	f.held = nil
	w.armOperator(w.now())
}

func (f *splitFault) sideSize() int {
	n := 0
	for _, s := range f.side {
		if s {
			n++
		}
	}
	return n
}

// splitCuts calls fn for every pair of hosts across the split: a on L's side.
func (w *world) splitCuts(fn func(a, b int)) {
	f := &w.split
	for a := 1; a <= w.o.hosts(); a++ {
		for b := 1; b <= w.o.hosts(); b++ {
			if f.side[a] && !f.side[b] {
				fn(a, b)
			}
		}
	}
}

// splitVote records that host from granted to its vote in term.
func (w *world) splitVote(from, to int, term uint64) {
	if f := &w.split; f.leader != 0 && w.splitOpen() {
		f.voteTo[from], f.voteTerm[from] = to, term
	}
}

// splitSeen is called when host n becomes leader of term. A leader of a
// later term on the other side loses voters that elected it to L's side,
// before they store its entries, until L's side holds a quorum of L's
// configuration: voters of that configuration, first one the operator is
// asked to remove.
func (w *world) splitSeen(n int, term uint64) {
	f := &w.split
	if f.leader == 0 || f.moved || f.side[n] || term <= f.term || !w.splitOpen() {
		return
	}
	var cands []int
	for x := 1; x <= w.o.hosts(); x++ {
		if x != n && !f.side[x] && f.voters[x] && f.voteTo[x] == n && f.voteTerm[x] == term && w.hosts[x].up {
			cands = append(cands, x)
		}
	}
	w.faultRng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	for _, r := range w.op.active {
		if a := w.sched.Actions[r.idx]; a.Kind == faults.RemoveNode {
			if i := slices.Index(cands, a.Node); i > 0 {
				cands[0], cands[i] = cands[i], cands[0]
			}
		}
	}
	f.moved = true
	for _, x := range cands {
		if f.sideQuorum() {
			break
		}
		w.splitMove(x, n)
	}
}

// sideQuorum reports whether L's side holds a majority of L's voters.
func (f *splitFault) sideQuorum() bool {
	in, all := 0, 0
	for id, v := range f.voters {
		if v {
			all++
			if f.side[id] {
				in++
			}
		}
	}
	return 2*in > all
}

// splitMove moves host x from leader n's side to L's.
func (w *world) splitMove(x, n int) {
	f := &w.split
	w.tr.Begin(w.now(), x, "split-move").Int("from", int64(n)).End()
	for y := 1; y <= w.o.hosts(); y++ {
		switch {
		case y == x:
		case f.side[y]:
			_ = w.net.Uncut(x, y)
			_ = w.net.Uncut(y, x)
		default:
			_ = w.net.CutBoth(x, y)
		}
	}
	f.side[x] = true
}

// endSplit heals the window's cuts.
func (w *world) endSplit() {
	f := &w.split
	w.tr.Begin(w.now(), f.leader, "fault-end").Str("kind", string(faults.ConfigSplit)).End()
	if f.leader != 0 {
		w.splitCuts(func(a, b int) {
			_ = w.net.Uncut(a, b)
			_ = w.net.Uncut(b, a)
		})
	}
	f.untilNs, f.leader = 0, 0
	w.splitRelease()
}
