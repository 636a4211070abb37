package main

import (
	"fmt"
	"testing"

	"github.com/faultline-sim/faultline/sim"
	"github.com/stretchr/testify/require"
)

// By default a sweep re-runs the seeds at positions 0, 100, 200...; a re-run
// that differs names the first divergent trace line of two kept-trace runs.
func TestSweepSamplesDeterminism(t *testing.T) {
	calls := map[uint64]int{}
	withFakeRun(t, func(seed uint64, o sim.Options) (*sim.Result, error) {
		calls[seed]++ // -j 1: one goroutine runs the seeds
		r, err := fakeRun(seed, o)
		if seed == 101 && calls[seed]%2 == 0 { // every second run of seed 101 differs
			r.TraceHash = "0000000000000bad"
		}
		if o.KeepTrace {
			r.Trace = []string{"0.000000000 n1 tick", fmt.Sprintf("0.000000001 n1 wake a=%d", calls[seed])}
		}
		return r, err
	})
	code, lines, summary := jsonLines(t, "-seeds", "1-250", "-j", "1")
	require.Equal(t, exitNondet, code)
	require.Equal(t, float64(1), summary["nondeterministic"])
	for seed, n := range calls {
		switch seed {
		case 1, 201:
			require.Equal(t, 2, n, "seed %d is sampled", seed)
		case 101:
			require.Equal(t, 4, n, "seed 101: sampled, then two runs keeping the trace")
		default:
			require.Equal(t, 1, n, "seed %d is not sampled", seed)
		}
	}
	nd := lines[100]["nondeterminism"].(map[string]any)
	require.Equal(t, `event 1: run A "0.000000001 n1 wake a=3", run B "0.000000001 n1 wake a=4"`, nd["first_divergence"])
	code, _, summary = jsonLines(t, "-seeds", "1-250", "-j", "1", "-determinism-sample", "0")
	require.Equal(t, exitViolation, code, "seeds 3, 13... fail in the fake")
	require.Zero(t, summary["nondeterministic"])
	requireUsage(t, "-determinism-sample -1: want 0 (none) to 1000000", "run", "-seeds", "1-2", "-determinism-sample", "-1")
}
