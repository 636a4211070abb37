//go:build !race

package etcdraft_test

const (
	sweepSeeds   = "1-40"
	parallelRuns = 6
	// leaseSweepSeeds is TestLeaseFailuresAreTheWindow's sweep.
	leaseSweepSeeds = 12
)
