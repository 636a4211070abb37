package faults

import "github.com/faultline-sim/faultline/internal/prng"

// drawOutage isolates one voter, drawn, from a time in the fault phase until
// QuietAtNs, when the kinds name outage (empty names all): a node away far
// longer than an episode (MaxEpisodeNs), which comes back in the quiet phase
// behind by thousands of entries or past the leader's compaction, and must
// catch up over a network that reorders what the leader sends at once
// (pipelined appends, snapshot chunks). It starts where no episode holds
// the node's links any more, and is left out if that leaves less than
// outageMinETs election timeouts. Its own stream, as drawDiskStalls.
func (g *gen) drawOutage(rng *prng.Rand) {
	voters := g.o.Voters
	if voters == 0 {
		voters = g.o.Nodes
	}
	if !g.o.names(Outage) || g.o.Intensity == 0 || voters < 3 {
		return
	}
	rng = rng.Fork("outage")
	et := g.o.ElectionTimeoutNs
	n := 1 + rng.IntN(voters)
	free := int64(0) // the last end of a window holding one of n's links
	for _, key := range g.cutKeys(n) {
		for _, w := range g.res[key] {
			free = max(free, w.end+1)
		}
	}
	at := max(free, g.quiet-grained(rng, g.quiet/3, 2*g.quiet/3, et))
	if g.quiet-at < outageMinETs*et {
		return
	}
	g.actions = append(g.actions, Action{AtNs: at, Kind: Isolate, Node: n}, Action{AtNs: g.quiet, Kind: HealLink, From: n})
}

// outageMinETs is the shortest outage, in election timeouts: longer than
// any episode.
const outageMinETs = 12
