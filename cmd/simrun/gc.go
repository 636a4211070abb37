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
const (
	defaultGCPercent  = 400
	defaultMemLimitMB = 2048 // MiB; soft (runtime/debug.SetMemoryLimit)
)

// tuneGC applies the defaults that getenv does not override.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemLimitMB << 20)
	}
}

// gcSetting describes the collector's settings, for -memstats.
func gcSetting() string {
	pct := debug.SetGCPercent(-1)
	debug.SetGCPercent(pct)
	return "gogc=" + strconv.Itoa(pct) + " memlimit_mib=" + strconv.FormatInt(debug.SetMemoryLimit(-1)>>20, 10)
}
