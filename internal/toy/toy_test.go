package toy

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/faultline-sim/faultline/internal/trace"
	"github.com/faultline-sim/faultline/simnet"
	"github.com/stretchr/testify/require"
)

const seeds = 1000

func hashOf(t testing.TB, seed uint64) uint64 {
	var tr trace.Trace
	res, err := Run(RandomConfig(seed), &tr)
	require.NoError(t, err)
	return res.Hash
}

// hashesParallel runs every seed on a pool of goroutines (one world each):
// shared mutable state between worlds would show up as a data race or a
// different hash.
func hashesParallel(t *testing.T) []uint64 {
	out := make([]uint64, seeds+1)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for k := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := 1 + k; s <= seeds; s += workers {
				var tr trace.Trace
				res, err := Run(RandomConfig(uint64(s)), &tr)
				if err != nil {
					panic(err)
				}
				out[s] = res.Hash
			}
		}()
	}
	wg.Wait()
	return out
}

// TestDeterminism1000Seeds: every seed gives one hash, run twice, on
// parallel goroutines at default GOMAXPROCS and sequentially at GOMAXPROCS=1.
func TestDeterminism1000Seeds(t *testing.T) {
	a := hashesParallel(t)
	b := hashesParallel(t)
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	distinct := map[uint64]bool{}
	for s := uint64(1); s <= seeds; s++ {
		c := hashOf(t, s)
		if a[s] != b[s] || a[s] != c {
			require.NoError(t, trace.CheckDeterminism(func(tr *trace.Trace) {
				_, _ = Run(RandomConfig(s), tr)
			}), "seed %d: %016x %016x %016x", s, a[s], b[s], c)
			t.Fatalf("seed %d: hashes differ across runs: %016x %016x %016x", s, a[s], b[s], c)
		}
		distinct[a[s]] = true
	}
	require.Len(t, distinct, seeds, "different seeds give different traces")
}

// TestPinnedHash pins one seed's trace hash, so that a change of behaviour
// of clock, simnet, trace or prng shows up on every machine.
func TestPinnedHash(t *testing.T) {
	require.Equal(t, pinnedSeed7, fmt.Sprintf("%016x", hashOf(t, 7)))
}

func TestCheckDeterminismPasses(t *testing.T) {
	require.NoError(t, trace.CheckDeterminism(func(tr *trace.Trace) {
		_, err := Run(RandomConfig(3), tr)
		require.NoError(t, err)
	}))
}

func TestTraceLines(t *testing.T) {
	tr := trace.Trace{Keep: true}
	res, err := Run(RandomConfig(11), &tr)
	require.NoError(t, err)
	require.Greater(t, res.Events, 100)
	first, ok := tr.Line(0)
	require.True(t, ok)
	require.Regexp(t, `^0\.\d{9} n\d+ \w+`, first)
}

func quiet(seed uint64) Config {
	return Config{Seed: seed, Nodes: 4, DurationNs: 1_000_000_000, MaxEvents: 100_000,
		PingEveryNs: 10_000_000, GossipEveryNs: 15_000_000,
		Link: simnet.LinkOptions{LatencyMinNs: 100_000, LatencyMaxNs: 30_000_000, Tail: prng.R(1, 5)}}
}

// TestNoFaultsExactlyOnce: loss 0 and no faults: every ping arrives exactly
// once and every pong comes back (except those still in flight at the end).
func TestNoFaultsExactlyOnce(t *testing.T) {
	var tr trace.Trace
	res, err := Run(quiet(5), &tr)
	require.NoError(t, err)
	pings := 0
	for _, p := range res.Pings {
		pings += p
	}
	require.Zero(t, res.Net.DroppedLoss+res.Net.DroppedPartition+res.Net.Duplicated)
	require.Equal(t, res.Net.Sent, res.Net.Delivered+res.Net.InFlight)
	require.InDelta(t, pings, len(res.Seen), 8, "all but in-flight pings arrived")
	for seq, n := range res.Seen {
		require.Equal(t, 1, n, "ping %x", seq)
	}
	require.InDelta(t, len(res.Seen), res.Pongs, 8)
}

// TestDriftMovesTimers: a node at +10% drift fires 10% more of its
// fixed-period local timers in the same global time; skew alone does not
// change the count.
func TestDriftMovesTimers(t *testing.T) {
	cfg := quiet(9)
	cfg.DriftPPM = []int64{100_000, 0, -100_000, 0}
	cfg.OffsetNs = []int64{0, 0, 0, 7_000_000}
	var tr trace.Trace
	res, err := Run(cfg, &tr)
	require.NoError(t, err)
	require.InDelta(t, 110, res.Pings[0], 1)
	require.InDelta(t, 100, res.Pings[1], 1)
	require.InDelta(t, 90, res.Pings[2], 1)
	require.InDelta(t, 100, res.Pings[3], 1)
}

func TestDuplicationDelivered(t *testing.T) {
	cfg := quiet(4)
	cfg.Link.Duplicate = prng.Always
	var tr trace.Trace
	res, err := Run(cfg, &tr)
	require.NoError(t, err)
	for _, n := range res.Seen {
		require.LessOrEqual(t, n, 2)
	}
	require.Equal(t, res.Net.Sent, res.Net.Duplicated)
}
