package faults

import (
	"slices"

	"github.com/faultline-sim/faultline/internal/prng"
)

// drawLeaseSplits opens lease-split windows in a run that serves lease
// reads: one per 60 election timeouts of the fault phase at Intensity 100
// (at least one), each 6 to 12 election timeouts long, in its own stretch of
// the fault phase so windows never overlap. A window needs a leader and two
// followers. It draws from its own stream (rng), so the episodes and the
// membership plan stay as they were.
func (g *gen) drawLeaseSplits(rng *prng.Rand) {
	voters := g.o.Voters
	if voters == 0 {
		voters = g.o.Nodes
	}
	if !g.o.LeaseReads || g.o.Intensity == 0 || voters < 3 || len(g.o.Kinds) > 0 && !slices.Contains(g.o.Kinds, LeaseSplit) {
		return
	}
	et := g.o.ElectionTimeoutNs
	lo, hi := 6*et, 12*et
	n := max(1, int(g.quiet/(60*et))*g.o.Intensity/100)
	stretch := g.quiet / int64(n)
	for i := range int64(n) {
		length := rng.Range(lo, hi)
		if stretch <= length {
			return // the fault phase is too short for a window
		}
		at := i*stretch + rng.Range(0, stretch-length)
		g.actions = append(g.actions, Action{AtNs: at, Kind: LeaseSplit, UntilNs: at + length})
	}
}
