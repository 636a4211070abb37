package main

import (
	"fmt"

	"github.com/faultline-sim/faultline/sim"
)

// defaultDetSample: a sweep re-runs the seed at every 100th position (the
// first included) and compares trace hash and verdict.
const defaultDetSample = 100

// maxDetSample bounds -determinism-sample.
const maxDetSample = 1_000_000

// sampled reports whether the seed at position idx is run twice.
func (c sweepConfig) sampled(idx int) bool {
	return c.checkDet || c.detSample > 0 && idx%c.detSample == 0
}

// recheck runs seed again and, if trace hash or verdict differ from first,
// returns the second run and the first divergent trace line.
func recheck(seed uint64, opts sim.Options, first *sim.Result) (*sim.Result, string) {
	again, _, err := safeRun(seed, opts)
	if err == nil && again.TraceHash == first.TraceHash && again.Verdict == first.Verdict {
		return nil, ""
	}
	if again == nil {
		again = &sim.Result{Seed: seed, Verdict: sim.Violation, Violation: fmt.Sprint(err)}
	}
	return strip(again), firstDivergence(seed, opts)
}

// firstDivergence runs seed twice more keeping the trace and names the first
// event whose lines differ.
func firstDivergence(seed uint64, opts sim.Options) string {
	opts.KeepTrace = true
	a, _, errA := safeRun(seed, opts)
	b, _, errB := safeRun(seed, opts)
	if errA != nil || errB != nil {
		return fmt.Sprintf("the reruns that keep the trace failed: %v; %v", errA, errB)
	}
	n := min(len(a.Trace), len(b.Trace))
	for i := range n {
		if a.Trace[i] != b.Trace[i] {
			return fmt.Sprintf("event %d: run A %q, run B %q", i, a.Trace[i], b.Trace[i])
		}
	}
	if len(a.Trace) != len(b.Trace) {
		return fmt.Sprintf("event %d: run A has %d events, run B %d", n, len(a.Trace), len(b.Trace))
	}
	return fmt.Sprintf("the two reruns that keep the trace did not diverge (trace %s and %s)", a.TraceHash, b.TraceHash)
}
