package prng

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPinnedOutputs fails when the generator or the fork derivation changes:
// such a change breaks every recorded seed, so it must be deliberate.
func TestPinnedOutputs(t *testing.T) {
	r := New(42).Fork("simnet")
	got := []uint64{r.Uint64(), r.Uint64(), r.Uint64()}
	require.Equal(t, pinnedSimnet42, got)
	root := New(42)
	require.Equal(t, pinnedRootIntN, []int{root.IntN(1000), root.IntN(1000), root.IntN(1000)})
}

func TestForkIndependentOfParentDraws(t *testing.T) {
	a := New(7)
	b := New(7)
	for range 10 {
		b.Uint64()
	}
	require.Equal(t, a.Fork("x").Uint64(), b.Fork("x").Uint64())
	require.NotEqual(t, a.Fork("x").Uint64(), a.Fork("y").Uint64())
	require.NotEqual(t, New(7).Fork("x").Uint64(), New(8).Fork("x").Uint64())
	require.Equal(t, "/node-3/timer", New(1).Forkf("node-%d", 3).Fork("timer").Label())
}

func TestRangeAndChance(t *testing.T) {
	r := New(1)
	for range 10000 {
		v := r.Range(-3, 5)
		require.True(t, v >= -3 && v <= 5)
	}
	require.Equal(t, int64(9), New(2).Range(9, 9))
	hits := 0
	for range 100000 {
		if r.Chance(R(1, 4)) {
			hits++
		}
	}
	require.InDelta(t, 25000, hits, 1000)
	require.False(t, r.Chance(Never))
	require.False(t, r.Chance(Ratio{}))
	require.True(t, r.Chance(Always))
	require.Panics(t, func() { r.Range(2, 1) })
}

func TestPick(t *testing.T) {
	r := New(3)
	counts := make([]int, 3)
	for range 30000 {
		counts[r.Pick([]uint64{1, 0, 2})]++
	}
	require.Zero(t, counts[1])
	require.InDelta(t, 10000, counts[0], 600)
	require.Panics(t, func() { r.Pick([]uint64{0}) })
}

func TestRatioValidate(t *testing.T) {
	require.NoError(t, R(1, 2).Validate("loss"))
	require.NoError(t, Ratio{}.Validate("loss"))
	require.ErrorContains(t, R(3, 2).Validate("loss"), "loss: ratio 3/2 is over 1")
	require.ErrorContains(t, R(1, 0).Validate("dup"), "dup: ratio 1/0")
}
