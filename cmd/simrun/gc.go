package main

import (
	"runtime/debug"
	"strconv"
)

// A run keeps a small live heap (a few MiB per worker) and allocates fast, so
// Go's default GOGC=100 collects every few MiB: a fifth of a standard run's
// CPU went to the collector (BenchmarkStandardRun: 340 virtual s per CPU s at
// GOGC=100, 410 at 400). simrun therefore collects at 4x the live heap, and
// caps the heap softly so a seed with a large live heap still collects in
// time. GOGC and GOMEMLIMIT in the environment override both; none of it
// reaches the simulation.
//
// A sweep lowers the limit to what its workers need (sweepMemLimit): at
// GOGC=400 the heap grows to 5x a seed's live heap, and a seed with a large
// one (up to 40-70 MiB) left the resident set at several times its usual
// size (seeds 1-5000 -j 2: peak 305 MiB under the 2 GiB limit, 195 MiB
// under 192 MiB, at the same CPU time). Under the limit the collector runs
// sooner for such a seed and the scavenger returns what exceeds it.
const (
	defaultGCPercent  = 400
	defaultMemLimitMB = 2048 // MiB; soft (runtime/debug.SetMemoryLimit)
	sweepBaseMB       = 64   // MiB of a sweep's soft limit, plus sweepWorkerMB per worker
	sweepWorkerMB     = 64
)

// memLimitTuned: tuneGC set the limit (the environment did not), so a
// sweep may lower it. Tests never call tuneGC, so their limit stays.
var memLimitTuned bool

// tuneGC applies the defaults that getenv does not override.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemLimitMB << 20)
		memLimitTuned = true
	}
}

// sweepMemLimit is the soft memory limit (bytes) of a sweep on workers
// workers: 128 MiB for one, 192 MiB for two, at most the default.
func sweepMemLimit(workers int) int64 {
	return int64(min(sweepBaseMB+sweepWorkerMB*max(workers, 1), defaultMemLimitMB)) << 20
}

// limitSweep lowers the soft memory limit for a sweep, unless GOMEMLIMIT set it.
func limitSweep(workers int) {
	if memLimitTuned {
		debug.SetMemoryLimit(sweepMemLimit(workers))
	}
}

// gcSetting describes the collector's settings, for -memstats.
func gcSetting() string {
	pct := debug.SetGCPercent(-1)
	debug.SetGCPercent(pct)
	return "gogc=" + strconv.Itoa(pct) + " memlimit_mib=" + strconv.FormatInt(debug.SetMemoryLimit(-1)>>20, 10)
}
