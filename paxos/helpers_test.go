package paxos

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// fixedRand returns 0 always: timeouts are exactly ElectionTicks.
type fixedRand struct{}

func (fixedRand) IntN(int) int { return 0 }

func ids(n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = uint64(i + 1)
	}
	return out
}

func testConfig(id uint64, peers []uint64) Config {
	return Config{ID: id, Peers: peers, ElectionTicks: 10, HeartbeatTicks: 2, MaxEntriesPerMsg: 8, Rand: fixedRand{}}
}

func newTestNode(t *testing.T, id uint64, peers []uint64) *Node {
	t.Helper()
	n, err := New(testConfig(id, peers))
	require.NoError(t, err)
	return n
}

// drain hands out one Ready and advances past it.
func drain(t *testing.T, n *Node) Ready {
	t.Helper()
	rd := n.Ready()
	n.Advance()
	return rd
}

// msgsOf is the messages of the next Ready, filtered by type (0: all).
func msgsOf(t *testing.T, n *Node, typ MsgType) []Message {
	t.Helper()
	var out []Message
	for _, m := range drain(t, n).Messages {
		if typ == 0 || m.Type == typ {
			out = append(out, m)
		}
	}
	return out
}

func cmd(s string) Value { return Value{Data: []byte(s)} }

// elect makes node 1 of a 3-node cluster leader with ballot 1.1: its own
// promise and node 2's, with the given slots reported by node 2.
func elect(t *testing.T, reported ...Slot) *Node {
	t.Helper()
	n := newTestNode(t, 1, ids(3))
	for range 10 {
		n.Tick()
	}
	require.Equal(t, Candidate, n.role)
	b := n.promised
	drain(t, n)
	last := uint64(0)
	for _, s := range reported {
		last = max(last, s.Index)
	}
	n.Step(Message{Type: MsgPromise, From: 2, To: 1, Ballot: b, Index: 1, Last: last, Slots: reported})
	require.Equal(t, Leader, n.role)
	return n
}

// acceptorWith is node 2 of 3 holding the given slots and promise.
func acceptorWith(t *testing.T, promised Ballot, slots ...Slot) *Node {
	t.Helper()
	c := testConfig(2, ids(3))
	c.State = State{Promised: promised, Slots: slots}
	n, err := New(c)
	require.NoError(t, err)
	return n
}
