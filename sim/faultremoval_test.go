package sim

import (
	"strings"
	"testing"

	"github.com/faultline-sim/faultline/faults"
	"github.com/stretchr/testify/require"
)

// TestLeaderRemoval: node 1 alone, spare 2 joins, then node 1 is asked to
// leave inside a leader-removal window: node 1, the leader of the two,
// is cut off as it appends its own removal (by a single-server change, or
// by leaving the joint configuration), so it alone holds the change and
// node 2 cannot be elected without its vote. A core whose removed leader
// never campaigns again (the mutant raft/election.go:24 >-><=) leaves the
// pair without a leader for good; ours finishes the change.
func TestLeaderRemoval(t *testing.T) {
	s, err := faults.ParseText("nodes 2\nvoters 1\nquiet 10s\nend 12s\n" +
		"1.000s add-node n2\n4.000s remove-node n1\n4.000s leader-removal until=9s\n10s heal\n")
	require.NoError(t, err)
	for seed := uint64(1); seed <= 3; seed++ {
		for _, m := range []string{"single", "joint"} {
			o := Options{Nodes: 1, Spares: 1, Membership: m, DurationNs: 12 * sNs, Schedule: &s, KeepTrace: true}
			r, err := Run(seed, o)
			require.NoError(t, err)
			require.Equal(t, Pass, r.Verdict, "seed %d %s: %s %s", seed, m, r.Check, r.Violation)
			cut := false
			for _, l := range r.Trace {
				cut = cut || strings.Contains(l, " n1 removal-cut term=")
			}
			require.True(t, cut, "seed %d %s: node 1 was not cut off as it removed itself", seed, m)
		}
	}
}
