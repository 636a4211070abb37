package sim

import (
	"runtime"
	"syscall"
	"testing"
)

// cpuNs is the CPU time (user + system) this process has used: on a shared
// machine it moves far less with other load than wall time does.
func cpuNs(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// standard is the benchmark's run: 5 nodes, 3 clients, 60 virtual seconds,
// faults on at intensity 50; everything else as drawn from the seed.
var standard = Options{Nodes: 5, Clients: 3, DurationNs: 60 * sNs, Intensity: 50, Faults: "all"}

// BenchmarkStandardRun reports virtual seconds simulated per wall second,
// checking included, the share of wall time the linearizability check
// takes, heap allocations per simulated event, and virtual seconds per
// CPU second of the whole process (GC included). Each iteration runs a
// different seed.
func BenchmarkStandardRun(b *testing.B) {
	var virtual, wall, check int64
	var events int
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := cpuNs(b)
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
	cpu := cpuNs(b) - cpu0
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(virtual)/float64(cpu), "virtual-s/cpu-s")
	b.ReportMetric(float64(virtual)/float64(wall), "virtual-s/wall-s")
	b.ReportMetric(100*float64(check)/float64(wall), "%check")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "seeds/s")
	b.ReportMetric(float64(events)/float64(b.N), "events/run")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(events), "allocs/event")
	b.ReportMetric(float64(wall)/float64(events), "ns/event")
}
