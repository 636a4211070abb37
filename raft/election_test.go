package raft

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 9.6 (thesis, Pre-Vote): a pre-candidate asks for votes in term+1 without
// raising its own term or vote; it raises its term only with a majority.
func TestPreVote_DoesNotRaiseTerm(t *testing.T) {
	n := newNodeWithLog(t, 1, ids(3), 2, ents(1, 2), withPreVote)
	n.Campaign()
	require.Equal(t, PreCandidate, n.role)
	require.Equal(t, uint64(2), n.term)
	require.Zero(t, n.vote)
	msgs := readMsgs(t, n)
	require.Equal(t, []Message{
		{Type: MsgPreVote, From: 1, To: 2, Term: 3, Index: 2, LogTerm: 2},
		{Type: MsgPreVote, From: 1, To: 3, Term: 3, Index: 2, LogTerm: 2},
	}, msgs)
	require.NoError(t, n.Step(Message{Type: MsgPreVoteResp, From: 2, To: 1, Term: 3}))
	require.Equal(t, Candidate, n.role, "pre-vote majority: real campaign")
	require.Equal(t, uint64(3), n.term)
	require.Equal(t, []MessageType{MsgVote, MsgVote}, msgTypes(readMsgs(t, n)))
}

// 9.6: a pre-candidate rejected by a majority returns to follower, term unchanged.
func TestPreVote_RejectedByMajority(t *testing.T) {
	n := newNodeWithLog(t, 1, ids(3), 2, nil, withPreVote)
	n.Campaign()
	for _, p := range []uint64{2, 3} {
		require.NoError(t, n.Step(Message{Type: MsgPreVoteResp, From: p, To: 1, Term: 2, Reject: true}))
	}
	require.Equal(t, Follower, n.role)
	require.Equal(t, uint64(2), n.term)
}

// 9.6: granting a pre-vote changes neither the voter's term nor its vote.
func TestPreVote_GrantChangesNothing(t *testing.T) {
	n := newNodeWithLog(t, 2, ids(3), 2, ents(1), withPreVote)
	require.NoError(t, n.Step(Message{Type: MsgPreVote, From: 1, To: 2, Term: 3, Index: 1, LogTerm: 1}))
	require.Equal(t, uint64(2), n.term)
	require.Zero(t, n.vote)
	rd := n.Ready()
	require.True(t, rd.HardState.IsEmpty(), "nothing to persist")
	require.Equal(t, []Message{{Type: MsgPreVoteResp, From: 2, To: 1, Term: 3}}, rd.Messages)
}

// CheckQuorum (§6.2 of the thesis): a leader that has not heard from a
// majority within an election timeout steps down.
func TestCheckQuorum_LeaderStepsDown(t *testing.T) {
	n := electedLeader(t, 3) // built without CheckQuorum; switch it on
	n.cfg.CheckQuorum = true
	for range 2 * n.cfg.ElectionTicks {
		n.Tick()
	}
	require.Equal(t, Follower, n.role)
	require.Equal(t, uint64(1), n.term)
}

// CheckQuorum: a leader hearing from a majority stays.
func TestCheckQuorum_LeaderWithQuorumStays(t *testing.T) {
	n := electedLeader(t, 3)
	n.cfg.CheckQuorum = true
	for range 3 * n.cfg.ElectionTicks {
		n.Tick()
		require.NoError(t, n.Step(Message{Type: MsgHeartbeatResp, From: 2, To: 1, Term: 1}))
	}
	require.Equal(t, Leader, n.role)
}

// Leader stickiness (§4.2.3 of the thesis): a follower that heard from a
// live leader within the election timeout ignores vote requests, even of a
// higher term; after the timeout it considers them.
func TestCheckQuorum_FollowerIgnoresVotesInLease(t *testing.T) {
	n := newTestNode(t, 2, ids(3), withCheckQuorum)
	require.NoError(t, n.Step(Message{Type: MsgHeartbeat, From: 1, To: 2, Term: 1}))
	readMsgs(t, n)
	require.NoError(t, n.Step(Message{Type: MsgVote, From: 3, To: 2, Term: 2}))
	require.Empty(t, readMsgs(t, n))
	require.Equal(t, uint64(1), n.term)
	for range n.cfg.ElectionTicks {
		n.Tick()
	}
	// The tick also started our own election; a vote request still gets an answer.
	require.NoError(t, n.Step(Message{Type: MsgVote, From: 3, To: 2, Term: 5}))
	require.Equal(t, uint64(5), n.term)
}

// With CheckQuorum, a stale leader learns the higher term of a node that
// answers its App, and steps down (the "deposing" path without Pre-Vote).
func TestCheckQuorum_StaleLeaderLearnsTerm(t *testing.T) {
	n := newNodeWithLog(t, 2, ids(3), 5, nil, withCheckQuorum)
	require.NoError(t, n.Step(Message{Type: MsgHeartbeat, From: 1, To: 2, Term: 3}))
	require.Equal(t, []Message{{Type: MsgAppResp, From: 2, To: 1, Term: 5}}, readMsgs(t, n))
}

// §5.2 with Pre-Vote on: the election timeout fires a pre-vote, not a vote.
func TestPreVote_TimeoutStartsPreVote(t *testing.T) {
	n := newTestNode(t, 1, ids(3), withPreVote)
	for range 10 {
		n.Tick()
	}
	require.Equal(t, PreCandidate, n.role)
	require.Equal(t, uint64(0), n.term)
}

// A single-node cluster elects itself through Pre-Vote too, once the Ready
// carrying its term and own vote is durable (Advanced), not before.
func TestSingleNodeElectsItself(t *testing.T) {
	n := newTestNode(t, 1, ids(1), withPreVote)
	n.Campaign()
	require.Equal(t, Candidate, n.role, "the vote is not durable yet")
	rd := persist(t, n)
	require.Equal(t, HardState{Term: 1, Vote: 1}, rd.HardState)
	require.True(t, rd.MustSync)
	require.Equal(t, Leader, n.role)
	idx, _, err := n.Propose([]byte("x"))
	require.NoError(t, err)
	require.Equal(t, idx, n.log.committed)
}

// A crash that loses a single-node candidate's unsynced vote leaves it to
// win that term afresh: it never led in it, so no term has two leaders and
// no (index, term) two entries (seed 14860: it led term 4 twice, writing a
// different entry 671 each time).
func TestSingleNodeNeverLeadsOnLostVote(t *testing.T) {
	s := NewMemoryStorage()
	n, err := NewNode(testConfig(1, ids(1), s))
	require.NoError(t, err)
	n.Campaign()
	rd := n.Ready()
	require.Equal(t, Candidate, n.role)
	require.Empty(t, rd.Messages)
	// Crash here: rd is never persisted. The restarted node campaigns in term 1 again.
	n, err = NewNode(testConfig(1, ids(1), s))
	require.NoError(t, err)
	campaignPersisted(t, n)
	require.Equal(t, Leader, n.role)
	require.Equal(t, uint64(1), n.term)
}

func TestDefect_VoteAnyLog(t *testing.T) {
	n := newNodeWithLog(t, 1, ids(3), 2, ents(1, 2, 2), func(c *Config) { c.Defects.VoteAnyLog = true })
	require.NoError(t, n.Step(Message{Type: MsgVote, From: 2, To: 1, Term: 3, Index: 1, LogTerm: 1}))
	require.False(t, readMsgs(t, n)[0].Reject, "vote granted to a shorter, older log")
}

func TestDefect_TimerResetAnyVote(t *testing.T) {
	for _, defect := range []bool{false, true} {
		n := newNodeWithLog(t, 1, ids(3), 3, ents(1, 2, 2), func(c *Config) { c.Defects.TimerResetAnyVote = defect })
		for range 5 {
			n.Tick()
		}
		// Same term, so the term rule does not reset the timer; the log check rejects.
		require.NoError(t, n.Step(Message{Type: MsgVote, From: 2, To: 1, Term: 3, Index: 1, LogTerm: 1}))
		require.True(t, readMsgs(t, n)[0].Reject)
		require.Equal(t, defect, n.electionElapsed == 0)
	}
}

func TestDefect_StaleReply(t *testing.T) {
	for _, defect := range []bool{false, true} {
		n := electedLeader(t, 3)
		n.cfg.Defects.StaleReply = defect
		n.becomeFollower(2, 0)
		readMsgs(t, n)
		campaignPersisted(t, n)
		require.NoError(t, n.Step(Message{Type: MsgVoteResp, From: 2, To: 1, Term: 3}))
		require.Equal(t, Leader, n.role)
		require.NoError(t, n.Step(Message{Type: MsgAppResp, From: 3, To: 1, Term: 1, Index: 2}))
		require.Equal(t, defect, n.prs[3].match == 2, "defect %v", defect)
	}
}

func TestDefect_MatchFromLogLen(t *testing.T) {
	n := electedLeader(t, 3)
	n.cfg.Defects.MatchFromLogLen = true
	for range 3 {
		_, _, err := n.Propose([]byte("x"))
		require.NoError(t, err)
	}
	require.NoError(t, n.Step(Message{Type: MsgAppResp, From: 2, To: 1, Term: 1, Index: 2}))
	require.Equal(t, uint64(4), n.prs[2].match, "match taken from the leader's own log")
	require.Equal(t, uint64(4), n.log.committed)
}

func TestDefect_TruncateOnMatch(t *testing.T) {
	for _, defect := range []bool{false, true} {
		n := newNodeWithLog(t, 2, ids(3), 1, ents(1, 1, 1), func(c *Config) { c.Defects.TruncateOnMatch = defect })
		// A delayed duplicate of the App that carried entry 2.
		require.NoError(t, n.Step(Message{Type: MsgApp, From: 1, To: 2, Term: 1, Index: 1, LogTerm: 1,
			Entries: []Entry{{Index: 2, Term: 1}}}))
		want := []uint64{1, 1, 1}
		if defect {
			want = []uint64{1, 1}
		}
		require.Equal(t, want, logTerms(t, n))
	}
}

func TestDefect_FollowerCommitLeader(t *testing.T) {
	for _, defect := range []bool{false, true} {
		n := newNodeWithLog(t, 2, ids(3), 2, ents(1, 1, 1, 1), func(c *Config) { c.Defects.FollowerCommitLeader = defect })
		require.NoError(t, n.Step(Message{Type: MsgApp, From: 1, To: 2, Term: 2, Index: 1, LogTerm: 1, Commit: 4}))
		want := uint64(1)
		if defect {
			want = 4 // commits stale entries 2..4 the leader never vouched for
		}
		require.Equal(t, want, n.log.committed)
	}
}
