package sim

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestShrink: a failing run shrinks to a smaller schedule that fails the
// same check, and the shrunk options replay it alone.
func TestShrink(t *testing.T) {
	if testing.Short() {
		t.Skip("shrinking runs the seed many times")
	}
	r, err := Run(1, Options{Defect: "ack-before-commit"})
	require.NoError(t, err)
	require.Equal(t, Violation, r.Verdict)
	var steps int
	small, err := Shrink(r, 80, func(string) { steps++ })
	require.NoError(t, err)
	require.Equal(t, r.Check, small.Check)
	require.Positive(t, steps)
	require.Less(t, len(small.Schedule.Actions), len(r.Schedule.Actions))
	again, err := Run(small.Seed, small.Replayable())
	require.NoError(t, err)
	require.Equal(t, small.TraceHash, again.TraceHash)
	require.Equal(t, small.Check, again.Check)

	_, err = Shrink(&Result{Seed: 1, Verdict: Pass}, 10, nil)
	require.ErrorContains(t, err, "nothing to shrink")
}
