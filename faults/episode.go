package faults

import (
	"slices"

	"github.com/faultline-sim/faultline/internal/prng"
)

// gen draws episodes. Each episode holds resources over the closed window
// [start, end]; two episodes that share a resource never overlap, not even
// at an end point, so every drawn schedule replays as valid in any order of
// equal-time actions.
type gen struct {
	rng     *prng.Rand
	o       GenOptions
	quiet   int64
	res     map[resKey][]window // looked up only, never ranged over
	actions []Action            // unsorted; Merge sorts
}

type resClass uint8

const (
	resProc      resClass = iota // a node's process: crash, pause, crash-leader
	resSkew                      // a node's clock offset
	resDrift                     // a node's clock rate
	resCut                       // cuts between a and b (a < b)
	resOpts                      // options of link a->b
	resFlap                      // flap of a<->b (a < b)
	resClog                      // clog of a->b
	resVoter                     // the crash-voter trigger
	resNewLeader                 // the crash-new-leader trigger
	resReplay                    // the replay-leader state
)

type resKey struct {
	class resClass
	a, b  int
}

type window struct{ start, end int64 }

// tryEpisode draws one episode of kind k and keeps it if its resources are
// free over its window.
func (g *gen) tryEpisode(k Kind) bool {
	lo := g.o.MinEpisodeNs()
	if k == ReplayLeader || k == CrashNewLeader {
		// At least 6 election timeouts: both need several elections in
		// one window (see the package doc).
		lo = min(3*lo, g.o.MaxEpisodeNs())
	}
	hi := g.o.MaxEpisodeNs()
	if k == PartitionLeader {
		// At most 4 election timeouts: what it tests (a lease read
		// at the deposed leader after a write at the new one) happens
		// within about one after the cut; short windows leave room for
		// more of them.
		hi = min(2*lo, hi)
	}
	d := g.draw64(lo, hi)
	t := g.draw64(0, g.quiet-d)
	acts, keys := g.draw(k, t, t+d)
	for _, key := range keys {
		for _, w := range g.res[key] {
			if t <= w.end && w.start <= t+d {
				return false
			}
		}
	}
	for _, key := range keys {
		g.res[key] = append(g.res[key], window{t, t + d})
	}
	g.actions = append(g.actions, acts...)
	return true
}

// draw returns the actions of a kind-k episode over [t, end] and the
// resources it holds.
func (g *gen) draw(k Kind, t, end int64) ([]Action, []resKey) {
	switch k {
	case Partition:
		return []Action{{AtNs: t, Kind: Partition, Groups: g.groups()},
			{AtNs: end, Kind: HealLink}}, g.cutKeys(0)
	case OneWay, Cut:
		f, to := g.link()
		return []Action{{AtNs: t, Kind: k, From: f, To: to},
			{AtNs: end, Kind: HealLink, From: f, To: to}}, []resKey{pairKey(resCut, f, to)}
	case Isolate:
		n := g.node()
		return []Action{{AtNs: t, Kind: Isolate, Node: n},
			{AtNs: end, Kind: HealLink, From: n}}, g.cutKeys(n)
	case IsolateLeader:
		return []Action{{AtNs: t, Kind: k, UntilNs: end}}, g.cutKeys(0)
	case PartitionLeader:
		// Seven times in eight the leader's clock runs slow and the
		// others' fast, at the drift bound: a deposed leader that still
		// serves its clients, its lease measured on a slow clock against
		// followers' fast vote fences, where the lease margin is tightest.
		a := Action{AtNs: t, Kind: k, UntilNs: end}
		if g.rng.IntN(8) != 0 {
			a.DriftPPM = -g.o.MaxDriftPPM
		}
		keys := g.cutKeys(0)
		for n := 1; n <= g.o.Nodes; n++ {
			keys = append(keys, resKey{resDrift, n, 0})
		}
		return []Action{a}, keys
	case Crash, Pause:
		n := g.node()
		a := Action{AtNs: t, Kind: k, Node: n, Torn: k == Crash && g.rng.Bool()}
		stop := Action{AtNs: end, Kind: Resume, Node: n}
		if k == Crash {
			stop.Kind = Restart
		}
		return []Action{a, stop}, []resKey{{resProc, n, 0}}
	case PauseLeader:
		// The leader is resolved at run time: it holds every pair and
		// every process.
		keys := g.cutKeys(0)
		for n := 1; n <= g.o.Nodes; n++ {
			keys = append(keys, resKey{resProc, n, 0})
		}
		return []Action{{AtNs: t, Kind: k, UntilNs: end}}, keys
	case CrashLeader:
		keys := make([]resKey, 0, g.o.Nodes)
		for n := 1; n <= g.o.Nodes; n++ {
			keys = append(keys, resKey{resProc, n, 0})
		}
		return []Action{{AtNs: t, Kind: k, UntilNs: end, Torn: g.rng.Bool()}}, keys
	case CrashVoter:
		// Holds no node: the crashes it makes end within a tick, and it
		// may overlap crashes and leader faults, which make the elections
		// it needs.
		return []Action{{AtNs: t, Kind: k, UntilNs: end}}, []resKey{{resVoter, 0, 0}}
	case CrashNewLeader:
		// Like crash-voter, it holds no node: it needs the elections that
		// crashes, partitions and leader faults make.
		return []Action{{AtNs: t, Kind: k, UntilNs: end}}, []resKey{{resNewLeader, 0, 0}}
	case ReplayLeader:
		// Its cuts are resolved at run time: it holds every pair. Its
		// crashes, like crash-new-leader's, end within the window.
		return []Action{{AtNs: t, Kind: k, UntilNs: end}}, append(g.cutKeys(0), resKey{resReplay, 0, 0})
	}
	return g.drawMore(k, t, end)
}

// drawMore covers the clock and link-option kinds.
func (g *gen) drawMore(k Kind, t, end int64) ([]Action, []resKey) {
	et := g.o.ElectionTimeoutNs
	switch k {
	case Skew:
		n := g.node()
		off := g.draw64(max(1, et/10), 2*et) * g.sign()
		return []Action{{AtNs: t, Kind: Skew, Node: n, OffsetNs: off},
			{AtNs: end, Kind: Skew, Node: n}}, []resKey{{resSkew, n, 0}}
	case Drift:
		n := g.node()
		return []Action{{AtNs: t, Kind: Drift, Node: n, DriftPPM: g.driftPPM() * g.sign()},
			{AtNs: end, Kind: Drift, Node: n}}, []resKey{{resDrift, n, 0}}
	case Flap:
		f, to := g.link()
		a := Action{AtNs: t, Kind: Flap, From: f, To: to, UntilNs: end,
			MinUpNs: g.draw64(max(1, et/4), et), MinDownNs: g.draw64(max(1, et/4), et)}
		return []Action{a}, []resKey{pairKey(resFlap, f, to)}
	case Clog:
		f, to := g.link()
		return []Action{{AtNs: t, Kind: Clog, From: f, To: to},
			{AtNs: end, Kind: Unclog, From: f, To: to}}, []resKey{{resClog, f, to}}
	case Link:
		return g.drawLink(t, end)
	}
	panic("faults: gen.draw: not an episode kind: " + string(k))
}

// drawLink sets loss (always), maybe dup and latency on one link or, one
// time in four, on all links; it ends with a reset to defaults.
func (g *gen) drawLink(t, end int64) ([]Action, []resKey) {
	et := g.o.ElectionTimeoutNs
	f, to := 0, 0
	if g.rng.IntN(4) != 0 {
		f, to = g.link()
	}
	a := Action{AtNs: t, Kind: Link, From: f, To: to, Loss: prng.R(uint64(g.rng.Range(1, 50)), 100)}
	if g.rng.Bool() {
		a.Dup = prng.R(uint64(g.rng.Range(1, 20)), 100)
	}
	if g.rng.Bool() {
		a.LatencyMinNs = g.draw64(0, et/10)
		a.LatencyMaxNs = g.draw64(a.LatencyMinNs, max(a.LatencyMinNs, et/2))
	}
	var keys []resKey
	for x := 1; x <= g.o.Nodes; x++ {
		for y := 1; y <= g.o.Nodes; y++ {
			if x != y && (f == 0 || (x == f && y == to)) {
				keys = append(keys, resKey{resOpts, x, y})
			}
		}
	}
	return []Action{a, {AtNs: end, Kind: Link, From: f, To: to}}, keys
}

// draw64 draws a value in [lo, hi] (lo <= hi), a multiple of the grain
// (1ms, or ET/100 for short election timeouts) when one fits, so printed
// schedules stay readable.
func (g *gen) draw64(lo, hi int64) int64 { return grained(g.rng, lo, hi, g.o.ElectionTimeoutNs) }

func (g *gen) node() int { return 1 + g.rng.IntN(g.o.Nodes) }

// driftPPM draws a drift magnitude within the bound: the bound itself one
// time in two (where a lease margin is tight), else in [bound/10, bound].
func (g *gen) driftPPM() int64 {
	b := g.o.MaxDriftPPM
	if g.rng.Bool() {
		return b
	}
	return g.rng.Range(max(1, b/10), b)
}

func (g *gen) sign() int64 {
	if g.rng.Bool() {
		return -1
	}
	return 1
}

// link draws two distinct nodes. Needs Nodes >= 2.
func (g *gen) link() (int, int) {
	f := g.node()
	to := 1 + g.rng.IntN(g.o.Nodes-1)
	if to >= f {
		to++
	}
	return f, to
}

// groups splits the shuffled nodes into 2 (or, one time in four, 3)
// non-empty groups, each sorted, ordered by first member.
func (g *gen) groups() [][]int {
	n := g.o.Nodes
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i + 1
	}
	g.rng.Shuffle(n, func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	cuts := []int{1 + g.rng.IntN(n-1)}
	if n >= 3 && g.rng.IntN(4) == 0 {
		c := 1 + g.rng.IntN(n-2)
		cuts = []int{c, c + 1 + g.rng.IntN(n-1-c)}
	}
	return SplitGroups(ids, cuts)
}

// SplitGroups cuts the node order at the ascending positions cuts (each in
// 1..len-1) into partition groups, each sorted, ordered by their first node.
func SplitGroups(order []int, cuts []int) [][]int {
	var out [][]int
	prev := 0
	for _, c := range append(slices.Clone(cuts), len(order)) {
		grp := slices.Clone(order[prev:c])
		slices.Sort(grp)
		out = append(out, grp)
		prev = c
	}
	slices.SortFunc(out, func(x, y []int) int { return x[0] - y[0] })
	return out
}

// cutKeys are the cut resources of every pair touching node n (0: all pairs).
func (g *gen) cutKeys(n int) []resKey {
	var keys []resKey
	for a := 1; a <= g.o.Nodes; a++ {
		for b := a + 1; b <= g.o.Nodes; b++ {
			if n == 0 || n == a || n == b {
				keys = append(keys, resKey{resCut, a, b})
			}
		}
	}
	return keys
}

func pairKey(c resClass, a, b int) resKey { return resKey{c, min(a, b), max(a, b)} }
