package clock

import "fmt"

// MaxDriftPPM bounds |drift|: a clock runs between 0.5x and 1.5x real speed.
const MaxDriftPPM = 500_000

const ppmDen = 1_000_000

// NodeClock is one node's local clock, a function of global virtual time:
//
//	Local(g) = offset + base + floor((g - anchor) * (1e6 + driftPPM) / 1e6)
//
// where (anchor, base) is re-chosen by SetDriftPPM so that the drift part is
// continuous. SetOffset steps local time by the change of offset (skew).
// Invariant: Local is non-decreasing in g between Set calls, since
// |driftPPM| <= MaxDriftPPM. The zero NodeClock is the global clock.
//
// Timers: a host arms a timer for local deadline L at global Global(L). Set
// calls move Global(L); the host re-checks Local(now) >= L when the timer
// fires and re-arms if it is early (Epoch tells it that the clock changed).
type NodeClock struct {
	offsetNs  int64 // skew: added to local time
	anchorNs  int64 // global time of the last drift change
	baseNs    int64 // drift-integrated local time at anchorNs, without offset
	driftPPM  int64 // local ns gained per 1e6 global ns
	lastSetNs int64 // global time of the last Set call; Sets never go back
	epoch     uint64
}

// OffsetNs is the current skew in ns.
func (c *NodeClock) OffsetNs() int64 { return c.offsetNs }

// DriftPPM is the current drift rate in parts per million.
func (c *NodeClock) DriftPPM() int64 { return c.driftPPM }

// Epoch counts Set calls; a host compares it to re-arm its timers.
func (c *NodeClock) Epoch() uint64 { return c.epoch }

// Local converts global virtual time (ns) to this node's local time (ns).
// It is meant for globalNs >= the time of the last Set call.
func (c *NodeClock) Local(globalNs int64) int64 {
	d := globalNs - c.anchorNs
	rate := ppmDen + c.driftPPM
	// floor(d*rate/1e6) without overflow: d = q*1e6 + r with 0 <= r < 1e6.
	q, r := floorDivMod(d, ppmDen)
	return c.offsetNs + c.baseNs + q*rate + floorDiv(r*rate, ppmDen)
}

// Global returns the earliest global time g with Local(g) >= localNs.
func (c *NodeClock) Global(localNs int64) int64 {
	x := localNs - c.offsetNs - c.baseNs // wanted drift part: floor(d*rate/1e6) >= x
	rate := ppmDen + c.driftPPM
	// least d with d*rate >= x*1e6, i.e. ceil(x*1e6/rate); x = q*rate + r.
	q, r := floorDivMod(x, rate)
	return c.anchorNs + q*ppmDen + ceilDiv(r*ppmDen, rate)
}

// SetOffset sets the skew to offsetNs from global time atNs on: local time
// steps by (offsetNs - old offset). It panics if atNs precedes an earlier Set.
func (c *NodeClock) SetOffset(atNs, offsetNs int64) {
	c.checkAt(atNs)
	c.offsetNs = offsetNs
	c.epoch++
}

// SetDriftPPM sets the drift rate from global time atNs on, keeping local
// time continuous at atNs. It panics if |ppm| > MaxDriftPPM or atNs precedes
// an earlier Set.
func (c *NodeClock) SetDriftPPM(atNs, ppm int64) {
	if ppm < -MaxDriftPPM || ppm > MaxDriftPPM {
		panic(fmt.Sprintf("clock: drift %d ppm outside [-%d, %d]", ppm, MaxDriftPPM, MaxDriftPPM))
	}
	c.checkAt(atNs)
	c.baseNs = c.Local(atNs) - c.offsetNs
	c.anchorNs = atNs
	c.driftPPM = ppm
	c.epoch++
}

func (c *NodeClock) checkAt(atNs int64) {
	if atNs < c.lastSetNs {
		panic(fmt.Sprintf("clock: set at %d ns before the previous set at %d ns", atNs, c.lastSetNs))
	}
	c.lastSetNs = atNs
}

// floorDivMod returns q, r with a = q*b + r and 0 <= r < b, for b > 0.
func floorDivMod(a, b int64) (q, r int64) {
	q, r = a/b, a%b
	if r < 0 {
		q--
		r += b
	}
	return q, r
}

func floorDiv(a, b int64) int64 { q, _ := floorDivMod(a, b); return q }

func ceilDiv(a, b int64) int64 { return -floorDiv(-a, b) }
