//go:build race

package etcdraft_test

// The sweep is smaller under -race (make test's kernel pass), which runs
// about ten times slower.
const (
	sweepSeeds   = "1-2"
	parallelRuns = 3
	// leaseSweepSeeds is TestLeaseFailuresAreTheWindow's sweep.
	leaseSweepSeeds = 3
)
