package study

import (
	"math"
	"slices"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/sim"
)

// windowNs is the availability window: a window is available if some
// client operation completed in it.
const windowNs = 100 * msNs

// Metric names, in the order of results.csv.
var metricNames = []string{"avail", "writes_per_s", "p50_ms", "p99_ms", "elections", "leader_changes", "leaderless_s"}

// runMetrics are one run's metrics over the fault window; NaN where
// undefined (latency with no operation completed).
type runMetrics struct {
	verdict sim.Verdict
	m       [7]float64 // in metricNames order
}

// measure computes a run's metrics inside w. Every client operation goes
// through the log (read-modes=log), so each completed one is a committed
// write of the replicated log as far as the client can tell.
func measure(r *sim.Result, w Window) runMetrics {
	out := runMetrics{verdict: r.Verdict}
	slots := make([]bool, (w.EndNs-w.StartNs+windowNs-1)/windowNs)
	var lat []int64
	for _, op := range r.History {
		if op.Status != checker.StatusOK || op.Return < w.StartNs || op.Return >= w.EndNs {
			continue
		}
		slots[(op.Return-w.StartNs)/windowNs] = true
		lat = append(lat, op.Return-op.Call)
	}
	up := 0
	for _, s := range slots {
		if s {
			up++
		}
	}
	secs := float64(w.EndNs-w.StartNs) / 1e9
	out.m[0] = float64(up) / float64(len(slots))
	out.m[1] = float64(len(lat)) / secs
	out.m[2], out.m[3] = math.NaN(), math.NaN()
	if len(lat) > 0 {
		slices.Sort(lat)
		out.m[2] = float64(lat[(len(lat)-1)*50/100]) / 1e6
		out.m[3] = float64(lat[(len(lat)-1)*99/100]) / 1e6
	}
	el, ch, led := leaderStats(r.Timeline.Leaders, w)
	out.m[4], out.m[5] = float64(el), float64(ch)
	out.m[6] = float64(w.EndNs-w.StartNs-led) / 1e9
	return out
}

// leaderStats counts elections and changes of the leading node that start
// inside w, and the time inside w some node led.
func leaderStats(spans []sim.LeaderSpan, w Window) (elections, changes int, ledNs int64) {
	s := slices.Clone(spans)
	slices.SortStableFunc(s, func(a, b sim.LeaderSpan) int { return cmp64(a.StartNs, b.StartNs) })
	prev := 0
	cover := w.StartNs // time inside w up to which the union is counted
	for _, sp := range s {
		in := sp.StartNs >= w.StartNs && sp.StartNs < w.EndNs
		if in {
			elections++
			if prev != 0 && sp.Node != prev {
				changes++
			}
		}
		prev = sp.Node
		lo, hi := max(sp.StartNs, cover), min(sp.EndNs, w.EndNs)
		if hi > lo {
			ledNs += hi - lo
			cover = hi
		}
	}
	return elections, changes, ledNs
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// stat is a mean with the half-width of its 95% confidence interval
// (Student's t over the runs where the metric is defined); N those runs.
type stat struct {
	Mean, CI float64
	N        int
}

func summarize(xs []float64) stat {
	var n int
	var sum float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			n++
			sum += x
		}
	}
	if n == 0 {
		return stat{Mean: math.NaN(), CI: math.NaN()}
	}
	mean := sum / float64(n)
	if n == 1 {
		return stat{Mean: mean, CI: math.NaN(), N: 1}
	}
	var ss float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			ss += (x - mean) * (x - mean)
		}
	}
	sd := math.Sqrt(ss / float64(n-1))
	return stat{Mean: mean, CI: tQuantile(n-1) * sd / math.Sqrt(float64(n)), N: n}
}

// tTable is the two-sided 95% quantile of Student's t for 1..30 degrees of freedom.
var tTable = []float64{12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
	2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
	2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042}

// tQuantile is t(0.975, df); past 30 a close approximation toward 1.96.
func tQuantile(df int) float64 {
	if df <= len(tTable) {
		return tTable[df-1]
	}
	return 1.96 + 2.4/float64(df)
}
