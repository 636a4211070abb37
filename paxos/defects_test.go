package paxos

// Each planted defect is one switch; each test shows the rule it breaks.

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func withDefects(t *testing.T, id uint64, d Defects, st State) *Node {
	t.Helper()
	c := testConfig(id, ids(3))
	c.Defects, c.State = d, st
	n, err := New(c)
	require.NoError(t, err)
	return n
}

func TestDefect_AcceptFirstKeepsFirstValue(t *testing.T) {
	st := State{Promised: MakeBallot(1, 1), Slots: []Slot{{Index: 1, Ballot: MakeBallot(1, 1), Value: cmd("first")}}}
	n := withDefects(t, 2, Defects{AcceptFirst: true}, st)
	n.Step(Message{Type: MsgAccept, From: 3, To: 2, Ballot: MakeBallot(2, 3), Slots: []Slot{{Index: 1, Value: cmd("second")}}})
	rd := drain(t, n)
	require.False(t, rd.Messages[0].Reject, "acknowledged ...")
	s, _ := n.slot(1)
	require.Equal(t, cmd("first"), s.Value, "... but the first value kept")
	require.Equal(t, cmd("first"), rd.Observations[0].Value, "and vouched for under the new ballot")
}

func TestDefect_AcceptLastIgnoresPromise(t *testing.T) {
	n := withDefects(t, 2, Defects{AcceptLast: true}, State{Promised: MakeBallot(5, 3)})
	n.Step(Message{Type: MsgAccept, From: 1, To: 2, Ballot: MakeBallot(1, 1), Slots: []Slot{{Index: 1, Value: cmd("old")}}})
	rd := drain(t, n)
	require.False(t, rd.Messages[0].Reject)
	s, _ := n.slot(1)
	require.Equal(t, cmd("old"), s.Value)
}

func TestDefect_PrepareEqualIDAnswered(t *testing.T) {
	n := withDefects(t, 2, Defects{PrepareEqualID: true}, State{Promised: MakeBallot(5, 1)})
	n.Step(Message{Type: MsgPrepare, From: 1, To: 2, Ballot: MakeBallot(5, 1), Index: 1})
	require.False(t, drain(t, n).Messages[0].Reject)
}

func TestDefect_ProposerIgnoresAccepted(t *testing.T) {
	n := withDefects(t, 1, Defects{ProposerIgnoresAccepted: true}, State{})
	n.campaign()
	drain(t, n)
	n.Step(Message{Type: MsgPromise, From: 2, To: 1, Ballot: n.promised, Index: 1, Last: 1,
		Slots: []Slot{{Index: 1, Ballot: MakeBallot(0, 2), Value: cmd("accepted")}}})
	require.Equal(t, Leader, n.role)
	s, _ := n.slot(1)
	require.Equal(t, Value{Noop: true}, s.Value, "the reported value is dropped")
}

func TestDefect_SkipRecovery(t *testing.T) {
	n := withDefects(t, 1, Defects{SkipRecovery: true}, State{})
	n.campaign()
	drain(t, n)
	n.Step(Message{Type: MsgPromise, From: 2, To: 1, Ballot: n.promised, Index: 1, Last: 2,
		Slots: []Slot{{Index: 2, Ballot: MakeBallot(0, 2), Value: cmd("accepted")}}})
	i, err := n.Propose([]byte("new"))
	require.NoError(t, err)
	require.Equal(t, uint64(1), i, "new commands start at commit+1, over slot 2's accepted value soon")
}

func TestDefect_ApplyPastHole(t *testing.T) {
	st := State{Slots: []Slot{{Index: 2, Ballot: MakeBallot(1, 1), Value: cmd("b"), Chosen: true}}}
	n := withDefects(t, 2, Defects{ApplyPastHole: true}, st)
	rd := drain(t, n)
	require.Len(t, rd.Committed, 2, "slot 1, a hole, is applied as a no-op")
	require.True(t, rd.Committed[0].Value.Noop)
}

func TestDefect_ReplyBeforeDurable(t *testing.T) {
	n := withDefects(t, 2, Defects{ReplyBeforeDurable: true}, State{})
	n.Step(Message{Type: MsgPrepare, From: 1, To: 2, Ballot: MakeBallot(1, 1), Index: 1})
	rd := drain(t, n)
	require.Equal(t, MsgPromise, rd.Messages[0].Type)
	require.Zero(t, rd.Promised, "the Promise leaves in a batch that persists nothing")
	require.False(t, rd.MustSync)
	rd = drain(t, n)
	require.Equal(t, MakeBallot(1, 1), rd.Promised, "the promise comes in the next batch")
}

// Without defects the same inputs keep the rules (the tests above would fail).
func TestDefect_NoneKeepsRules(t *testing.T) {
	n := withDefects(t, 2, Defects{}, State{Promised: MakeBallot(5, 1)})
	n.Step(Message{Type: MsgPrepare, From: 1, To: 2, Ballot: MakeBallot(5, 1), Index: 1})
	require.True(t, drain(t, n).Messages[0].Reject)
	st := State{Slots: []Slot{{Index: 2, Ballot: MakeBallot(1, 1), Value: cmd("b"), Chosen: true}}}
	require.Empty(t, drain(t, withDefects(t, 2, Defects{}, st)).Committed)
}
