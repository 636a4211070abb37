package study

import (
	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/internal/prng"
)

// Shape generates a fault schedule's actions for one run: nodes servers, the
// fault window w, parameter p (ns), and a random stream of the run's seed.
// Links named by leader rank (leader-link) follow the leader at run time.
type Shape struct {
	Name, Doc string
	Gen       func(g Gen) []faults.Action
}

// Gen is what a shape generates from.
type Gen struct {
	Nodes   int
	W       Window
	ParamNs int64
	Rng     *prng.Rand
}

// shapes are every shape, by name.
var shapes = map[string]Shape{}

func addShape(s Shape) Shape { shapes[s.Name] = s; return s }

// none is the baseline: no faults at all.
var none = Shape{Name: "none", Doc: "no faults: the baseline", Gen: func(Gen) []faults.Action { return nil }}

// ranked is a leader-link between ranks a and b (1 = the leader) over [from, to).
func ranked(a, b int, from, to int64) faults.Action {
	return faults.Action{AtNs: from, Kind: faults.LeaderLink, From: a, To: b, UntilNs: to}
}

// phases calls f for each phase k of length p in [start, end), the last cut short.
func phases(w Window, p int64, f func(k int, from, to int64)) {
	k := 0
	for t := w.StartNs; t < w.EndNs; t += p {
		f(k, t, min(t+p, w.EndNs))
		k++
	}
}

var rotate = addShape(Shape{Name: "rotate",
	Doc: "one of the leader's follower links down at a time, rotating every period",
	Gen: func(g Gen) []faults.Action {
		var out []faults.Action
		phases(g.W, g.ParamNs, func(k int, from, to int64) {
			out = append(out, ranked(1, 2+k%(g.Nodes-1), from, to))
		})
		return out
	}})

var both = addShape(Shape{Name: "both",
	Doc: "all the leader's follower links down for a period, then up for a period",
	Gen: func(g Gen) []faults.Action {
		var out []faults.Action
		phases(g.W, g.ParamNs, func(k int, from, to int64) {
			for r := 2; k%2 == 0 && r <= g.Nodes; r++ {
				out = append(out, ranked(1, r, from, to))
			}
		})
		return out
	}})

var random = addShape(Shape{Name: "random",
	Doc: "each of the leader's follower links flaps on its own: up and down phases drawn in [P/2, 3P/2]",
	Gen: func(g Gen) []faults.Action {
		var out []faults.Action
		for r := 2; r <= g.Nodes; r++ {
			down := g.Rng.Bool()
			for t := g.W.StartNs; t < g.W.EndNs; {
				d := g.Rng.Range(g.ParamNs/2, g.ParamNs*3/2)
				end := min(t+max(d, 1), g.W.EndNs)
				if down {
					out = append(out, ranked(1, r, t, end))
				}
				t, down = end, !down
			}
		}
		return out
	}})

// cycles repeats a held shape: hold for the parameter, then every link up
// for healNs, through the window; f adds one hold's actions.
func cycles(g Gen, healNs int64, f func(from, to int64) []faults.Action) []faults.Action {
	var out []faults.Action
	for t := g.W.StartNs; t < g.W.EndNs; t += g.ParamNs + healNs {
		out = append(out, f(t, min(t+g.ParamNs, g.W.EndNs))...)
	}
	return out
}

// cutUnless cuts every rank pair that keep does not keep.
func cutUnless(n int, from, to int64, keep func(a, b int) bool) []faults.Action {
	var out []faults.Action
	for a := 1; a <= n; a++ {
		for b := a + 1; b <= n; b++ {
			if !keep(a, b) {
				out = append(out, ranked(a, b, from, to))
			}
		}
	}
	return out
}

const partialHealNs = 500 * msNs

var quorumLoss = addShape(Shape{Name: "quorum-loss",
	Doc: "the leader reaches only one node, the hub L+1, which reaches everyone; the others reach only the hub (3 nodes: as chained)",
	Gen: func(g Gen) []faults.Action {
		return cycles(g, partialHealNs, func(from, to int64) []faults.Action {
			return cutUnless(g.Nodes, from, to, func(a, b int) bool { return a == 2 || b == 2 })
		})
	}})

var constrained = addShape(Shape{Name: "constrained",
	Doc: "L+1 is cut off for the first half of a hold (its log falls behind); then the leader is cut off and the others reach only L+1, the one node with a majority and an old log",
	Gen: func(g Gen) []faults.Action {
		return cycles(g, partialHealNs, func(from, to int64) []faults.Action {
			mid := from + (to-from)/2
			out := cutUnless(g.Nodes, from, mid, func(a, b int) bool { return a != 2 && b != 2 })
			return append(out, cutUnless(g.Nodes, mid, to, func(a, b int) bool { return a != 1 && (a == 2 || b == 2) })...)
		})
	}})

var chained = addShape(Shape{Name: "chained",
	Doc: "the nodes in a line L, L+1, L+2, ...: each reaches only its neighbours, the leader at one end",
	Gen: func(g Gen) []faults.Action {
		return cycles(g, partialHealNs, func(from, to int64) []faults.Action {
			return cutUnless(g.Nodes, from, to, func(a, b int) bool { return b == a+1 })
		})
	}})

var isolateFollower = addShape(Shape{Name: "isolate-follower",
	Doc: "a follower (L+1) cut off from every server for the parameter, then back for 1s; its term may have grown meanwhile",
	Gen: func(g Gen) []faults.Action {
		return cycles(g, 1000*msNs, func(from, to int64) []faults.Action {
			return cutUnless(g.Nodes, from, to, func(a, b int) bool { return a != 2 && b != 2 })
		})
	}})

const msNs = int64(1_000_000)

var swizzle = addShape(Shape{Name: "swizzle",
	Doc: "a majority of nodes clogged one at a time (messages held, not lost), then unclogged in another random order, a step apart (2 majority steps make the hold), then a step with every link up",
	Gen: func(g Gen) []faults.Action {
		k := g.Nodes/2 + 1
		step := max(min(g.ParamNs, g.W.EndNs-g.W.StartNs)/int64(2*k), 1)
		var out []faults.Action
		held := map[[2]int]int{} // clogs per directed link
		clog := func(n int, at int64, on bool) {
			for m := 1; m <= g.Nodes; m++ {
				for _, l := range [][2]int{{n, m}, {m, n}} {
					if m == n {
						break
					}
					if on {
						held[l]++
					} else {
						held[l]--
					}
					if c := held[l]; (on && c == 1) || (!on && c == 0) {
						kind := faults.Clog
						if !on {
							kind = faults.Unclog
						}
						out = append(out, faults.Action{AtNs: at, Kind: kind, From: l[0], To: l[1]})
					}
				}
			}
		}
		for t := g.W.StartNs; t+int64(2*k)*step <= g.W.EndNs; t += int64(2*k+1) * step {
			order := g.perm()
			for i, n := range order[:k] {
				clog(n, t+int64(i)*step, true)
			}
			undo := g.perm()
			i := 0
			for _, n := range undo {
				if idx := indexOf(order[:k], n); idx >= 0 {
					clog(n, t+int64(k+i)*step, false)
					i++
				}
			}
		}
		return out
	}})

// perm is a random order of the nodes 1..Nodes.
func (g Gen) perm() []int {
	p := make([]int, g.Nodes)
	for i := range p {
		p[i] = i + 1
	}
	g.Rng.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}

func indexOf(xs []int, x int) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}
