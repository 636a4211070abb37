// Package prng is Faultline's one seeded random source. Every component gets
// its own stream through Fork, so adding a draw in one component never shifts
// the draws of another. There is no package-level source: a *Rand is passed in.
package prng

import (
	"fmt"
	"math/rand/v2"
)

// Rand is a deterministic stream of integers. Not safe for concurrent use;
// the simulation is single-threaded by design.
type Rand struct {
	seed uint64 // root seed of the whole run
	path string // fork labels from the root, "/"-joined
	pcg  *rand.PCG
	r    *rand.Rand
}

// New returns the root stream for seed.
func New(seed uint64) *Rand { return newAt(seed, "") }

func newAt(seed uint64, path string) *Rand {
	h := fnv64(path)
	pcg := rand.NewPCG(mix(seed^h), mix(h+0x9e3779b97f4a7c15))
	return &Rand{seed: seed, path: path, pcg: pcg, r: rand.New(pcg)}
}

// Fork derives an independent stream named label. The result depends only on
// the root seed and the chain of labels, never on how many values the parent
// has drawn, so forks may be taken in any order.
func (r *Rand) Fork(label string) *Rand { return newAt(r.seed, r.path+"/"+label) }

// Forkf is Fork with a formatted label, e.g. Forkf("node-%d", id).
func (r *Rand) Forkf(format string, args ...any) *Rand {
	return r.Fork(fmt.Sprintf(format, args...))
}

// Seed is the root seed this stream descends from.
func (r *Rand) Seed() uint64 { return r.seed }

// Label is the fork path of this stream ("" for the root).
func (r *Rand) Label() string { return r.path }

// Uint64 returns a uniformly distributed 64-bit value.
func (r *Rand) Uint64() uint64 { return r.pcg.Uint64() }

// IntN returns a value in [0, n). It panics if n <= 0.
func (r *Rand) IntN(n int) int { return r.r.IntN(n) }

// Int64N returns a value in [0, n). It panics if n <= 0.
func (r *Rand) Int64N(n int64) int64 { return r.r.Int64N(n) }

// Range returns a value in [lo, hi], both ends included. It panics if lo > hi.
func (r *Rand) Range(lo, hi int64) int64 {
	if lo > hi {
		panic(fmt.Sprintf("prng: Range(%d, %d): lo > hi", lo, hi))
	}
	span := uint64(hi - lo)
	if span == ^uint64(0) {
		return lo + int64(r.Uint64())
	}
	return lo + int64(r.r.Uint64N(span+1))
}

// Bool returns true or false with equal odds.
func (r *Rand) Bool() bool { return r.pcg.Uint64()&1 == 1 }

// Chance returns true with probability p.Num/p.Den.
func (r *Rand) Chance(p Ratio) bool {
	if p.Num == 0 {
		return false
	}
	if p.Num >= p.Den {
		return true
	}
	return r.r.Uint64N(p.Den) < p.Num
}

// Shuffle permutes n elements through swap (Fisher-Yates).
func (r *Rand) Shuffle(n int, swap func(i, j int)) { r.r.Shuffle(n, swap) }

// Pick returns one index in [0, len(weights)) drawn with the given integer
// weights. It panics if no weight is positive.
func (r *Rand) Pick(weights []uint64) int {
	var total uint64
	for _, w := range weights {
		total += w
	}
	if total == 0 {
		panic("prng: Pick with no positive weight")
	}
	x := r.r.Uint64N(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	panic("unreachable")
}

// fnv64 is FNV-1a over s: stable across Go releases, unlike hash/maphash.
func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// mix is the splitmix64 finalizer: spreads close seeds far apart.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
