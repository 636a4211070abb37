package faults

import "github.com/faultline-sim/faultline/internal/prng"

// drawDiskStalls opens disk-stall windows (drawStretches; two election
// timeouts of a window for the stall alone, then an election and the new
// leader's overwrite) when the kinds name disk-stall (empty names all). It draws
// from its own stream, forked from rng only then (a fork moves rng's later
// draws, which are the caller's): the other kinds' draws do not move.
func (g *gen) drawDiskStalls(rng *prng.Rand) {
	if !g.o.names(DiskStall) {
		return
	}
	rng = rng.Fork("disk-stall")
	g.drawStretches(DiskStall, func(lo, hi int64) int64 { return grained(rng, lo, hi, g.o.ElectionTimeoutNs) })
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
