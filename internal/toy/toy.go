// Package toy is a small protocol run on the simulation kernel to test it:
// every node pings a random peer (which answers pong) and gossips a vector
// of counters, on timers that run on the node's own skewed, drifting clock,
// over a simnet with latency, loss, duplication, partitions, flapping and
// clogs. Every event is one trace line; the trace hash must depend only on
// the seed.
package toy

import (
	"fmt"

	"github.com/faultline-sim/faultline/clock"
	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/faultline-sim/faultline/internal/trace"
	"github.com/faultline-sim/faultline/simnet"
)

// Config is one toy run. Periods are in local ns of each node.
type Config struct {
	Seed          uint64
	Nodes         int
	DurationNs    int64
	MaxEvents     int
	PingEveryNs   int64
	GossipEveryNs int64
	Link          simnet.LinkOptions
	Faults        int     // random fault actions drawn from the seed
	OffsetNs      []int64 // initial skew per node (index node-1), optional
	DriftPPM      []int64 // initial drift per node, optional
}

// RandomConfig draws a config from seed: 3..5 nodes, random latency, loss,
// duplication, and 6..20 faults over 500 ms of virtual time.
func RandomConfig(seed uint64) Config {
	r := prng.New(seed).Fork("toy-config")
	minNs := r.Range(50_000, 2_000_000)
	cfg := Config{
		Seed: seed, Nodes: int(r.Range(3, 5)), DurationNs: 500_000_000, MaxEvents: 50_000,
		PingEveryNs: r.Range(5_000_000, 15_000_000), GossipEveryNs: r.Range(8_000_000, 20_000_000),
		Link: simnet.LinkOptions{
			LatencyMinNs: minNs, LatencyMaxNs: minNs + r.Range(0, 20_000_000),
			Tail: prng.R(uint64(r.Range(0, 20)), 100), Loss: prng.R(uint64(r.Range(0, 10)), 100),
			Duplicate: prng.R(uint64(r.Range(0, 5)), 100),
		},
		Faults: int(r.Range(6, 20)),
	}
	for range cfg.Nodes {
		cfg.OffsetNs = append(cfg.OffsetNs, r.Range(-5_000_000, 5_000_000))
		cfg.DriftPPM = append(cfg.DriftPPM, r.Range(-200, 200))
	}
	return cfg
}

// Result summarizes a run.
type Result struct {
	Hash   uint64
	Events int
	Stop   clock.StopReason
	Net    simnet.LinkCounters
	Pings  []int // timer firings of ping per node (index node-1)
	Pongs  int   // pongs received
	Seen   map[uint64]int
	Gossip []uint64 // node 1's final counter vector
}

type evKind uint8

const (
	evTimer evKind = iota + 1
	evDeliver
	evFault
)

type timerKind uint8

const (
	timerPing timerKind = iota + 1
	timerGossip
)

// event is one queued thing; only the fields of its kind are set.
type event struct {
	kind       evKind
	node       int
	timer      timerKind
	deadlineNs int64 // local deadline of a timer
	fault      int   // index into world.faults
	d          simnet.Delivery[Msg]
}

// Run runs cfg, recording every event in tr (which may keep lines).
func Run(cfg Config, tr *trace.Trace) (Result, error) {
	w, err := newWorld(cfg, tr)
	if err != nil {
		return Result{}, err
	}
	stop := w.loop.Run(cfg.DurationNs, cfg.MaxEvents, w.handle)
	if w.err != nil {
		return Result{}, w.err
	}
	res := Result{Hash: tr.Hash(), Events: tr.Len(), Stop: stop, Net: w.net.Totals(),
		Pongs: w.pongs, Seen: w.seen, Gossip: w.nodes[0].vec}
	for _, n := range w.nodes {
		res.Pings = append(res.Pings, n.pings)
	}
	if !res.Net.Balanced() {
		panic(fmt.Sprintf("toy: seed %d: unbalanced network counters %s", cfg.Seed, res.Net))
	}
	return res, nil
}
