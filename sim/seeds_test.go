package sim

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/faultline-sim/faultline/internal/seedspec"
	"github.com/stretchr/testify/require"
)

// go test ./sim -run TestSeeds sweeps -sim.seeds; -sim.seed=N runs one, and
// every option flag of simrun exists here as -sim.<name> (e.g. -sim.defect).
var (
	flagSeeds = flag.String("sim.seeds", "1-200", "seeds to sweep: N, A-B or a comma list")
	flagSeed  = flag.Uint64("sim.seed", 0, "run this one seed (overrides -sim.seeds)")
	flagDir   = flag.String("sim.replay", "", "TestReplay: replay this artifact directory")
	given     Options
)

func init() { RegisterFlags(flag.CommandLine, "sim.", &given) }

func sweepSeeds(t *testing.T) []uint64 {
	if *flagSeed != 0 {
		return []uint64{*flagSeed}
	}
	set, err := seedspec.Parse(*flagSeeds)
	require.NoError(t, err, "-sim.seeds")
	return set.Seeds()
}

// TestSeeds is the default sweep: every seed must pass. A failure prints the
// one-line commands that replay it.
func TestSeeds(t *testing.T) {
	for _, seed := range sweepSeeds(t) {
		t.Run("seed="+strconv.FormatUint(seed, 10), func(t *testing.T) {
			t.Parallel()
			r, err := Run(seed, given)
			require.NoError(t, err)
			if r.Verdict != Pass {
				t.Fatalf("%s\noptions: %s\nreplay: %s\n        %s", r.Violation, r.Options, r.ReplayCommand(), r.GoTestCommand())
			}
		})
	}
}

// TestReplay replays an artifact directory (simrun run -out, simrun shrink):
// go test ./sim -run TestReplay -sim.replay=DIR fails as the run did.
func TestReplay(t *testing.T) {
	if *flagDir == "" {
		t.Skip("no -sim.replay=DIR")
	}
	seed, o, err := LoadArtifacts(*flagDir)
	require.NoError(t, err)
	r, err := Run(seed, o)
	require.NoError(t, err)
	t.Logf("seed %d: %s, trace hash %s", seed, r.Verdict, r.TraceHash)
	if r.Verdict != Pass {
		t.Fatalf("%s: %s", r.Check, r.Violation)
	}
}

// TestRegressions replays the corpus: each seed must give its recorded
// verdict and check. Add one with `simrun run -seed N [options] -save`.
func TestRegressions(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "regress", "*.json"))
	require.NoError(t, err)
	if len(files) == 0 {
		t.Skip("no regression seeds yet")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			reg, err := LoadRegression(f)
			require.NoError(t, err)
			r, err := Run(reg.Seed, reg.Options)
			require.NoError(t, err)
			replay := "go test ./sim -run 'TestRegressions/" + filepath.Base(f) + "$' -v"
			require.Equal(t, reg.Verdict, r.Verdict, "%s\nreplay: %s", r.Violation, replay)
			require.Equal(t, reg.Check, r.Check, r.Violation)
		})
	}
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(m.Run())
}
