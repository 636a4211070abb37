package sim

import (
	"testing"

	"github.com/faultline-sim/faultline/clock"
	"github.com/faultline-sim/faultline/replica"
	"github.com/stretchr/testify/require"
)

// stuck, the span behind the "not now" and joint-left checks, fires only
// after stuckElections election timeouts of polls of one leader, term and
// key, once that leader committed and applied an entry above the span's
// start; a new key, a new term or a gap in the polls starts it anew.
func TestStuckSpan(t *testing.T) {
	w := &world{o: Options{TickNs: 10, ElectionTicks: 10}, loop: clock.NewLoop[event](16)}
	at := func(ns int64) { // move the loop's clock to ns
		w.push(ns, event{})
		w.loop.Run(ns, 1, func(int64, event) {})
	}
	var s waitSpan
	st := &replica.Status{Epoch: 3, Commit: 10, Applied: 10}
	bound := int64(stuckElections * 10 * 10)
	require.False(t, w.stuck(&s, 1, st, 7), "the first poll starts the span")
	for ns := int64(10); ns <= bound+10; ns += 10 {
		at(ns)
		require.False(t, w.stuck(&s, 1, st, 7), "no commit of its own yet at %d ns", ns)
	}
	st.Commit = 11 // committed, not applied yet
	at(bound + 20)
	require.False(t, w.stuck(&s, 1, st, 7))
	st.Applied = 11
	at(bound + 30)
	require.True(t, w.stuck(&s, 1, st, 7), "committed and applied past the bound")

	s = waitSpan{}
	require.False(t, w.stuck(&s, 1, st, 7))
	at(bound + 40)
	st.Commit, st.Applied = 12, 12
	require.False(t, w.stuck(&s, 1, st, 8), "a new key starts anew")
	at(bound + 200) // a gap of more than two rounds of polls (20 ns here)
	require.False(t, w.stuck(&s, 1, st, 8), "a gap starts anew")
	require.Equal(t, bound+200, s.sinceNs)
}
