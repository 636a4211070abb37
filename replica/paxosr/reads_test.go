package paxosr

import (
	"testing"

	"github.com/faultline-sim/faultline/paxos"
	"github.com/stretchr/testify/require"
)

func readStates(ctxs ...string) []paxos.ReadState {
	var rs []paxos.ReadState
	for _, c := range ctxs {
		rs = append(rs, paxos.ReadState{Ctx: []byte(c)})
	}
	return rs
}

// Reads confirmed in asking order pass; a retry's copy with the same ctx is
// answered in turn; reads dropped with an earlier leadership may be passed over.
func TestReadOrderAccepts(t *testing.T) {
	var o readOrder
	o.took([]byte("a"), b(1, 1))
	o.took([]byte("b"), b(1, 1))
	o.took([]byte("b"), b(1, 1))
	o.handed(1, readStates("a", "b"))
	o.handed(1, readStates("b"))
	require.Empty(t, o.asked)

	o.took([]byte("x"), b(2, 1)) // dropped at the step-down from 2.1
	o.took([]byte("y"), b(2, 1))
	o.took([]byte("y"), b(4, 1)) // the client retries with the same ctx in 4.1
	o.took([]byte("z"), b(4, 1))
	o.handed(1, readStates("y", "z"))
	require.Empty(t, o.asked)
}

// A read confirmed before an earlier one of its own ballot, or never asked, panics.
func TestReadOrderPanics(t *testing.T) {
	var o readOrder
	o.took([]byte("a"), b(1, 1))
	o.took([]byte("b"), b(1, 1))
	require.PanicsWithValue(t, `paxos: invariant broken: node 1 confirmed read "b" of ballot 1.1 before read "a" it was asked earlier in ballot 1.1`,
		func() { o.handed(1, readStates("b")) })

	var p readOrder
	p.took([]byte("a"), b(1, 1))
	p.handed(1, readStates("a"))
	require.Panics(t, func() { p.handed(1, readStates("a")) }, "confirmed twice")
}
