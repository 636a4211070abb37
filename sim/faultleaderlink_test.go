package sim

import (
	"testing"

	"github.com/faultline-sim/faultline/faults"
	"github.com/stretchr/testify/require"
)

// leaderAt is the node whose span covers atNs, 0 if none.
func leaderAt(tl Timeline, atNs int64) int {
	for _, s := range tl.Leaders {
		if s.StartNs <= atNs && atNs < s.EndNs {
			return s.Node
		}
	}
	return 0
}

// TestLeaderLinkFollowsTheLeader: two overlapping windows on the same
// leader-relative link cut one link, that of the leader at their start, and
// heal it only when the second ends.
func TestLeaderLinkFollowsTheLeader(t *testing.T) {
	text := "nodes 3\nquiet 6s\nend 8s\n" +
		"2s leader-link L<->L+1 until=3s\n2.5s leader-link L+1<->L until=3.5s\n6s heal\n"
	s, err := faults.ParseText(text)
	require.NoError(t, err)
	for seed := uint64(1); seed <= 5; seed++ {
		o := Options{Nodes: 3, DurationNs: 8 * sNs, Faults: "none", Spares: -1, Schedule: &s,
			PreVote: On, CheckQuorum: On, ElectionTicks: 10, TickNs: 10 * msNs, HeartbeatTicks: 1}
		r, err := Run(seed, o)
		require.NoError(t, err)
		require.Equal(t, Pass, r.Verdict, r.Violation)
		lead := leaderAt(r.Timeline, 2*sNs)
		require.NotZero(t, lead, "seed %d: a leader at 2s", seed)
		want := LinkSpan{A: min(lead, lead%3+1), B: max(lead, lead%3+1), StartNs: 2 * sNs, EndNs: 3500 * msNs}
		if leaderAt(r.Timeline, 2500*msNs) == lead {
			require.Equal(t, []LinkSpan{want}, r.Timeline.Links, "seed %d", seed)
		} else {
			require.Contains(t, r.Timeline.Links, LinkSpan{A: want.A, B: want.B, StartNs: 2 * sNs, EndNs: 3 * sNs})
		}
	}
}
