package simnet

import (
	"testing"

	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestFlapMinDurations: every phase inside the window lasts at least its
// minimum, the link is down at start and up by end, and Up follows toggles.
func TestFlapMinDurations(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		nw := newNet(t, 2, fast)
		start := rapid.Int64Range(0, 1e9).Draw(t, "start")
		minUp := rapid.Int64Range(1, 1e6).Draw(t, "minUp")
		minDown := rapid.Int64Range(1, 1e6).Draw(t, "minDown")
		end := start + rapid.Int64Range(1, 1000*(minUp+minDown)).Draw(t, "window")
		require.NoError(t, nw.Flap(1, 2, start, end, minUp, minDown))
		ts := nw.links[1].flap
		require.Equal(t, 0, len(ts)%2)
		if end-start >= minDown {
			require.NotEmpty(t, ts)
			require.Equal(t, start, ts[0])
		}
		for i := 1; i < len(ts); i++ {
			minimum := minDown // ts[i-1] went down
			if i%2 == 0 {
				minimum = minUp
			}
			require.GreaterOrEqual(t, ts[i]-ts[i-1], minimum, "phase %d", i)
		}
		if len(ts) > 0 {
			require.LessOrEqual(t, ts[len(ts)-1], end)
		}
		require.True(t, nw.Up(1, 2, start-1))
		require.True(t, nw.Up(1, 2, end))
		require.True(t, nw.Up(2, 1, start), "flap is one way")
		for i, at := range ts {
			require.Equal(t, i%2 == 1, nw.Up(1, 2, at), "state right at toggle %d", i)
			if at > 0 {
				require.Equal(t, i%2 == 0, nw.Up(1, 2, at-1), "state just before toggle %d", i)
			}
		}
	})
}

func TestFlapDeterministicAndHeal(t *testing.T) {
	a, b := newNet(t, 2, fast), newNet(t, 2, fast)
	require.NoError(t, a.Flap(1, 2, 0, 1e9, 1e6, 2e6))
	require.NoError(t, b.Flap(1, 2, 0, 1e9, 1e6, 2e6))
	require.Equal(t, a.links[1].flap, b.links[1].flap)
	require.Greater(t, len(a.links[1].flap), 100)
	require.False(t, a.Up(1, 2, 0))
	require.NoError(t, a.Heal(1, 2))
	require.True(t, a.Up(1, 2, 0))
}

// TestPartitionProperty: for any groups and any traffic, no message crosses
// a cut, and every message between nodes of one group arrives (loss 0).
func TestPartitionProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 7).Draw(t, "nodes")
		nw, err := New[msg](n, Options{Link: fast}, prng.New(rapid.Uint64().Draw(t, "seed")))
		require.NoError(t, err)
		group := make([]int, n+1)
		ng := rapid.IntRange(1, 4).Draw(t, "groups")
		groups := make([][]int, ng)
		for id := 1; id <= n; id++ {
			g := rapid.IntRange(-1, ng-1).Draw(t, "group") // -1: in no group
			group[id] = g
			if g >= 0 {
				groups[g] = append(groups[g], id)
			}
		}
		require.NoError(t, nw.Partition(groups))
		w := newWorld(nw)
		sends := rapid.SliceOfN(rapid.IntRange(0, n*n-1), 1, 60).Draw(t, "sends")
		for i, s := range sends {
			w.send(s/n+1, s%n+1, i)
		}
		w.run(1e9)
		require.Zero(t, w.cut)
		for i, s := range sends {
			from, to := s/n+1, s%n+1
			same := from == to || (group[from] >= 0 && group[from] == group[to])
			require.Equal(t, same, w.got[i] == 1, "%d->%d groups %v", from, to, groups)
		}
	})
}
