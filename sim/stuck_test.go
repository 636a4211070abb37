package sim

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStuckConfigNamed: seed 1765 on etcd-io/raft (README) ends with n3 in
// C_old,new = {2,3}&&{1,2} after the operator retired n1; the liveness
// verdict names that configuration. A liveness failure of another cause
// (a planted timer defect on our Raft, all hosts in service) names none.
func TestStuckConfigNamed(t *testing.T) {
	run := func(name string) *Result {
		reg, err := LoadRegression(filepath.Join("..", "testdata", "regress", name))
		require.NoError(t, err)
		r, err := Run(reg.Seed, reg.Options)
		require.NoError(t, err)
		require.Equal(t, Liveness, r.Verdict, r.Violation)
		return r
	}
	r := run("seed-1765-etcd-joint-removal.json")
	require.Contains(t, r.Violation,
		"; n3's configuration in force {2,3}&&{1,2} needs a majority of {1,2}, and the operator retired n1")
	r = run("seed-134-timer-reset-any-vote.json")
	require.NotContains(t, r.Violation, "configuration in force")
}
