package paxos

// Tests that follow the Paxos rules of the seed lectures (何登成, "Paxos/Raft
// 分布式一致性算法原理剖析"; Ongaro's Paxos lecture) one by one, in the manner
// of our Raft's paper tests. Each test names its rule.

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Proposal ID: (round, server id), globally unique, ordered by round then id.
func TestRule_BallotOrderRoundThenID(t *testing.T) {
	require.Less(t, MakeBallot(3, 5), MakeBallot(4, 1))
	require.Less(t, MakeBallot(4, 1), MakeBallot(4, 5))
	b := MakeBallot(7, 3)
	require.Equal(t, uint64(7), b.Round())
	require.Equal(t, uint64(3), b.Node())
}

// Proposal ID: a proposer takes the highest round it has seen, plus one.
func TestRule_CampaignRoundAboveEverySeen(t *testing.T) {
	n := newTestNode(t, 1, ids(3))
	n.Step(Message{Type: MsgHeartbeat, From: 3, To: 1, Ballot: MakeBallot(6, 3)})
	drain(t, n)
	n.campaign()
	require.Equal(t, MakeBallot(7, 1), n.promised)
	prepares := msgsOf(t, n, MsgPrepare)
	require.Len(t, prepares, 2)
	for _, m := range prepares {
		require.Equal(t, MakeBallot(7, 1), m.Ballot)
		require.Equal(t, uint64(1), m.Index, "phase 1 covers every slot past the commit index")
	}
}

// Two promises: no more answers to a Prepare with an ID <= the promised one.
func TestRule_PrepareEqualOrLowerRefused(t *testing.T) {
	for _, b := range []Ballot{MakeBallot(5, 3), MakeBallot(5, 1), MakeBallot(4, 3)} {
		n := acceptorWith(t, MakeBallot(5, 3))
		n.Step(Message{Type: MsgPrepare, From: 1, To: 2, Ballot: b, Index: 1})
		rd := drain(t, n)
		require.Len(t, rd.Messages, 1)
		m := rd.Messages[0]
		require.True(t, m.Reject, "ballot %d.%d", b.Round(), b.Node())
		require.Equal(t, MakeBallot(5, 3), m.Ballot, "a refusal names the higher promise")
		require.Zero(t, rd.Promised)
		require.Empty(t, rd.Observations)
	}
}

// Two promises: no more accepts of an Accept with an ID < the promised one;
// an equal one is accepted.
func TestRule_AcceptLowerRefusedEqualAccepted(t *testing.T) {
	n := acceptorWith(t, MakeBallot(5, 3))
	n.Step(Message{Type: MsgAccept, From: 1, To: 2, Ballot: MakeBallot(5, 1), Slots: []Slot{{Index: 1, Value: cmd("x")}}})
	rd := drain(t, n)
	require.True(t, rd.Messages[0].Reject)
	require.Empty(t, rd.Slots)
	s, _ := n.slot(1)
	require.Nil(t, s, "nothing accepted")

	n.Step(Message{Type: MsgAccept, From: 3, To: 2, Ballot: MakeBallot(5, 3), Slots: []Slot{{Index: 1, Value: cmd("y")}}})
	rd = drain(t, n)
	require.False(t, rd.Messages[0].Reject)
	require.Equal(t, []Slot{{Index: 1, Ballot: MakeBallot(5, 3), Value: cmd("y")}}, rd.Slots)
}

// One reply: a promise returns the accepted value of the highest ID per
// slot, from the slot asked for on.
func TestRule_PromiseReportsAccepted(t *testing.T) {
	n := acceptorWith(t, MakeBallot(2, 3),
		Slot{Index: 1, Ballot: MakeBallot(1, 1), Value: cmd("a")},
		Slot{Index: 3, Ballot: MakeBallot(2, 3), Value: cmd("c")})
	n.Step(Message{Type: MsgPrepare, From: 1, To: 2, Ballot: MakeBallot(3, 1), Index: 2})
	rd := drain(t, n)
	require.Equal(t, MakeBallot(3, 1), rd.Promised)
	require.Len(t, rd.Messages, 1)
	m := rd.Messages[0]
	require.False(t, m.Reject)
	require.Equal(t, []Slot{{Index: 3, Ballot: MakeBallot(2, 3), Value: cmd("c")}}, m.Slots, "slot 1 is below Index; slot 2 is a hole")
	require.Equal(t, uint64(3), m.Last)
}

// Durable before reply: the promise and the Promise leave in one batch that
// must be synced first; so do an accept and its Accepted.
func TestRule_DurableBeforeReply(t *testing.T) {
	n := acceptorWith(t, 0)
	n.Step(Message{Type: MsgPrepare, From: 1, To: 2, Ballot: MakeBallot(1, 1), Index: 1})
	rd := drain(t, n)
	require.True(t, rd.MustSync)
	require.Equal(t, MakeBallot(1, 1), rd.Promised)
	require.Equal(t, MsgPromise, rd.Messages[0].Type)
	require.Equal(t, []Observation{{Kind: ObsPromise, Node: 2, Ballot: MakeBallot(1, 1)}}, rd.Observations)

	n.Step(Message{Type: MsgAccept, From: 1, To: 2, Ballot: MakeBallot(1, 1), Slots: []Slot{{Index: 1, Value: cmd("x")}}})
	rd = drain(t, n)
	require.True(t, rd.MustSync)
	require.Len(t, rd.Slots, 1)
	require.Equal(t, MsgAccepted, rd.Messages[0].Type)
	require.Equal(t, ObsAccept, rd.Observations[0].Kind)
}

// Proposal rule: a proposer with a majority of promises takes the value of
// the highest accepted ID; a slot no promise filled becomes a no-op.
func TestRule_NewLeaderAdoptsHighestAcceptedAndFillsHoles(t *testing.T) {
	n := newTestNode(t, 1, ids(3))
	n.log = []Slot{{Index: 1, Ballot: MakeBallot(1, 3), Value: cmd("old")}}
	for range 10 {
		n.Tick()
	}
	b := n.promised
	drain(t, n)
	n.Step(Message{Type: MsgPromise, From: 2, To: 1, Ballot: b, Index: 1, Last: 3, Slots: []Slot{
		{Index: 1, Ballot: MakeBallot(2, 2), Value: cmd("newer")},
		{Index: 3, Ballot: MakeBallot(1, 2), Value: cmd("z")},
	}})
	require.Equal(t, Leader, n.role)
	want := []Value{cmd("newer"), {Noop: true}, cmd("z")}
	for i, v := range want {
		s, _ := n.slot(uint64(i + 1))
		require.Equal(t, v, s.Value, "slot %d", i+1)
		require.Equal(t, b, s.Ballot)
	}
	accepts := msgsOf(t, n, MsgAccept)
	require.Len(t, accepts, 2, "one Accept per peer")
	require.Len(t, accepts[0].Slots, 3, "every slot in (commit, max] is re-proposed")
	require.Equal(t, uint64(4), n.ldr.next, "new commands go after max")
}

// Proposal rule: a chosen value reported by a promise wins over any ballot.
func TestRule_NewLeaderAdoptsChosen(t *testing.T) {
	n := elect(t, Slot{Index: 1, Ballot: MakeBallot(1, 2), Value: cmd("chosen"), Chosen: true})
	s, _ := n.slot(1)
	require.Equal(t, cmd("chosen"), s.Value)
}

// Multi-Paxos: a stable leader skips phase 1 for new commands.
func TestRule_StableLeaderPhase2Only(t *testing.T) {
	n := elect(t)
	drain(t, n)
	i, err := n.Propose([]byte("x"))
	require.NoError(t, err)
	require.Equal(t, uint64(1), i)
	rd := drain(t, n)
	require.True(t, rd.MustSync, "the leader's own accept is durable before the Accepts leave")
	for _, m := range rd.Messages {
		require.Equal(t, MsgAccept, m.Type)
		require.Equal(t, []Slot{{Index: 1, Ballot: n.promised, Value: cmd("x")}}, m.Slots)
	}
}

// Chosen: a majority of accepts (the leader's own included) chooses a value.
func TestRule_MajorityChooses(t *testing.T) {
	n := elect(t)
	drain(t, n)
	_, _ = n.Propose([]byte("x"))
	drain(t, n)
	require.Zero(t, n.commit)
	n.Step(Message{Type: MsgAccepted, From: 3, To: 1, Ballot: n.promised, Slots: []Slot{{Index: 1}}})
	require.Equal(t, uint64(1), n.commit)
	rd := drain(t, n)
	require.Equal(t, []Slot{{Index: 1, Ballot: n.promised, Value: cmd("x"), Chosen: true}}, rd.Committed)
}

// Holes: slots may be chosen out of order; only the contiguous chosen prefix
// is applied, a hole blocks it.
func TestRule_HoleBlocksApplication(t *testing.T) {
	n := elect(t)
	drain(t, n)
	_, _ = n.Propose([]byte("a"))
	_, _ = n.Propose([]byte("b"))
	drain(t, n)
	n.Step(Message{Type: MsgAccepted, From: 2, To: 1, Ballot: n.promised, Slots: []Slot{{Index: 2}}})
	s, _ := n.slot(2)
	require.True(t, s.Chosen, "slot 2 is chosen before slot 1")
	require.Zero(t, n.commit)
	require.Empty(t, drain(t, n).Committed)
	n.Step(Message{Type: MsgAccepted, From: 3, To: 1, Ballot: n.promised, Slots: []Slot{{Index: 1}}})
	require.Equal(t, uint64(2), n.commit)
	rd := drain(t, n)
	require.Len(t, rd.Committed, 2)
	require.Equal(t, uint64(1), rd.Committed[0].Index)
}

// Learn: an acceptor marks chosen the slots below the leader's commit that
// it accepted in the leader's ballot, and no other.
func TestRule_LearnCommitOnlyInLeaderBallot(t *testing.T) {
	b := MakeBallot(2, 1)
	n := acceptorWith(t, b,
		Slot{Index: 1, Ballot: b, Value: cmd("a")},
		Slot{Index: 2, Ballot: MakeBallot(1, 3), Value: cmd("stale")},
		Slot{Index: 3, Ballot: b, Value: cmd("c")})
	n.Step(Message{Type: MsgHeartbeat, From: 1, To: 2, Ballot: b, Commit: 3})
	require.Equal(t, uint64(1), n.commit, "slot 2 holds another ballot's value: not known chosen")
	s, _ := n.slot(3)
	require.True(t, s.Chosen)
	rd := drain(t, n)
	require.Equal(t, uint64(1), rd.Messages[0].Commit, "the reply tells the leader where it lags")
}

// Catch-up: a leader sends a lagging acceptor the chosen values it lacks.
func TestRule_CatchUpSendsChosenValues(t *testing.T) {
	n := elect(t)
	drain(t, n)
	_, _ = n.Propose([]byte("a"))
	drain(t, n)
	n.Step(Message{Type: MsgAccepted, From: 2, To: 1, Ballot: n.promised, Slots: []Slot{{Index: 1}}})
	drain(t, n)
	n.Step(Message{Type: MsgHeartbeatResp, From: 3, To: 1, Ballot: n.promised, Commit: 0})
	cs := msgsOf(t, n, MsgCommit)
	require.Len(t, cs, 1)
	require.Equal(t, []Slot{{Index: 1, Ballot: n.promised, Value: cmd("a"), Chosen: true}}, cs[0].Slots)

	f := acceptorWith(t, 0)
	cs[0].To = 2
	f.Step(cs[0])
	require.Equal(t, uint64(1), f.commit)
}

// Catch-up: past the leader's snapshot, the acceptor gets the snapshot.
func TestRule_CatchUpBySnapshot(t *testing.T) {
	n := elect(t)
	drain(t, n)
	_, _ = n.Propose([]byte("a"))
	drain(t, n)
	n.Step(Message{Type: MsgAccepted, From: 2, To: 1, Ballot: n.promised, Slots: []Slot{{Index: 1}}})
	drain(t, n)
	n.Compact(1, []byte("image"))
	n.Step(Message{Type: MsgHeartbeatResp, From: 3, To: 1, Ballot: n.promised, Commit: 0})
	ss := msgsOf(t, n, MsgSnap)
	require.Len(t, ss, 1)

	f := acceptorWith(t, 0)
	ss[0].To = 2
	f.Step(ss[0])
	rd := drain(t, f)
	require.Equal(t, &Snapshot{Index: 1, Data: []byte("image")}, rd.Snapshot)
	require.Equal(t, uint64(1), f.commit)
	require.Equal(t, uint64(1), f.applied)
}

// Election: a follower that hears no leader for its timeout runs phase 1;
// a leader's heartbeat resets the timer.
func TestRule_FollowerTimesOutUnlessHeartbeat(t *testing.T) {
	n := newTestNode(t, 2, ids(3))
	for range 9 {
		n.Tick()
	}
	n.Step(Message{Type: MsgHeartbeat, From: 1, To: 2, Ballot: MakeBallot(1, 1)})
	for range 9 {
		n.Tick()
	}
	require.Equal(t, Follower, n.role)
	require.Equal(t, uint64(1), n.lead)
	n.Tick()
	require.Equal(t, Candidate, n.role)
}

// Livelock: a candidate refused by a higher ballot gives up and backs off
// for a random timeout before it tries a higher round.
func TestRule_RefusedCandidateBacksOff(t *testing.T) {
	n := newTestNode(t, 1, ids(3))
	n.campaign()
	drain(t, n)
	n.Step(Message{Type: MsgPromise, From: 2, To: 1, Ballot: MakeBallot(4, 3), Reject: true})
	require.Equal(t, Follower, n.role)
	for range 10 {
		n.Tick()
	}
	require.Equal(t, Candidate, n.role)
	require.Equal(t, MakeBallot(5, 1), n.promised)
}

// Leadership: a leader that hears no majority for an election timeout
// steps down, so clients look elsewhere.
func TestRule_LeaderWithoutMajorityStepsDown(t *testing.T) {
	n := elect(t)
	for range 10 {
		n.Tick()
	}
	require.Equal(t, Follower, n.role)
}

// Leadership: a leader's heartbeats go to every peer every HeartbeatTicks.
func TestRule_LeaderHeartbeats(t *testing.T) {
	n := elect(t)
	drain(t, n)
	n.Tick()
	require.Empty(t, msgsOf(t, n, MsgHeartbeat))
	n.Tick()
	require.Len(t, msgsOf(t, n, MsgHeartbeat), 2)
}

// Restart: a node boots from its durable state and applies its chosen
// prefix again from the snapshot on.
func TestRule_RestartReappliesFromSnapshot(t *testing.T) {
	c := testConfig(2, ids(3))
	c.State = State{Promised: MakeBallot(1, 1), Snap: Snapshot{Index: 2, Data: []byte("s")}, Slots: []Slot{
		{Index: 3, Ballot: MakeBallot(1, 1), Value: cmd("c"), Chosen: true},
		{Index: 5, Ballot: MakeBallot(1, 1), Value: cmd("e"), Chosen: true},
	}}
	n, err := New(c)
	require.NoError(t, err)
	rd := drain(t, n)
	require.Len(t, rd.Committed, 1, "slot 4 is a hole")
	require.Equal(t, uint64(3), rd.Committed[0].Index)
	require.Equal(t, MakeBallot(1, 1), n.promised)
}

// A non-leader refuses proposals with a hint.
func TestRule_ProposeOnFollower(t *testing.T) {
	n := newTestNode(t, 2, ids(3))
	n.Step(Message{Type: MsgHeartbeat, From: 1, To: 2, Ballot: MakeBallot(1, 1)})
	_, err := n.Propose([]byte("x"))
	var nl *NotLeaderError
	require.ErrorAs(t, err, &nl)
	require.Equal(t, uint64(1), nl.Leader)
}

// Compaction: a host compacting at its applied index after a newer snapshot
// arrived (while its Ready was out) changes nothing.
func TestRule_CompactBelowReceivedSnapshot(t *testing.T) {
	n := acceptorWith(t, 0, Slot{Index: 1, Ballot: MakeBallot(1, 1), Value: cmd("a"), Chosen: true})
	rd := n.Ready()
	require.Len(t, rd.Committed, 1)
	n.Step(Message{Type: MsgSnap, From: 1, To: 2, Ballot: MakeBallot(1, 1), Snap: &Snapshot{Index: 3, Data: []byte("s3")}})
	n.Advance()
	n.Compact(1, []byte("s1"))
	require.Equal(t, uint64(3), n.snap.Index)
	rd = drain(t, n)
	require.Equal(t, &Snapshot{Index: 3, Data: []byte("s3")}, rd.Snapshot)
	require.Empty(t, rd.Committed)
}

// ReadIndex: a leader answers a read at next-1 once a majority acknowledged
// a heartbeat sent after the read; an acknowledgement of an older round
// does not count.
func TestRule_ReadIndexNeedsFreshMajority(t *testing.T) {
	n := elect(t)
	_, _ = n.Propose([]byte("x"))
	drain(t, n)
	require.NoError(t, n.ReadIndex([]byte("r1")))
	hbs := msgsOf(t, n, MsgHeartbeat)
	require.Len(t, hbs, 2)
	seq := hbs[0].Index
	require.NotZero(t, seq)
	n.Step(Message{Type: MsgHeartbeatResp, From: 2, To: 1, Ballot: n.promised, Index: seq - 1})
	require.Empty(t, drain(t, n).Reads, "an older round says nothing of this read")
	n.Step(Message{Type: MsgHeartbeatResp, From: 2, To: 1, Ballot: n.promised, Index: seq})
	require.Equal(t, []ReadState{{Index: 1, Ctx: []byte("r1")}}, drain(t, n).Reads, "slot 1 may hold a completed write")

	f := newTestNode(t, 2, ids(3))
	var nl *NotLeaderError
	require.ErrorAs(t, f.ReadIndex([]byte("r")), &nl)
}

// ReadIndex: a heartbeat refused by a higher promise deposes the leader and
// drops its unconfirmed reads.
func TestRule_ReadIndexDroppedOnStepDown(t *testing.T) {
	n := elect(t)
	require.NoError(t, n.ReadIndex([]byte("r1")))
	drain(t, n)
	n.Step(Message{Type: MsgHeartbeatResp, From: 2, To: 1, Ballot: MakeBallot(9, 3), Reject: true})
	require.Equal(t, Follower, n.role)
	require.Empty(t, drain(t, n).Reads)
	require.Empty(t, n.ldr.reads)
}
