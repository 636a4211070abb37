package simnet

import (
	"fmt"
	"slices"

	"github.com/faultline-sim/faultline/internal/prng"
)

// MaxFlapToggles bounds the toggles one Flap call may precompute.
const MaxFlapToggles = 1 << 16

// maxFlapPhaseNs bounds min phase durations (about 13 days) against overflow.
const maxFlapPhaseNs = 1 << 50

// link is one directed link. Its state is a function of time:
// down(t) = cut || t lies in a down phase of flap.
type link[M Message[M]] struct {
	opts    LinkOptions
	rng     *prng.Rand // forked on first use: "link-<from>-<to>"
	cut     bool
	flap    []int64 // strictly increasing; goes down at flap[2k], up at flap[2k+1]
	clogged bool
	held    []Delivery[M] // clogged copies, in hold order
	c       LinkCounters
}

// downAt reports whether the link is down at global time t (ns).
func (l *link[M]) downAt(t int64) bool {
	if l.cut {
		return true
	}
	if len(l.flap) == 0 || t < l.flap[0] || t >= l.flap[len(l.flap)-1] {
		return false
	}
	k, found := slices.BinarySearch(l.flap, t)
	if found {
		k++ // a toggle at t has happened
	}
	return k%2 == 1
}

// validateFlap checks Flap's arguments, naming the bad one.
func validateFlap(startNs, endNs, minUpNs, minDownNs int64) error {
	switch {
	case startNs < 0:
		return fmt.Errorf("flap: start %d ns < 0", startNs)
	case endNs <= startNs:
		return fmt.Errorf("flap: end %d ns <= start %d ns", endNs, startNs)
	case minUpNs <= 0:
		return fmt.Errorf("flap: min up %d ns <= 0", minUpNs)
	case minDownNs <= 0:
		return fmt.Errorf("flap: min down %d ns <= 0", minDownNs)
	case minUpNs > maxFlapPhaseNs || minDownNs > maxFlapPhaseNs:
		return fmt.Errorf("flap: min up %d / min down %d ns over the limit %d ns", minUpNs, minDownNs, maxFlapPhaseNs)
	}
	if per := minUpNs + minDownNs; (endNs-startNs)/per+1 > MaxFlapToggles/2 {
		return fmt.Errorf("flap: window %d ns with min up %d + min down %d ns may exceed %d toggles",
			endNs-startNs, minUpNs, minDownNs, MaxFlapToggles)
	}
	return nil
}

// flapToggles draws the toggle times of a flap in [start, end]: the link goes
// down at start, each down phase lasts [minDown, 2*minDown] and each up phase
// [minUp, 2*minUp], both clipped so that no phase is shorter than its minimum
// and the link is up again by end. Arguments are validated.
func flapToggles(r *prng.Rand, start, end, minUp, minDown int64) []int64 {
	var ts []int64
	t := start
	for end-t >= minDown {
		d := r.Range(minDown, minDown+min(minDown, end-t-minDown))
		ts = append(ts, t, t+d)
		t += d
		if end-t < minUp+minDown {
			break // no room for a full up phase and another down phase
		}
		t += r.Range(minUp, minUp+min(minUp, end-t-minUp-minDown))
	}
	return ts
}
