package faults

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestScenarios(t *testing.T) {
	s := sched()
	s.Actions = Merge(
		TermInflation(3, 2*sec, 15*sec),
		SplitBrain(5, 20*sec, 5*sec),
		LeaderFlap(1, 2, 4, sec, 4*sec, ms(100), ms(50)),
		RollingRestart(2, 25*sec, sec, ms(500)),
	)
	s = Quiesce(s)
	require.NoError(t, s.Validate())
	require.Equal(t, `# faultline fault schedule
nodes 5
quiet 30s
end 40s
1.000s flap n1<->n2 until=5s up>=100ms down>=50ms
1.000s flap n1<->n4 until=5s up>=100ms down>=50ms
2.000s isolate n3
17.000s heallink n3<->*
20.000s partition {1,2} | {3,4,5}
25.000s heallink *<->*
25.000s crash n1
26.000s restart n1
26.500s crash n2
27.500s restart n2
`, s.String())
	require.Equal(t, []int{1, 2, 3, 4, 5}, s.UsesNodes())
	require.Equal(t, [][]int{{1}, {2, 3}}, SplitBrain(3, 0, 1)[0].Groups)
}

func TestMergeIsStable(t *testing.T) {
	a := []Action{{AtNs: 5, Kind: Heal}, {AtNs: 9, Kind: Crash, Node: 1}}
	b := []Action{{AtNs: 5, Kind: Crash, Node: 2}, {AtNs: 1, Kind: Pause, Node: 3}}
	got := Merge(a, b)
	require.Equal(t, []Action{b[1], a[0], b[0], a[1]}, got)
	got[0].Node = 9
	require.Equal(t, 3, b[1].Node, "Merge copies")
}

func TestQuiesceHealsEverything(t *testing.T) {
	s := sched(
		Action{AtNs: ms(1), Kind: Crash, Node: 2},
		Action{AtNs: ms(2), Kind: Pause, Node: 4},
		Action{AtNs: ms(3), Kind: OneWay, From: 1, To: 5},
		Action{AtNs: ms(4), Kind: Drift, Node: 1, DriftPPM: 300},
		Action{AtNs: ms(5), Kind: Skew, Node: 1, OffsetNs: ms(20)},
		Action{AtNs: ms(6), Kind: Clog, From: 3, To: 2},
	)
	require.ErrorContains(t, s.Validate(), "node 1 still drifts +300ppm (add drift n1 0ppm)")
	q := Quiesce(s)
	require.NoError(t, q.Validate())
	require.Equal(t, []Action{
		{AtNs: 30 * sec, Kind: Heal},
		{AtNs: 30 * sec, Kind: Drift, Node: 1},
		{AtNs: 30 * sec, Kind: Restart, Node: 2},
		{AtNs: 30 * sec, Kind: Resume, Node: 4},
		{AtNs: 30 * sec, Kind: Unclog, From: 3, To: 2},
	}, q.Actions[len(s.Actions):], "skew is kept")
	require.Len(t, s.Actions, 6, "Quiesce copies")
}
