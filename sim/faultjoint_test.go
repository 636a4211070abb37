package sim

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestJointSplit: three voters and a spare, joint changes, only joint-split
// faults. When a leader appends the joint configuration of a replace, the
// window splits a majority of C_new (with the leader) from a majority of
// C_old; the safe core passes every run, and cores that count only C_new
// for votes or for commits break safety in some.
func TestJointSplit(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 36 clusters")
	}
	split := 0
	caught := map[string]int{}
	for seed := uint64(1); seed <= 12; seed++ {
		o := Options{Nodes: 3, Spares: 1, Membership: "joint", Faults: "joint-split", KeepTrace: true}
		r, err := Run(seed, o)
		require.NoError(t, err)
		require.Equal(t, Pass, r.Verdict, "seed %d: %s %s", seed, r.Check, r.Violation)
		for _, l := range r.Trace {
			if strings.Contains(l, " joint-split side=") {
				split++
				break
			}
		}
		o.KeepTrace = false
		for _, d := range []string{"joint-quorum-new-only-votes", "joint-quorum-new-only-commit"} {
			o.Defect = d
			r, err = Run(seed, o)
			require.NoError(t, err)
			if r.Verdict == Violation {
				require.Contains(t, []string{"leader-completeness", "one-leader-per-term", "committed-entry", "state-machine-safety"}, r.Check)
				caught[d]++
			}
		}
	}
	t.Logf("split in %d of 12 runs; caught %v", split, caught)
	require.GreaterOrEqual(t, split, 2)
	require.GreaterOrEqual(t, caught["joint-quorum-new-only-votes"], 2)
	require.GreaterOrEqual(t, caught["joint-quorum-new-only-commit"], 2)
}
