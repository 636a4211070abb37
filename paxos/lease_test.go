package paxos

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// lateRand makes every timeout 2*ElectionTicks-1: no campaign in the tests.
type lateRand struct{}

func (lateRand) IntN(n int) int { return n - 1 }

// leaseNode is node id of 3 with leases on (margin 2 of ElectionTicks 10).
func leaseNode(t *testing.T, id uint64, r Rand) *Node {
	t.Helper()
	c := testConfig(id, ids(3))
	c.Lease, c.LeaseMarginTicks, c.Rand = true, 2, r
	n, err := New(c)
	require.NoError(t, err)
	return n
}

// An acceptor that heard its leader ignores another proposer's Prepare for
// ElectionTicks of its ticks, then grants it.
func TestLease_AcceptorRefusesPrepareInLease(t *testing.T) {
	n := leaseNode(t, 2, lateRand{})
	for range 10 {
		n.Tick() // past the boot lease
	}
	n.Step(Message{Type: MsgHeartbeat, From: 1, To: 2, Ballot: MakeBallot(1, 1), Stamp: 7})
	acks := msgsOf(t, n, MsgHeartbeatResp)
	require.Len(t, acks, 1)
	require.Equal(t, uint64(7), acks[0].Stamp, "the ack echoes the leader's stamp")
	for range 9 {
		n.Tick()
		n.Step(Message{Type: MsgPrepare, From: 3, To: 2, Ballot: MakeBallot(2, 3), Index: 1})
		require.Empty(t, msgsOf(t, n, 0), "in the lease of leader 1")
	}
	require.Equal(t, MakeBallot(1, 1), n.promised)
	n.Tick()
	n.Step(Message{Type: MsgPrepare, From: 3, To: 2, Ballot: MakeBallot(2, 3), Index: 1})
	ps := msgsOf(t, n, MsgPromise)
	require.Len(t, ps, 1)
	require.False(t, ps[0].Reject)
	require.Equal(t, MakeBallot(2, 3), n.promised)
}

// A booted acceptor may have acked a heartbeat before it crashed: it
// refuses Prepares for ElectionTicks after the boot. Without leases it
// grants at once.
func TestLease_BootFence(t *testing.T) {
	n := leaseNode(t, 2, lateRand{})
	n.Step(Message{Type: MsgPrepare, From: 3, To: 2, Ballot: MakeBallot(2, 3), Index: 1})
	require.Empty(t, msgsOf(t, n, 0))
	for range 10 {
		n.Tick()
	}
	n.Step(Message{Type: MsgPrepare, From: 3, To: 2, Ballot: MakeBallot(2, 3), Index: 1})
	require.Len(t, msgsOf(t, n, MsgPromise), 1)

	off := newTestNode(t, 2, ids(3))
	off.Step(Message{Type: MsgPrepare, From: 3, To: 2, Ballot: MakeBallot(2, 3), Index: 1})
	require.Len(t, msgsOf(t, off, MsgPromise), 1)
}

// The defect grants a Prepare inside the lease.
func TestDefect_PrepareInLease(t *testing.T) {
	c := testConfig(2, ids(3))
	c.Lease, c.Defects = true, Defects{PrepareInLease: true}
	n, err := New(c)
	require.NoError(t, err)
	n.Step(Message{Type: MsgPrepare, From: 3, To: 2, Ballot: MakeBallot(2, 3), Index: 1})
	require.Len(t, msgsOf(t, n, MsgPromise), 1)
}

// The leader serves lease reads while a majority acked a heartbeat stamped
// less than ElectionTicks-LeaseMarginTicks-1 ticks ago, at next-1.
func TestLease_LeaderReadNeedsFreshMajority(t *testing.T) {
	n := leaseNode(t, 1, fixedRand{})
	for range 10 {
		n.Tick()
	}
	b := n.promised
	drain(t, n)
	n.Step(Message{Type: MsgPromise, From: 2, To: 1, Ballot: b, Index: 1})
	require.Equal(t, Leader, n.role)
	_, ok := n.LeaseRead()
	require.False(t, ok, "no heartbeat acked yet")
	hb := msgsOf(t, n, MsgHeartbeat)
	require.NotEmpty(t, hb)
	stamp := hb[0].Stamp
	require.Equal(t, n.ticks, stamp)
	n.Step(Message{Type: MsgHeartbeatResp, From: 3, To: 1, Ballot: MakeBallot(9, 2), Stamp: stamp})
	_, ok = n.LeaseRead()
	require.False(t, ok, "an ack of another ballot does not count")
	n.Step(Message{Type: MsgHeartbeatResp, From: 3, To: 1, Ballot: b, Stamp: stamp})
	idx, ok := n.LeaseRead()
	require.True(t, ok)
	require.Equal(t, n.ldr.next-1, idx)
	for range 6 { // lease = 10-2-1 = 7 ticks from the stamp
		n.Tick()
	}
	_, ok = n.LeaseRead()
	require.True(t, ok)
	n.ticks++ // without the heartbeat round a Tick would send
	_, ok = n.LeaseRead()
	require.False(t, ok, "the lease expired")
}

// Leases off: LeaseRead never vouches.
func TestLease_OffNeverVouches(t *testing.T) {
	n := elect(t)
	n.Step(Message{Type: MsgHeartbeatResp, From: 2, To: 1, Ballot: n.promised, Stamp: n.ticks})
	_, ok := n.LeaseRead()
	require.False(t, ok)
}

// The lease observations: the boot fence rides on the first Ready ahead of
// everything, an acked heartbeat reports the tick its lease ends at, and a
// granted Prepare the tick it was granted.
func TestLeaseObservations(t *testing.T) {
	n := leaseNode(t, 2, lateRand{})
	require.False(t, n.HasReady(), "a boot alone makes no Ready")
	n.Step(Message{Type: MsgHeartbeat, From: 1, To: 2, Ballot: MakeBallot(1, 1)})
	rd := n.Ready()
	require.Equal(t, []Observation{
		{Kind: ObsLease, Node: 2, Index: 10},
		{Kind: ObsLease, Node: 2, Ballot: MakeBallot(1, 1), Index: 10},
	}, rd.Observations)
	n.Advance()
	for range 10 {
		n.Tick()
	}
	n.Step(Message{Type: MsgPrepare, From: 3, To: 2, Ballot: MakeBallot(2, 3), Index: 1})
	rd = n.Ready()
	require.Equal(t, []Observation{{Kind: ObsPromise, Node: 2, Ballot: MakeBallot(2, 3), Index: 10}}, rd.Observations)
}
