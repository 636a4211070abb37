package sim

import (
	"flag"
	"testing"
)

var flagMutate = flag.Bool("sim.mutate", false, "TestSweepMutate: run the sweep that cmd/mutate kills mutants with")

// TestSweepMutate is the default sweep as `make mutate` runs it against each
// mutant: the seeds of -sim.seeds one after another, stopping at the first
// that does not pass, so a killed mutant costs its first failing seed, not
// the whole sweep. go test ./sim -run TestSweepMutate -sim.mutate -sim.seeds=1-200
func TestSweepMutate(t *testing.T) {
	if !*flagMutate {
		t.Skip("needs -sim.mutate")
	}
	seeds := sweepSeeds(t)
	for _, seed := range seeds {
		r, err := Run(seed, given)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if r.Verdict != Pass {
			t.Fatalf("seed %d: %s\nreplay: %s", seed, r.Violation, r.GoTestCommand())
		}
	}
	t.Logf("%d seeds pass", len(seeds))
}
