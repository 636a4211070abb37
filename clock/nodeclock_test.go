package clock

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestNodeClockZeroIsGlobal(t *testing.T) {
	var c NodeClock
	for _, g := range []int64{0, 1, 999_999, 1_000_000, 7e12} {
		require.Equal(t, g, c.Local(g))
		require.Equal(t, g, c.Global(g))
	}
}

func TestNodeClockSkewAndDrift(t *testing.T) {
	var c NodeClock
	c.SetOffset(0, 5_000_000) // 5 ms ahead
	require.Equal(t, int64(15_000_000), c.Local(10_000_000))
	// A timer for local 100 ms fires at global 95 ms.
	require.Equal(t, int64(95_000_000), c.Global(100_000_000))

	// +1000 ppm from global 1 s: 1 s of global time is 1.001 s local.
	c.SetDriftPPM(1_000_000_000, 1000)
	require.Equal(t, int64(1_005_000_000), c.Local(1_000_000_000), "continuous at the anchor")
	require.Equal(t, int64(2_006_000_000), c.Local(2_000_000_000))
	// A timer 1.001 s of local time ahead fires after 1 s of global time.
	require.Equal(t, int64(2_000_000_000), c.Global(2_006_000_000))

	// Slow clock: -500000 ppm runs at half speed.
	c.SetDriftPPM(2_000_000_000, -500_000)
	require.Equal(t, int64(2_006_000_000), c.Local(2_000_000_000))
	require.Equal(t, int64(2_506_000_000), c.Local(3_000_000_000))
	require.Equal(t, int64(3_000_000_000), c.Global(2_506_000_000))

	// Offset step backwards mid-run.
	c.SetOffset(3_000_000_000, -1_000_000)
	require.Equal(t, int64(2_500_000_000), c.Local(3_000_000_000))
	require.Equal(t, uint64(4), c.Epoch())

	require.Panics(t, func() { c.SetDriftPPM(3_000_000_000, MaxDriftPPM+1) })
	require.Panics(t, func() { c.SetOffset(1, 0) }, "set before an earlier set")
}

// TestNodeClockProperty: Local is monotone and Global is its least inverse.
func TestNodeClockProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var c NodeClock
		at := int64(0)
		for range rapid.IntRange(0, 4).Draw(t, "sets") {
			at += rapid.Int64Range(0, 1e12).Draw(t, "gap")
			if rapid.Bool().Draw(t, "drift") {
				c.SetDriftPPM(at, rapid.Int64Range(-MaxDriftPPM, MaxDriftPPM).Draw(t, "ppm"))
			} else {
				c.SetOffset(at, rapid.Int64Range(-1e10, 1e10).Draw(t, "off"))
			}
		}
		g := at + rapid.Int64Range(0, 1e13).Draw(t, "g")
		require.LessOrEqual(t, c.Local(g), c.Local(g+1))
		l := c.Local(g) + rapid.Int64Range(-1000, 1e9).Draw(t, "dl")
		back := c.Global(l)
		require.GreaterOrEqual(t, c.Local(back), l)
		require.Less(t, c.Local(back-1), l)
	})
}
