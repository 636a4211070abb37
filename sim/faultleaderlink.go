package sim

import "github.com/faultline-sim/faultline/faults"

// leaderLinkFault is the run-time executor of leader-link windows: each one
// resolves the leader at its start, maps its two ranks to nodes, and cuts
// that link both ways until the window ends. Cuts are counted per link, so
// overlapping windows that land on one link (possible once the leader has
// moved) heal it only when the last ends. It keeps the spans it cut for the
// Result's timeline. Invariant: held[k] > 0 exactly while link k is cut by
// it, and then spans has one open span of k.
type leaderLinkFault struct {
	env   faultEnv
	held  map[[2]int]int // cut count per link {a, b}, a < b
	open  map[int][2]int // schedule action index -> its link
	spans []LinkSpan
}

// LinkSpan is a time a server link was down both ways, in virtual ns; A < B.
// EndNs is -1 if it was still down when the run ended.
type LinkSpan struct {
	A, B           int
	StartNs, EndNs int64
}

// rankNode maps a leader-relative rank (1 = leader) to a node among voters.
func rankNode(leader, rank, voters int) int {
	return (leader-1+rank-1)%voters + 1
}

// leaderOrLast is the current leader, else the node elected last, else 1:
// a shape that follows the leader keeps going through an election.
func (f *leaderLinkFault) leaderOrLast() int {
	if n := f.env.currentLeader(); n != 0 {
		return n
	}
	if n := f.env.lastLeader(); n != 0 {
		return n
	}
	return 1
}

// start opens leader-link window i: a.From and a.To are ranks.
func (f *leaderLinkFault) start(i int, a faults.Action) {
	if f.held == nil {
		f.held, f.open = map[[2]int]int{}, map[int][2]int{}
	}
	lead := f.leaderOrLast()
	voters := f.env.initialVoters()
	x, y := rankNode(lead, a.From, voters), rankNode(lead, a.To, voters)
	x, y = min(x, y), max(x, y)
	f.env.note(lead, "resolve").Int("leader", int64(lead)).Int("a", int64(x)).Int("b", int64(y)).End()
	k := [2]int{x, y}
	f.held[k]++
	if f.held[k] == 1 {
		f.env.cutBoth(x, y) // ids are voters, always valid
		f.spans = append(f.spans, LinkSpan{A: x, B: y, StartNs: f.env.now(), EndNs: -1})
	}
	f.open[i] = k
}

func (f *leaderLinkFault) fire(uint8, int, uint64) {} // no timers

// end closes window i; the link heals with its last window.
func (f *leaderLinkFault) end(i int, _ faults.Action) {
	k, ok := f.open[i]
	if !ok {
		panic("sim: leader-link window ends that never opened")
	}
	delete(f.open, i)
	f.held[k]--
	f.env.note(k[0], "fault-end").Str("kind", "leader-link").Int("b", int64(k[1])).Int("held", int64(f.held[k])).End()
	if f.held[k] > 0 {
		return
	}
	f.env.uncutBoth(k[0], k[1])
	for j := len(f.spans) - 1; j >= 0; j-- {
		if s := &f.spans[j]; s.A == k[0] && s.B == k[1] && s.EndNs < 0 {
			s.EndNs = f.env.now()
			break
		}
	}
}
