package faults

import (
	"slices"
	"testing"

	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/stretchr/testify/require"
)

func TestMembershipText(t *testing.T) {
	text := "nodes 5\nvoters 3\nquiet 10s\nend 12s\n" +
		"1.000s add-node n4\n1.000s replace-node n2->n5\n2.000s remove-node n1\n"
	s, err := ParseText(text)
	require.NoError(t, err)
	require.Equal(t, 3, s.Voters)
	require.Equal(t, []Action{{AtNs: ms(1000), Kind: AddNode, Node: 4},
		{AtNs: ms(1000), Kind: ReplaceNode, From: 2, To: 5}, {AtNs: ms(2000), Kind: RemoveNode, Node: 1}}, s.Actions)
	back, err := ParseText(s.String())
	require.NoError(t, err)
	require.Equal(t, s, back)

	for _, bad := range []struct{ text, want string }{
		{"nodes 3\nvoters 4\nquiet 1s\nend 2s\n", "voters: 4 is not in 0..3"},
		{"nodes 3\nquiet 1s\nend 2s\n0.5s add-node n4\n", "unknown node 4"},
		{"nodes 3\nquiet 1s\nend 2s\n0.5s replace-node n2->n2\n", "to itself"},
		{"nodes 3\nquiet 1s\nend 2s\n1s remove-node n2\n", "only healing actions"},
	} {
		_, err := ParseText(bad.text)
		require.ErrorContains(t, err, bad.want, bad.text)
	}
}

// TestGenerateMembership: each spare joins once (add or replace), removals
// keep a voter, requests come in time order before the last episode
// slot, the race plan opens config-split as the last spare joins, and
// schedules without spares have no requests.
func TestGenerateMembership(t *testing.T) {
	o := GenOptions{Nodes: 6, Voters: 4, DurationNs: 30 * sec, ElectionTimeoutNs: 200 * ms(1), Intensity: 30, MaxDriftPPM: 100_000}
	pairs, races := 0, 0
	for seed := range uint64(200) {
		s := Generate(prng.New(seed), o)
		require.Equal(t, 4, s.Voters)
		voters := []int{1, 2, 3, 4}
		joined := map[int]bool{}
		var last int64
		for _, a := range s.Actions {
			if !slices.Contains([]Kind{AddNode, RemoveNode, ReplaceNode}, a.Kind) {
				continue
			}
			require.LessOrEqual(t, a.AtNs, s.QuietAtNs-o.MinEpisodeNs())
			require.GreaterOrEqual(t, a.AtNs, last)
			if a.AtNs == last {
				pairs++
			}
			last = a.AtNs
			switch a.Kind {
			case AddNode:
				require.Greater(t, a.Node, 4)
				require.False(t, joined[a.Node])
				joined[a.Node] = true
				voters = append(voters, a.Node)
			case ReplaceNode:
				require.Contains(t, voters, a.From)
				require.False(t, joined[a.To])
				joined[a.To] = true
				voters[slices.Index(voters, a.From)] = a.To
			case RemoveNode:
				require.Contains(t, voters, a.Node)
				require.Greater(t, len(voters), 1)
				voters = slices.DeleteFunc(voters, func(v int) bool { return v == a.Node })
			}
		}
		split := slices.IndexFunc(s.Actions, func(a Action) bool { return a.Kind == ConfigSplit })
		if split < 0 {
			require.Equal(t, map[int]bool{5: true, 6: true}, joined, "seed %d:\n%s", seed, s)
			continue
		}
		// The race plan: the last spare joins as the window opens; a leave follows.
		races++
		require.True(t, joined[6], "seed %d:\n%s", seed, s)
		require.True(t, slices.ContainsFunc(s.Actions, func(a Action) bool {
			return a.Kind == AddNode && a.Node == 6 && a.AtNs == s.Actions[split].AtNs
		}), "seed %d:\n%s", seed, s)
		require.Len(t, voters, 4, "seed %d: an even number of voters after the race", seed)
	}
	require.Greater(t, pairs, 20, "some requests come two at once")
	require.Greater(t, races, 20, "some schedules draw the race plan")

	o.Voters = 0
	for seed := range uint64(50) {
		for _, a := range Generate(prng.New(seed), o).Actions {
			require.NotContains(t, []Kind{AddNode, RemoveNode, ReplaceNode}, a.Kind)
		}
	}
}
