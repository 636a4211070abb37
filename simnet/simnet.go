// Package simnet is the simulated network: N nodes (ids 1..N) joined by
// directed links with latency, loss, duplication, cuts, partitions, flapping
// and clogs. It never schedules anything itself: Send returns deliveries
// (copies with arrival times) that the caller puts on its event queue, and
// the caller hands each one back to Arrive at its arrival time.
//
// In-flight rule: a message is checked twice. At Send, a down link drops it
// (DroppedPartition) and otherwise Loss may drop it (DroppedLoss). At Arrive,
// the link is checked again at the arrival time: if it is down then (cut,
// partitioned, or in a flap's down phase) the copy is dropped
// (DroppedPartition), even though it was sent while the link was up; if the
// link is clogged then, the copy is held. Healing a link never revives a
// dropped copy. So a message crosses a link only if the link is up both when
// it is sent and when it arrives.
//
// Clog: a clogged link holds every copy that is sent on it or arrives on it
// (up to MaxHeld per link; more are DroppedOverflow). Unclog releases them in
// hold order, each with a freshly drawn latency from the unclog time; they
// pass through Arrive like any other delivery.
package simnet

import (
	"fmt"

	"github.com/faultline-sim/faultline/internal/prng"
)

// MaxNodes bounds the network size.
const MaxNodes = 1024

// Message is what a network carries: Clone returns a deep copy, so that no
// two nodes ever share memory through a message.
type Message[M any] interface{ Clone() M }

// Options are the network's defaults: every link starts with Link.
type Options struct {
	Link    LinkOptions
	MaxHeld int // per-link capacity of a clog; 0 means DefaultMaxHeld
}

// DefaultMaxHeld is the clog capacity when Options.MaxHeld is 0.
const DefaultMaxHeld = 4096

// Validate names the first bad field.
func (o Options) Validate() error {
	if o.MaxHeld < 0 {
		return fmt.Errorf("max held: %d < 0", o.MaxHeld)
	}
	return o.Link.Validate()
}

// Delivery is one copy of a message on its way: the caller schedules it at
// AtNs and then passes it to Arrive.
type Delivery[M any] struct {
	From, To int
	SentNs   int64  // when Send was called
	AtNs     int64  // arrival time (global virtual ns)
	ID       uint64 // unique per copy within a network, from 1, in creation order
	Msg      M      // this copy's own clone
}

// Network is a simulated network of directed links between nodes 1..N.
// Deterministic for a given rng and call sequence; not safe for concurrent use.
type Network[M Message[M]] struct {
	n       int
	links   []link[M] // (from-1)*n + (to-1)
	rng     *prng.Rand
	maxHeld int
	nextID  uint64
}

// New returns a network of nodes 1..nodes, every link up with opts.Link.
func New[M Message[M]](nodes int, opts Options, rng *prng.Rand) (*Network[M], error) {
	if nodes < 1 || nodes > MaxNodes {
		return nil, fmt.Errorf("nodes: %d not in [1, %d]", nodes, MaxNodes)
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, fmt.Errorf("rng: nil")
	}
	nw := &Network[M]{n: nodes, links: make([]link[M], nodes*nodes), rng: rng, maxHeld: opts.MaxHeld}
	if nw.maxHeld == 0 {
		nw.maxHeld = DefaultMaxHeld
	}
	for i := range nw.links {
		nw.links[i].opts = opts.Link
	}
	return nw, nil
}

// Nodes is N.
func (nw *Network[M]) Nodes() int { return nw.n }

// Send sends m from -> to at nowNs and returns its copies to schedule (none
// if dropped or held). m itself is never delivered: each copy is m.Clone().
// It panics on an unknown node id (a host bug, not an input error).
func (nw *Network[M]) Send(nowNs int64, from, to int, m M) []Delivery[M] {
	return nw.AppendSend(nil, nowNs, from, to, m)
}

// AppendSend is Send appending to dst, to avoid an allocation per message.
func (nw *Network[M]) AppendSend(dst []Delivery[M], nowNs int64, from, to int, m M) []Delivery[M] {
	l := nw.mustLink(from, to)
	l.c.Sent++
	if l.downAt(nowNs) {
		l.c.DroppedPartition++
		return dst
	}
	r := nw.linkRand(l, from, to)
	if r.Chance(l.opts.Loss) {
		l.c.DroppedLoss++
		return dst
	}
	copies := 1
	if r.Chance(l.opts.Duplicate) {
		copies = 2
		l.c.Duplicated++
	}
	for range copies {
		nw.nextID++
		d := Delivery[M]{From: from, To: to, SentNs: nowNs, AtNs: nowNs + l.opts.latency(r), ID: nw.nextID, Msg: m.Clone()}
		l.c.InFlight++
		if l.clogged {
			nw.hold(l, d)
			continue
		}
		dst = append(dst, d)
	}
	return dst
}

// Arrive is called at d.AtNs (nowNs >= d.AtNs, else it panics). It applies
// the in-flight rule and returns the message if it is delivered now.
func (nw *Network[M]) Arrive(nowNs int64, d Delivery[M]) (M, bool) {
	var zero M
	if nowNs < d.AtNs {
		panic(fmt.Sprintf("simnet: delivery %d arrives at %d ns but now is %d ns", d.ID, d.AtNs, nowNs))
	}
	l := nw.mustLink(d.From, d.To)
	if l.c.InFlight == 0 {
		panic(fmt.Sprintf("simnet: delivery %d on %d->%d was not in flight", d.ID, d.From, d.To))
	}
	switch {
	case l.downAt(nowNs):
		l.c.InFlight--
		l.c.DroppedPartition++
		return zero, false
	case l.clogged:
		nw.hold(l, d)
		return zero, false
	}
	l.c.InFlight--
	l.c.Delivered++
	return d.Msg, true
}

// hold puts an in-flight copy into the link's clog buffer.
func (nw *Network[M]) hold(l *link[M], d Delivery[M]) {
	if len(l.held) >= nw.maxHeld {
		l.c.InFlight--
		l.c.DroppedOverflow++
		return
	}
	l.c.Clogged++
	l.held = append(l.held, d)
}

func (nw *Network[M]) linkRand(l *link[M], from, to int) *prng.Rand {
	if l.rng == nil {
		l.rng = nw.rng.Forkf("link-%d-%d", from, to)
	}
	return l.rng
}
