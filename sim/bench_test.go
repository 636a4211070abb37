package sim

import (
	"runtime"
	"testing"
)

// standard is the benchmark's run: 5 nodes, 3 clients, 60 virtual seconds,
// faults on at intensity 50; everything else as drawn from the seed.
var standard = Options{Nodes: 5, Clients: 3, DurationNs: 60 * sNs, Intensity: 50, Faults: "all"}

// BenchmarkStandardRun reports virtual seconds simulated per wall second,
// checking included, the share of wall time the linearizability check
// takes, and heap allocations per simulated event. Each iteration runs a
// different seed.
func BenchmarkStandardRun(b *testing.B) {
	var virtual, wall, check int64
	var events int
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range b.N {
		r, err := Run(uint64(i%50+1), standard)
		if err != nil {
			b.Fatal(err)
		}
		if r.Verdict != Pass {
			b.Fatalf("seed %d: %s: %s", r.Seed, r.Verdict, r.Violation)
		}
		virtual += r.VirtualNs
		wall += r.WallNs
		check += r.CheckNs
		events += r.Events
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(virtual)/float64(wall), "virtual-s/wall-s")
	b.ReportMetric(100*float64(check)/float64(wall), "%check")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "seeds/s")
	b.ReportMetric(float64(events)/float64(b.N), "events/run")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(events), "allocs/event")
	b.ReportMetric(float64(wall)/float64(events), "ns/event")
}
