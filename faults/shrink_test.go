package faults

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestShrinkCandidatesValidAndSmaller is the shrinking property over
// generated schedules.
func TestShrinkCandidatesValidAndSmaller(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := generated(t)
		cands := s.ShrinkCandidates()
		if len(s.Actions) > 0 {
			require.NotEmpty(t, cands)
		}
		for _, c := range cands {
			require.NoError(t, c.Validate(), "%s", c)
			require.True(t, c.Size().Less(s.Size()), "%v !< %v", c.Size(), s.Size())
			require.Equal(t, s.Nodes, c.Nodes)
			require.Equal(t, s.QuietAtNs, c.QuietAtNs)
		}
	})
}

// shrink greedily takes the first candidate that still fails, to a fixpoint.
func shrink(s Schedule, fails func(Schedule) bool) Schedule {
	for range 10_000 {
		next := false
		for _, c := range s.ShrinkCandidates() {
			if fails(c) {
				s, next = c, true
				break
			}
		}
		if !next {
			return s
		}
	}
	panic("shrink did not converge")
}

func TestShrinkFindsTheCulprit(t *testing.T) {
	// "The run fails" whenever node 3 is ever crashed for at least 1s.
	fails := func(s Schedule) bool {
		for _, e := range episodes(s.Actions) {
			a := s.Actions[e.start]
			if a.Kind == Crash && a.Node == 3 && e.end >= 0 && s.Actions[e.end].AtNs-a.AtNs >= sec {
				return true
			}
		}
		return false
	}
	o := opts(5, 100)
	o.Kinds = []Kind{Crash, Partition, Link, Flap, Skew, Clog}
	found := 0
	for seed := range uint64(40) {
		s := genSeed(seed, o)
		if !fails(s) {
			continue
		}
		found++
		small := shrink(s, fails)
		require.Len(t, small.Actions, 2, "%s", small)
		require.Equal(t, Crash, small.Actions[0].Kind)
		require.Equal(t, Restart, small.Actions[1].Kind)
		d := small.Actions[1].AtNs - small.Actions[0].AtNs
		require.True(t, d >= sec && d < 2*sec, "halving stops near the threshold: %d", d)
	}
	require.Positive(t, found)
	// With a predicate that always fails, everything goes.
	require.Empty(t, shrink(genSeed(1, opts(5, 100)), func(Schedule) bool { return true }).Actions)
}

func TestShrinkKeepsSharedHeal(t *testing.T) {
	s := sched(
		Action{AtNs: ms(1000), Kind: OneWay, From: 1, To: 2},
		Action{AtNs: ms(2000), Kind: Cut, From: 3, To: 4},
		Action{AtNs: ms(5000), Kind: Heal},
	)
	var texts []string
	for _, c := range s.ShrinkCandidates() {
		texts = append(texts, c.String())
	}
	// Dropping the oneway alone keeps the heal the cut needs.
	require.Contains(t, texts, sched(s.Actions[1], s.Actions[2]).String())
	require.Contains(t, texts, sched(s.Actions[0], s.Actions[2]).String())
	for _, c := range s.ShrinkCandidates() {
		require.NoError(t, c.Validate())
	}
}

func TestSizeAndUsesNodes(t *testing.T) {
	s := sched(
		Action{AtNs: 10, Kind: Crash, Node: 4},
		Action{AtNs: 20, Kind: Flap, From: 2, To: 5, UntilNs: 50, MinUpNs: 1, MinDownNs: 1},
		Action{AtNs: 30, Kind: Restart, Node: 4},
		Action{AtNs: 40, Kind: CrashLeader, UntilNs: 45},
	)
	require.Equal(t, Size{Actions: 4, EndWeightNs: 30 + 30 + 5}, s.Size())
	require.Equal(t, []int{2, 4, 5}, s.UsesNodes())
	require.True(t, Size{3, 100}.Less(Size{4, 0}))
	require.True(t, Size{3, 99}.Less(Size{3, 100}))
	require.False(t, Size{3, 100}.Less(Size{3, 100}))
	require.Empty(t, Schedule{Nodes: 1}.UsesNodes())

}
