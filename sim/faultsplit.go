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
	env      faultEnv
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

// start arms a config-split window ending at a.UntilNs.
func (f *splitFault) start(_ int, a faults.Action) {
	n := f.env.hostCount() + 1
	*f = splitFault{env: f.env, untilNs: a.UntilNs, side: make([]bool, n), voters: make([]bool, n),
		voteTo: make([]int, n), voteTerm: make([]uint64, n)}
}

func (f *splitFault) fire(uint8, int, uint64) {} // no timers

// open reports whether a config-split window is open.
func (f *splitFault) open() bool { return f.env.now() < f.untilNs }

// proposed is called when leader l proposed cc, its configuration before
// being cs: the first change in the window that adds a voter cuts l and
// that voter off from every other host. (The next leader then has a change
// left that its side can commit, a pending removal; had l removed a voter,
// the next leader would most often propose the same removal.)
func (f *splitFault) proposed(l int, cc replica.ConfigChange, cs replica.Membership) {
	if !f.open() || f.leader != 0 {
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
	f.leader, f.term = l, f.env.view(l).epoch
	f.side[l], f.side[added] = true, true
	for _, v := range voters {
		f.voters[v] = true
	}
	f.env.note(l, "split").Int("term", int64(f.term)).Int("side", int64(f.sideSize())).End()
	f.cuts(f.env.cutBoth)
	f.release()
}

// holds holds request i if it is a removal that arrives while the window
// waits for a voter addition: the second operator's removal lands just
// after the first's addition is proposed.
func (f *splitFault) holds(i int, a faults.Action) bool {
	if !f.open() || f.leader != 0 || a.Kind != faults.RemoveNode {
		return false
	}
	f.held = append(f.held, i)
	return true
}

// release hands the held requests to the operator.
func (f *splitFault) release() {
	f.env.releaseRequests(f.held)
	f.held = nil
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

// cuts calls fn for every pair of hosts across the split: a on L's side.
func (f *splitFault) cuts(fn func(a, b int)) {
	for a := 1; a < len(f.side); a++ {
		for b := 1; b < len(f.side); b++ {
			if f.side[a] && !f.side[b] {
				fn(a, b)
			}
		}
	}
}

// voted records that host from granted to its vote in term.
func (f *splitFault) voted(from, to int, term uint64) {
	if f.leader != 0 && f.open() {
		f.voteTo[from], f.voteTerm[from] = to, term
	}
}

// seen is called when host n becomes leader of term. A leader of a later
// term on the other side loses voters that elected it to L's side, before
// they store its entries, until L's side holds a quorum of L's
// configuration: voters of that configuration, first one the operator is
// asked to remove.
func (f *splitFault) seen(n int, term uint64) {
	if f.leader == 0 || f.moved || f.side[n] || term <= f.term || !f.open() {
		return
	}
	var cands []int
	for x := 1; x < len(f.side); x++ {
		if x != n && !f.side[x] && f.voters[x] && f.voteTo[x] == n && f.voteTerm[x] == term && f.env.view(x).up {
			cands = append(cands, x)
		}
	}
	f.env.rand().Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	for _, node := range f.env.pendingRemovals() {
		if i := slices.Index(cands, node); i > 0 {
			cands[0], cands[i] = cands[i], cands[0]
		}
	}
	f.moved = true
	for _, x := range cands {
		if f.sideQuorum() {
			break
		}
		f.move(x, n)
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

// move moves host x from leader n's side to L's.
func (f *splitFault) move(x, n int) {
	f.env.note(x, "split-move").Int("from", int64(n)).End()
	for y := 1; y < len(f.side); y++ {
		switch {
		case y == x:
		case f.side[y]:
			f.env.uncutBoth(x, y)
		default:
			f.env.cutBoth(x, y)
		}
	}
	f.side[x] = true
}

// end heals the window's cuts.
func (f *splitFault) end(int, faults.Action) {
	f.env.note(f.leader, "fault-end").Str("kind", string(faults.ConfigSplit)).End()
	if f.leader != 0 {
		f.cuts(f.env.uncutBoth)
	}
	f.untilNs, f.leader = 0, 0
	f.release()
}
