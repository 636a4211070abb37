package faults

import (
	"slices"

	"github.com/faultline-sim/faultline/internal/prng"
)

// drawDiskStalls opens disk-stall windows, only when the kinds name
// disk-stall (opt-in: the default sweep's schedules, and so the README's
// measured tables, stay as they were): one per 60 election timeouts of
// the fault phase at Intensity 100 (at least one), each 6 to 12 election
// timeouts long (two for the stall alone, then an election and the new
// leader's overwrite), in its own stretch of the fault phase so windows
// never overlap. A window needs a leader and two followers. It draws from
// its own stream (rng), so the episodes, the membership plan and the
// lease-split windows stay as they were.
func (g *gen) drawDiskStalls(rng *prng.Rand) {
	voters := g.o.Voters
	if voters == 0 {
		voters = g.o.Nodes
	}
	if g.o.Intensity == 0 || voters < 3 || !slices.Contains(g.o.Kinds, DiskStall) {
		return
	}
	et := g.o.ElectionTimeoutNs
	lo, hi := 6*et, 12*et
	n := max(1, int(g.quiet/(60*et))*g.o.Intensity/100)
	stretch := g.quiet / int64(n)
	for i := range int64(n) {
		length := grained(rng, lo, hi, et)
		if stretch <= length {
			return // the fault phase is too short for a window
		}
		at := i*stretch + grained(rng, 0, stretch-length, et)
		g.actions = append(g.actions, Action{AtNs: at, Kind: DiskStall, UntilNs: at + length})
	}
}

// grained draws a value in [lo, hi] as gen.draw64 does: a multiple of 1ms
// (or ET/100 for short election timeouts) when one fits.
func grained(rng *prng.Rand, lo, hi, et int64) int64 {
	grain := max(1, min(1_000_000, et/100))
	qlo, qhi := (lo+grain-1)/grain, hi/grain // lo, hi >= 0
	if qlo > qhi {
		return rng.Range(lo, hi)
	}
	return rng.Range(qlo, qhi) * grain
}
