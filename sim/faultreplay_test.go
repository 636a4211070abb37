package sim

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReplayLeader: on five nodes with only replay-leader faults, a leader
// that takes replies of an older term is caught, and a correct one passes
// the same runs.
func TestReplayLeader(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 12 clusters")
	}
	caught := 0
	for seed := uint64(1); seed <= 6; seed++ {
		o := Options{Nodes: 5, Faults: "replay-leader"}
		r, err := Run(seed, o)
		require.NoError(t, err)
		require.Equal(t, Pass, r.Verdict, "seed %d: %s", seed, r.Check)
		o.Defect = "stale-reply"
		r, err = Run(seed, o)
		require.NoError(t, err)
		if r.Verdict == Violation {
			caught++
		}
	}
	require.GreaterOrEqual(t, caught, 3)
}
