package sim

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConfigSplit: four voters and a spare, single-server changes, only
// config-split faults (so every membership plan is the race plan). The
// window cuts a leader off as it promotes the spare and moves a voter of
// the next leader to its side; the safe core passes every run, and one
// that lets a new leader change the configuration before it commits in
// its term loses a committed entry in some.
func TestConfigSplit(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 24 clusters")
	}
	caught, moved := 0, 0
	for seed := uint64(1); seed <= 12; seed++ {
		o := Options{Nodes: 4, Spares: 1, Membership: "single", Faults: "config-split", KeepTrace: true}
		r, err := Run(seed, o)
		require.NoError(t, err)
		require.Equal(t, Pass, r.Verdict, "seed %d: %s %s", seed, r.Check, r.Violation)
		for _, l := range r.Trace {
			if strings.Contains(l, " split-move ") {
				moved++
				break
			}
		}
		o.Defect, o.KeepTrace = "single-server-unsafe", false
		r, err = Run(seed, o)
		require.NoError(t, err)
		if r.Verdict == Violation {
			require.Contains(t, []string{"leader-completeness", "one-leader-per-term", "committed-entry", "state-machine-safety"}, r.Check)
			caught++
		}
	}
	t.Logf("split and moved in %d of 12 runs; the unsafe core caught in %d", moved, caught)
	require.GreaterOrEqual(t, moved, 4)
	require.GreaterOrEqual(t, caught, 2)
}
