package sim

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var flagShrinkCorpus = flag.Int("sim.shrink-corpus", 0, "TestCorpusShrinks: shrink every corpus entry with this run budget (0: skip)")

// TestCorpusShrinks shrinks every regression entry (make shrink-corpus):
// the shrunk case fails the same check, is written as an artifact
// directory, and replays from it alone with the same trace hash.
func TestCorpusShrinks(t *testing.T) {
	if *flagShrinkCorpus == 0 {
		t.Skip("pass -sim.shrink-corpus=N (make shrink-corpus)")
	}
	files, err := filepath.Glob(filepath.Join("..", "testdata", "regress", "*.json"))
	require.NoError(t, err)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			reg, err := LoadRegression(f)
			require.NoError(t, err)
			r, err := Run(reg.Seed, reg.Options)
			require.NoError(t, err)
			require.Equal(t, reg.Check, r.Check)
			small, err := Shrink(r, *flagShrinkCorpus, nil)
			require.NoError(t, err)
			require.Equal(t, r.Check, small.Check)
			replayArtifacts(t, small)
			t.Logf("%s: %d fault actions -> %d, %d ops -> %d, check %s",
				filepath.Base(f), len(r.Schedule.Actions), len(small.Schedule.Actions), len(r.History), len(small.History), small.Check)
		})
	}
}
