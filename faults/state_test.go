package faults

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCalmSpans(t *testing.T) {
	s := Schedule{Nodes: 3, QuietAtNs: ms(10000), EndNs: ms(12000), Actions: []Action{
		{AtNs: ms(1000), Kind: Crash, Node: 2},
		{AtNs: ms(2000), Kind: Restart, Node: 2},
		{AtNs: ms(3000), Kind: IsolateLeader, UntilNs: ms(5000)},
		{AtNs: ms(4000), Kind: Drift, Node: 1, DriftPPM: 100},
		{AtNs: ms(4500), Kind: Drift, Node: 1},
		{AtNs: ms(7000), Kind: Cut, From: 1, To: 3},
		{AtNs: ms(10000), Kind: Heal},
	}}
	require.NoError(t, s.Validate())
	require.Equal(t, [][2]int64{{0, ms(1000)}, {ms(2000), ms(3000)}, {ms(5000), ms(7000)}}, s.CalmSpans())
	require.Equal(t, [][2]int64{{0, ms(10000)}}, Schedule{Nodes: 3, QuietAtNs: ms(10000), EndNs: ms(12000)}.CalmSpans())
}
