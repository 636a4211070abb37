package faults

import "github.com/faultline-sim/faultline/internal/prng"

// drawLeaseSplits opens lease-split windows (drawStretches) in a run that
// serves lease reads. It draws from its own stream (rng), so the episodes
// and the membership plan stay as they were.
func (g *gen) drawLeaseSplits(rng *prng.Rand) {
	if !g.o.LeaseReads || !g.o.names(LeaseSplit) {
		return
	}
	g.drawStretches(LeaseSplit, rng.Range)
}

// drawStretches opens windows of kind k, each 6 to 12 election timeouts
// long, one per 60 election timeouts of the fault phase at Intensity 100
// (at least one), each in its own stretch of the fault phase so windows
// never overlap; draw(lo, hi) gives a value in [lo, hi]. Not with
// Intensity 0 or fewer than three voters (a leader and two followers).
func (g *gen) drawStretches(k Kind, draw func(lo, hi int64) int64) {
	voters := g.o.Voters
	if voters == 0 {
		voters = g.o.Nodes
	}
	if g.o.Intensity == 0 || voters < 3 {
		return
	}
	et := g.o.ElectionTimeoutNs
	lo, hi := 6*et, 12*et
	n := max(1, int(g.quiet/(60*et))*g.o.Intensity/100)
	stretch := g.quiet / int64(n)
	for i := range int64(n) {
		length := draw(lo, hi)
		if stretch <= length {
			return // the fault phase is too short for a window
		}
		at := i*stretch + draw(0, stretch-length)
		g.actions = append(g.actions, Action{AtNs: at, Kind: k, UntilNs: at + length})
	}
}
