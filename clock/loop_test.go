package clock

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoopRunDeadlineAndBudget(t *testing.T) {
	l := NewLoop[string](16)
	_, err := l.At(10, "a")
	require.NoError(t, err)
	_, err = l.At(20, "b")
	require.NoError(t, err)
	var seen []string
	handle := func(at int64, v string) {
		seen = append(seen, v)
		if v == "a" {
			_, err := l.After(5, "a2") // at 15
			require.NoError(t, err)
		}
	}
	require.Equal(t, StopDeadline, l.Run(15, 100, handle))
	require.Equal(t, []string{"a", "a2"}, seen)
	require.Equal(t, int64(15), l.Now())
	require.Panics(t, func() { _, _ = l.At(14, "past") })

	_, _ = l.At(20, "c")
	require.Equal(t, StopBudget, l.Run(100, 1, handle))
	require.Equal(t, int64(20), l.Now())
	require.Equal(t, []string{"a", "a2", "b"}, seen)
	require.Equal(t, StopIdle, l.Run(100, 10, handle))
	require.Equal(t, int64(100), l.Now())
	require.Equal(t, uint64(4), l.Events())
	require.Panics(t, func() { l.Run(200, 0, handle) })
	require.Panics(t, func() { l.Run(50, 1, handle) })
}

func TestLoopCancel(t *testing.T) {
	l := NewLoop[int](4)
	h, _ := l.At(5, 1)
	_, _ = l.At(6, 2)
	require.True(t, l.Cancel(h))
	var got []int
	l.Run(10, 10, func(_ int64, v int) { got = append(got, v) })
	require.Equal(t, []int{2}, got)
}

// TestLoopNodeTimers: skew and drift move a node's timer by the expected
// amount when the timer is armed at Global(local deadline).
func TestLoopNodeTimers(t *testing.T) {
	var fast, skewed NodeClock
	fast.SetDriftPPM(0, 100_000) // +10%
	skewed.SetOffset(0, -3_000)  // 3 us behind
	l := NewLoop[int](4)
	_, _ = l.At(fast.Global(fast.Local(0)+1_100_000), 1)
	_, _ = l.At(skewed.Global(skewed.Local(0)+1_000_000), 2)
	fired := map[int]int64{}
	l.Run(10_000_000, 10, func(at int64, v int) { fired[v] = at })
	require.Equal(t, int64(1_000_000), fired[1], "1.1 ms local on a +10% clock is 1 ms global")
	require.Equal(t, int64(1_000_000), fired[2], "skew alone does not stretch a relative timer")
	// An absolute local deadline moves by the skew.
	require.Equal(t, int64(1_003_000), skewed.Global(1_000_000))
}
