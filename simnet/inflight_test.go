package simnet

import (
	"testing"

	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/stretchr/testify/require"
)

// TestInFlightRule: a copy crosses only if the link is up at send and at
// arrival; a clog at arrival holds it until Unclog.
func TestInFlightRule(t *testing.T) {
	nw := newNet(t, 2, LinkOptions{LatencyMinNs: 100, LatencyMaxNs: 100})

	d := nw.Send(0, 1, 2, msg{id: 1})[0]
	require.NoError(t, nw.Cut(1, 2))
	require.NoError(t, nw.Heal(1, 2)) // cut and healed while in flight: not seen
	_, ok := nw.Arrive(100, d)
	require.True(t, ok)

	d = nw.Send(0, 1, 2, msg{id: 2})[0]
	require.NoError(t, nw.Cut(1, 2))
	_, ok = nw.Arrive(100, d)
	require.False(t, ok, "down at arrival: dropped")
	require.NoError(t, nw.Heal(1, 2))
	require.Equal(t, uint64(1), nw.Counters(1, 2).DroppedPartition)

	require.Len(t, nw.Send(0, 2, 1, msg{}), 1, "Cut(1, 2) leaves 2 -> 1 up")
	require.NoError(t, nw.Cut(2, 1))
	require.Empty(t, nw.Send(0, 2, 1, msg{id: 3}), "down at send: dropped")

	d = nw.Send(200, 1, 2, msg{id: 4})[0]
	require.NoError(t, nw.Clog(1, 2))
	require.Empty(t, nw.Send(200, 1, 2, msg{id: 5}), "clogged at send: held")
	_, ok = nw.Arrive(300, d)
	require.False(t, ok, "clogged at arrival: held")
	rel, err := nw.Unclog(1000, 1, 2)
	require.NoError(t, err)
	require.Len(t, rel, 2)
	require.Equal(t, []int{5, 4}, []int{rel[0].Msg.id, rel[1].Msg.id}, "released in hold order: 5 held at send, 4 at arrival")
	for _, r := range rel {
		require.Equal(t, int64(1100), r.AtNs)
		m, ok := nw.Arrive(r.AtNs, r)
		require.True(t, ok)
		require.NotZero(t, m.id)
	}
	c := nw.Counters(1, 2)
	require.Equal(t, uint64(2), c.Clogged)
	require.Equal(t, uint64(3), c.Delivered)
	require.Zero(t, c.InFlight)
	require.True(t, nw.Totals().Balanced(), nw.Totals().String())
	require.Panics(t, func() { nw.Arrive(0, Delivery[msg]{From: 1, To: 2, AtNs: 5}) })
}

func TestClogOverflow(t *testing.T) {
	nw, err := New[msg](2, Options{Link: fast, MaxHeld: 3}, prng.New(1))
	require.NoError(t, err)
	require.NoError(t, nw.Clog(1, 2))
	for range 5 {
		require.Empty(t, nw.Send(0, 1, 2, msg{}))
	}
	c := nw.Counters(1, 2)
	require.Equal(t, uint64(2), c.DroppedOverflow)
	require.Equal(t, uint64(3), c.InFlight)
	rel := nw.UnclogAll(10)
	require.Len(t, rel, 3)
	require.False(t, nw.Clogged(1, 2))
}
