package faults

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// disk-stall windows are drawn only when named (an empty list names every
// kind), last 6 to 12 election timeouts within the fault phase, never
// overlap, and leave the other kinds' draws as they were.
func TestDiskStallsWhenNamed(t *testing.T) {
	for seed := range uint64(200) {
		o := opts(5, 100)
		o.Kinds = []Kind{Crash, Partition}
		base := genSeed(seed, o)
		o.Kinds = append(o.Kinds, DiskStall)
		s := genSeed(seed, o)
		var rest []Action
		prevEnd := int64(-1)
		for _, a := range s.Actions {
			if a.Kind != DiskStall {
				rest = append(rest, a)
				continue
			}
			require.Greater(t, a.AtNs, prevEnd, "seed %d: overlapping windows", seed)
			d := a.UntilNs - a.AtNs
			require.GreaterOrEqual(t, d, 6*o.ElectionTimeoutNs)
			require.LessOrEqual(t, d, 12*o.ElectionTimeoutNs)
			require.LessOrEqual(t, a.UntilNs, s.QuietAtNs)
			prevEnd = a.UntilNs
		}
		require.Positive(t, prevEnd, "seed %d: no disk-stall drawn", seed)
		require.Equal(t, base.Actions, rest, "seed %d: the other draws moved", seed)
	}
}

func TestDiskStallTextAndOverlap(t *testing.T) {
	s, err := ParseText("nodes 3\nend 60s\nquiet 40s\n1s disk-stall until=3s\n40s heal\n")
	require.NoError(t, err)
	require.Equal(t, Action{AtNs: 1e9, Kind: DiskStall, UntilNs: 3e9}, s.Actions[0])
	require.NoError(t, s.Validate())
	s.Actions = append([]Action{s.Actions[0], {AtNs: 2e9, Kind: DiskStall, UntilNs: 4e9}}, s.Actions[1:]...)
	require.ErrorContains(t, s.Validate(), "a disk-stall window is open until 3.000000000")
}
