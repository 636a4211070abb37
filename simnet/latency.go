package simnet

import (
	"fmt"

	"github.com/faultline-sim/faultline/internal/prng"
)

// MaxLatencyNs bounds LatencyMaxNs (one hour) so latency math cannot overflow.
const MaxLatencyNs int64 = 3600e9

// tailScale is the resolution of the tail draw (16 bits).
const tailScale = 1 << 16

// LinkOptions are the options of one directed link.
//
// Latency: a message that is not in the tail (probability 1-Tail) takes a
// uniform latency in [LatencyMinNs, knee], knee = min + (max-min)/4. A tail
// message takes knee + (max-knee)*u*v with u, v uniform in [0,1] (a product
// of uniforms: dense near the knee, stretching up to LatencyMaxNs). All
// integer. Messages on a link overtake each other when their latencies
// differ: that is the only source of reordering.
//
// Loss and Duplicate are drawn once per Send: a lost message is not sent; a
// duplicated one is delivered as two copies with independent latencies.
type LinkOptions struct {
	LatencyMinNs int64      // >= 0
	LatencyMaxNs int64      // >= LatencyMinNs, <= MaxLatencyNs
	Tail         prng.Ratio // share of messages in the slow tail
	Loss         prng.Ratio // share of messages dropped at send
	Duplicate    prng.Ratio // share of messages delivered twice
}

// Validate names the first bad field.
func (o LinkOptions) Validate() error {
	if o.LatencyMinNs < 0 {
		return fmt.Errorf("latency: min %d ns < 0", o.LatencyMinNs)
	}
	if o.LatencyMinNs > o.LatencyMaxNs {
		return fmt.Errorf("latency: min %d > max %d", o.LatencyMinNs, o.LatencyMaxNs)
	}
	if o.LatencyMaxNs > MaxLatencyNs {
		return fmt.Errorf("latency: max %d ns over the limit %d ns", o.LatencyMaxNs, MaxLatencyNs)
	}
	if err := o.Tail.Validate("tail"); err != nil {
		return err
	}
	if err := o.Loss.Validate("loss"); err != nil {
		return err
	}
	return o.Duplicate.Validate("duplicate")
}

// latency draws one message's latency in [LatencyMinNs, LatencyMaxNs].
func (o *LinkOptions) latency(r *prng.Rand) int64 {
	span := o.LatencyMaxNs - o.LatencyMinNs
	if span == 0 {
		return o.LatencyMinNs
	}
	knee := o.LatencyMinNs + span/4
	if !r.Chance(o.Tail) {
		return r.Range(o.LatencyMinNs, knee)
	}
	u, v := r.Range(0, tailScale), r.Range(0, tailScale)
	// (max-knee) <= 2^42, so (max-knee)*u <= 2^58: no overflow.
	return knee + (o.LatencyMaxNs-knee)*u/tailScale*v/tailScale
}
