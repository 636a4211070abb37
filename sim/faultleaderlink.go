package sim

// leaderLinks is the run-time executor of leader-link windows: each one
// resolves the leader at its start, maps its two ranks to nodes, and cuts
// that link both ways until the window ends. Cuts are counted per link, so
// overlapping windows that land on one link (possible once the leader has
// moved) heal it only when the last ends. It keeps the spans it cut for the
// Result's timeline. It uses of world: currentLeader, the last leader span,
// net.CutBoth and net.Uncut, the trace.
type leaderLinks struct {
	held  map[[2]int]int // cut count per link {a, b}, a < b
	open  map[int]int    // schedule action index -> index in spans
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
func (w *world) leaderOrLast() int {
	if n := w.currentLeader(); n != 0 {
		return n
	}
	if s := w.stats.spans; len(s) > 0 {
		return s[len(s)-1].node
	}
	return 1
}

// leaderLinkStart opens leader-link window i: from and to are ranks.
func (w *world) leaderLinkStart(i, fromRank, toRank int) {
	l := &w.ll
	if l.held == nil {
		l.held, l.open = map[[2]int]int{}, map[int]int{}
	}
	lead := w.leaderOrLast()
	a, b := rankNode(lead, fromRank, w.o.Nodes), rankNode(lead, toRank, w.o.Nodes)
	a, b = min(a, b), max(a, b)
	w.tr.Begin(w.now(), lead, "resolve").Int("leader", int64(lead)).Int("a", int64(a)).Int("b", int64(b)).End()
	k := [2]int{a, b}
	l.held[k]++
	if l.held[k] == 1 {
		_ = w.net.CutBoth(a, b) // ids are voters, always valid
		l.spans = append(l.spans, LinkSpan{A: a, B: b, StartNs: w.now(), EndNs: -1})
	}
	l.open[i] = a*len(w.hosts) + b // the link, to find it at the end
}

// leaderLinkEnd closes window i; the link heals with its last window.
func (w *world) leaderLinkEnd(i int) {
	l := &w.ll
	code, ok := l.open[i]
	if !ok {
		panic("sim: leader-link window ends that never opened")
	}
	delete(l.open, i)
	a, b := code/len(w.hosts), code%len(w.hosts)
	k := [2]int{a, b}
	l.held[k]--
	w.tr.Begin(w.now(), a, "fault-end").Str("kind", "leader-link").Int("b", int64(b)).Int("held", int64(l.held[k])).End()
	if l.held[k] > 0 {
		return
	}
	_ = w.net.Uncut(a, b)
	_ = w.net.Uncut(b, a)
	for j := len(l.spans) - 1; j >= 0; j-- {
		if s := &l.spans[j]; s.A == a && s.B == b && s.EndNs < 0 {
			s.EndNs = w.now()
			break
		}
	}
}
