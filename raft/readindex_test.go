package raft

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Read modes (§6.4): ReadIndex confirmed by a heartbeat round; lease reads.

// collectReads records every ReadState the nodes hand out.
func collectReads(nw *network) map[uint64][]ReadState {
	got := map[uint64][]ReadState{}
	nw.onReady = func(id uint64, rd Ready) { got[id] = append(got[id], rd.ReadStates...) }
	return got
}

// ReadIndex confirms leadership: a majority acks a heartbeat carrying ctx; a
// partitioned old leader never answers, even after a new leader commits.
func TestReadIndex_ConfirmsLeadership(t *testing.T) {
	nw := newNetwork(t, 3)
	reads := collectReads(nw)
	l := nw.tickUntilLeader(100)
	nw.propose(l, "a")
	nw.stabilize()
	require.NoError(t, nw.nodes[l].ReadIndex([]byte("r1")))
	nw.process(l)
	require.Empty(t, reads[l], "not before the heartbeat round")
	nw.stabilize()
	require.Equal(t, []ReadState{{Index: nw.nodes[l].log.committed, Ctx: []byte("r1")}}, reads[l])

	f := nw.peers[0]
	if f == l {
		f = nw.peers[1]
	}
	err := nw.nodes[f].ReadIndex([]byte("r2"))
	require.ErrorIs(t, err, ErrNotLeader, "followers refuse: the host redirects")
	require.ErrorIs(t, nw.nodes[l].ReadIndex(nil), ErrReadIndexDropped)

	nw.isolate(l)
	require.NoError(t, nw.nodes[l].ReadIndex([]byte("stale")))
	nw.process(l)
	for i := 0; i < 100 && nw.leader() == l; i++ {
		nw.tick(1)
	}
	nl := nw.leader()
	require.NotEqual(t, l, nl)
	nw.propose(nl, "b")
	nw.tick(3)
	require.Equal(t, Leader, nw.nodes[l].role, "still believes it leads (CheckQuorum off)")
	require.Len(t, reads[l], 1, "the partitioned old leader cannot confirm the read")
	nw.heal()
	nw.tick(3)
	require.Equal(t, Follower, nw.nodes[l].role)
	require.Len(t, reads[l], 1, "dropped on stepping down")
}

// A leader that has not committed an entry of its term defers the read
// until it has, and reads at that commit index.
func TestReadIndex_DeferredUntilCommitInTerm(t *testing.T) {
	n := newTestNode(t, 1, ids(3))
	campaignPersisted(t, n)
	require.NoError(t, n.Step(Message{Type: MsgVoteResp, From: 2, To: 1, Term: 1}))
	require.Equal(t, Leader, n.role)
	readMsgs(t, n)
	require.NoError(t, n.ReadIndex([]byte("x")))
	require.Empty(t, readMsgs(t, n), "no heartbeat round before a commit in term")
	require.NoError(t, n.Step(Message{Type: MsgAppResp, From: 2, To: 1, Term: 1, Index: 1}))
	var hb []Message
	for _, m := range readMsgs(t, n) {
		if m.Type == MsgHeartbeat {
			hb = append(hb, m)
			require.Equal(t, []byte("x"), m.Context)
		}
	}
	require.Len(t, hb, 2)
	require.NoError(t, n.Step(Message{Type: MsgHeartbeatResp, From: 3, To: 1, Term: 1, Context: []byte("x")}))
	rd := persist(t, n)
	require.Equal(t, []ReadState{{Index: 1, Ctx: []byte("x")}}, rd.ReadStates)
}

// A single-voter leader confirms reads on its own.
func TestReadIndex_SingleVoter(t *testing.T) {
	n := newTestNode(t, 1, ids(1))
	n.Campaign()
	persist(t, n)
	require.NoError(t, n.ReadIndex([]byte("solo")))
	require.Equal(t, []ReadState{{Index: 1, Ctx: []byte("solo")}}, persist(t, n).ReadStates)
}

// The lease lasts ElectionTicks - LeaseMarginTicks - 1 ticks from the last
// heartbeat a majority acked; LeaseIgnoresDrift stretches it to ElectionTicks.
func TestLeaseRead_ExpiresAfterElectionTicksMinusMargin(t *testing.T) {
	for _, ignore := range []bool{false, true} {
		t.Run(map[bool]string{false: "safe", true: "LeaseIgnoresDrift"}[ignore], func(t *testing.T) {
			nw := newNetwork(t, 3, func(c *Config) {
				c.CheckQuorum, c.LeaseMarginTicks, c.Defects.LeaseIgnoresDrift = true, 3, ignore
			})
			l := nw.tickUntilLeader(100)
			nw.tick(2)
			idx, ok := nw.nodes[l].LeaseRead()
			require.True(t, ok)
			require.Equal(t, nw.nodes[l].log.committed, idx)
			nw.isolate(l)
			valid := 0
			for k := 1; k <= 12 && nw.nodes[l].role == Leader; k++ {
				nw.nodes[l].Tick()
				nw.process(l)
				if _, ok := nw.nodes[l].LeaseRead(); ok {
					valid = k
				}
			}
			want := 10 - 3 - 1 - 1 // ticks k with k < lease
			if ignore {
				want = 9
			}
			require.Equal(t, want, valid)
		})
	}
	n := newTestNode(t, 1, ids(3))
	n.Campaign()
	_, ok := n.LeaseRead()
	require.False(t, ok, "followers, candidates and CheckQuorum off: no lease")
}

// A read pending on the ack of a voter the leader then removes is confirmed
// by the new configuration's quorum, as a commit would be (seed 3892 of the
// default sweep: {1,2} -> {1} left it pending, the client retrying forever).
func TestReadIndex_ConfirmedWhenRemovalShrinksQuorum(t *testing.T) {
	nw := newNetwork(t, 2)
	reads := collectReads(nw)
	l := nw.tickUntilLeader(100)
	nw.propose(l, "a")
	nw.stabilize()
	other := nw.peers[0]
	if other == l {
		other = nw.peers[1]
	}
	nw.isolate(other)
	require.NoError(t, nw.nodes[l].ReadIndex([]byte("r")))
	nw.process(l)
	require.Empty(t, reads[l], "waits for the other voter's ack")
	_, _, err := nw.nodes[l].ProposeConfChange(cc(true, removeNode(other)))
	require.NoError(t, err)
	nw.process(l)
	require.Len(t, reads[l], 1, "the removal leaves the leader a quorum of one")
	require.Equal(t, []byte("r"), reads[l][0].Ctx)
}
