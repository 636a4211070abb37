package raft

// Tests that follow the Raft paper's rules one by one (Ongaro & Ousterhout,
// "In Search of an Understandable Consensus Algorithm", extended version),
// in the manner of etcd-io/raft's raft_paper_test.go. Each test names its rule.

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// 5.1: if one server's current term is smaller than the other's, it updates
// its current term to the larger value and reverts to follower.
func TestPaper_5_1_HigherTermRevertsToFollower(t *testing.T) {
	for _, role := range []Role{Follower, Candidate, Leader} {
		t.Run(role.String(), func(t *testing.T) {
			n := newTestNode(t, 1, ids(3))
			switch role {
			case Candidate:
				n.Campaign()
			case Leader:
				campaignPersisted(t, n)
				require.NoError(t, n.Step(Message{Type: MsgVoteResp, From: 2, To: 1, Term: 1}))
			}
			require.Equal(t, role, n.role)
			require.NoError(t, n.Step(Message{Type: MsgApp, From: 2, To: 1, Term: 5}))
			require.Equal(t, Follower, n.role)
			require.Equal(t, uint64(5), n.term)
			require.Equal(t, uint64(2), n.lead)
			require.Zero(t, n.vote)
		})
	}
}

// 5.1: a server that receives a request with a stale term number rejects it.
func TestPaper_5_1_StaleTermRequestIgnored(t *testing.T) {
	n := newNodeWithLog(t, 1, ids(3), 3, nil)
	require.NoError(t, n.Step(Message{Type: MsgApp, From: 2, To: 1, Term: 2, Entries: ents(2)}))
	require.Equal(t, uint64(0), n.log.lastIndex(), "stale App must not append")
	require.NoError(t, n.Step(Message{Type: MsgVote, From: 2, To: 1, Term: 2}))
	require.Empty(t, readMsgs(t, n), "stale Vote is ignored")
	require.Equal(t, uint64(3), n.term)
}

// 5.2: a follower that receives no communication over an election timeout
// begins an election: increments its term, votes for itself, asks every peer.
func TestPaper_5_2_FollowerStartsElection(t *testing.T) {
	n := newTestNode(t, 1, ids(3))
	for range 10 {
		n.Tick()
	}
	require.Equal(t, Candidate, n.role)
	require.Equal(t, uint64(1), n.term)
	require.Equal(t, uint64(1), n.vote)
	msgs := readMsgs(t, n)
	require.Equal(t, []Message{
		{Type: MsgVote, From: 1, To: 2, Term: 1},
		{Type: MsgVote, From: 1, To: 3, Term: 1},
	}, msgs)
}

// 5.2: a candidate that times out without winning starts a new election in
// the next term.
func TestPaper_5_2_CandidateTimesOutAndRetries(t *testing.T) {
	n := newTestNode(t, 1, ids(3))
	n.Campaign()
	require.Equal(t, uint64(1), n.term)
	for range 10 {
		n.Tick()
	}
	require.Equal(t, Candidate, n.role)
	require.Equal(t, uint64(2), n.term)
	require.Equal(t, uint64(1), n.vote)
}

// 5.2: a candidate wins if it receives votes from a majority of the servers
// in the full cluster for the same term; a majority of rejections makes it a
// follower; otherwise it stays a candidate.
func TestPaper_5_2_CandidateNeedsMajority(t *testing.T) {
	tests := []struct {
		size   int
		grants map[uint64]bool
		want   Role
	}{
		{1, nil, Leader},
		{3, map[uint64]bool{2: true}, Leader},
		{3, map[uint64]bool{2: false}, Candidate},
		{3, map[uint64]bool{2: false, 3: false}, Follower},
		{5, map[uint64]bool{2: true, 3: true}, Leader},
		{5, map[uint64]bool{2: true}, Candidate},
		{5, map[uint64]bool{2: true, 3: false, 4: false, 5: false}, Follower},
	}
	for i, tt := range tests {
		n := newTestNode(t, 1, ids(tt.size))
		campaignPersisted(t, n)
		for _, id := range ids(tt.size) {
			if g, ok := tt.grants[id]; ok {
				require.NoError(t, n.Step(Message{Type: MsgVoteResp, From: id, To: 1, Term: 1, Reject: !g}))
			}
		}
		require.Equal(t, tt.want, n.role, "case %d", i)
	}
}

// 5.2: each server votes for at most one candidate in a given term, on a
// first-come-first-served basis.
func TestPaper_5_2_OneVotePerTerm(t *testing.T) {
	n := newTestNode(t, 1, ids(3))
	require.NoError(t, n.Step(Message{Type: MsgVote, From: 2, To: 1, Term: 1}))
	require.NoError(t, n.Step(Message{Type: MsgVote, From: 3, To: 1, Term: 1}))
	require.NoError(t, n.Step(Message{Type: MsgVote, From: 2, To: 1, Term: 1})) // retransmit: same answer
	msgs := readMsgs(t, n)
	require.Equal(t, []Message{
		{Type: MsgVoteResp, From: 1, To: 2, Term: 1},
		{Type: MsgVoteResp, From: 1, To: 2, Term: 1},
		{Type: MsgVoteResp, From: 1, To: 3, Term: 1, Reject: true},
	}, msgs)
	require.Equal(t, uint64(2), n.vote)
}

// 5.2 (and Figure 2): term and vote are persisted before the vote reply leaves.
func TestPaper_5_2_VotePersistedBeforeReply(t *testing.T) {
	n := newTestNode(t, 1, ids(3))
	require.NoError(t, n.Step(Message{Type: MsgVote, From: 2, To: 1, Term: 4}))
	rd := n.Ready()
	require.Len(t, rd.Messages, 1)
	require.Equal(t, HardState{Term: 4, Vote: 2}, rd.HardState)
	require.True(t, rd.MustSync)
}

// 5.2: a candidate that receives AppendEntries from a leader of its term
// recognizes the leader and returns to follower state.
func TestPaper_5_2_CandidateFallsBackOnLeaderApp(t *testing.T) {
	n := newTestNode(t, 1, ids(3))
	n.Campaign()
	require.NoError(t, n.Step(Message{Type: MsgApp, From: 2, To: 1, Term: 1}))
	require.Equal(t, Follower, n.role)
	require.Equal(t, uint64(2), n.lead)
	require.Equal(t, uint64(1), n.term)
}

// 5.2: election timeouts are chosen randomly from a fixed interval, here
// [ET, 2ET) ticks, so that split votes are rare.
func TestPaper_5_2_RandomizedElectionTimeout(t *testing.T) {
	seen := map[int]bool{}
	for v := range 20 {
		n, err := NewNode(testConfig(1, ids(3), NewMemoryStorage(), func(c *Config) { c.Rand = fixedRand(v) }))
		require.NoError(t, err)
		ticks := 0
		for n.role == Follower {
			n.Tick()
			ticks++
		}
		require.GreaterOrEqual(t, ticks, 10)
		require.Less(t, ticks, 20)
		seen[ticks] = true
	}
	require.Len(t, seen, 10, "every timeout in [ET, 2ET) is reachable")
}

// 5.2: a leader sends periodic heartbeats to all followers to keep its authority.
func TestPaper_5_2_LeaderSendsHeartbeats(t *testing.T) {
	n := newTestNode(t, 1, ids(3), func(c *Config) { c.HeartbeatTicks = 2 })
	n.Campaign()
	require.NoError(t, n.Step(Message{Type: MsgVoteResp, From: 2, To: 1, Term: 1}))
	readMsgs(t, n)
	n.Tick()
	require.Empty(t, readMsgs(t, n))
	n.Tick()
	require.Equal(t, []MessageType{MsgHeartbeat, MsgHeartbeat}, msgTypes(readMsgs(t, n)))
}

// 5.3: the leader appends the command to its log as a new entry, then issues
// AppendEntries in parallel to each follower.
func TestPaper_5_3_LeaderAppendsAndReplicates(t *testing.T) {
	n := electedLeader(t, 3)
	idx, term, err := n.Propose([]byte("x"))
	require.NoError(t, err)
	require.Equal(t, uint64(2), idx) // after the no-op at 1
	require.Equal(t, uint64(1), term)
	msgs := readMsgs(t, n)
	require.Len(t, msgs, 2)
	for _, m := range msgs {
		require.Equal(t, MsgApp, m.Type)
		require.Equal(t, uint64(1), m.Index, "previous entry is the no-op")
		require.Equal(t, []Entry{{Term: 1, Index: 2, Data: []byte("x")}}, m.Entries)
	}
}

// electedLeader returns node 1 of an n-node cluster as leader of term 1, its
// no-op acknowledged by everyone, and its outbox drained.
func electedLeader(t *testing.T, size int) *Node {
	n := newTestNode(t, 1, ids(size))
	n.Campaign()
	for _, p := range ids(size)[1:] {
		require.NoError(t, n.Step(Message{Type: MsgVoteResp, From: p, To: 1, Term: 1}))
	}
	require.Equal(t, Leader, n.role)
	for _, p := range ids(size)[1:] {
		require.NoError(t, n.Step(Message{Type: MsgAppResp, From: p, To: 1, Term: 1, Index: 1}))
	}
	readMsgs(t, n)
	return n
}

// 5.3: an entry is committed once the leader has replicated it on a majority;
// the leader then applies it and tells followers through leaderCommit.
func TestPaper_5_3_LeaderCommitsOnMajority(t *testing.T) {
	for _, size := range []int{3, 5} {
		n := electedLeader(t, size)
		_, _, err := n.Propose([]byte("x"))
		require.NoError(t, err)
		readMsgs(t, n)
		for i, p := range ids(size)[1:] {
			require.NoError(t, n.Step(Message{Type: MsgAppResp, From: p, To: 1, Term: 1, Index: 2}))
			stored := i + 2 // acks plus the leader's own copy
			require.Equal(t, stored >= size/2+1, n.log.committed == 2, "size %d after %d acks", size, i+1)
		}
		rd := n.Ready()
		require.Equal(t, uint64(2), rd.HardState.Commit)
		require.Equal(t, []Entry{{Term: 1, Index: 2, Data: []byte("x")}}, rd.CommittedEntries)
		n.Advance(rd)
		require.Equal(t, uint64(2), n.Status().Applied)
	}
}

// 5.3: the follower commits min(leaderCommit, index of last new entry).
func TestPaper_5_3_FollowerCommitsBoundedByLastNewEntry(t *testing.T) {
	// Follower holds stale entries 2..4 of term 1; the leader of term 2 sends
	// only entry 2 with commit 4: the follower commits 2, not its stale 3..4.
	n := newNodeWithLog(t, 2, ids(3), 2, ents(1, 1, 1, 1))
	require.NoError(t, n.Step(Message{Type: MsgApp, From: 1, To: 2, Term: 2, Index: 1, LogTerm: 1,
		Entries: []Entry{{Index: 2, Term: 2}}, Commit: 4}))
	require.Equal(t, uint64(2), n.log.committed)
	require.Equal(t, []uint64{1, 2}, logTerms(t, n))
}

// 5.3: if the follower does not find an entry with the same index and term as
// prevLog, it refuses the new entries.
func TestPaper_5_3_FollowerRejectsMismatchedPrev(t *testing.T) {
	n := newNodeWithLog(t, 2, ids(3), 3, ents(1, 2))
	tests := []struct {
		index, logTerm uint64
		reject         bool
	}{{0, 0, false}, {1, 1, false}, {2, 2, false}, {2, 1, true}, {3, 2, true}, {3, 3, true}}
	for _, tt := range tests {
		require.NoError(t, n.Step(Message{Type: MsgApp, From: 1, To: 2, Term: 3, Index: tt.index, LogTerm: tt.logTerm}))
		msgs := readMsgs(t, n)
		require.Len(t, msgs, 1)
		require.Equal(t, tt.reject, msgs[0].Reject, "prev %d/%d", tt.index, tt.logTerm)
	}
}

// 5.3: if an existing entry conflicts with a new one (same index, different
// terms), delete it and all that follow; entries that match are kept, so a
// stale or duplicate AppendEntries never truncates (Figure 2, receiver rule 3).
func TestPaper_5_3_FollowerTruncatesOnlyFromConflict(t *testing.T) {
	tests := []struct {
		index, logTerm uint64
		entries        []Entry
		want           []uint64
	}{
		{0, 0, []Entry{{Index: 1, Term: 1}}, []uint64{1, 2, 3}},                            // stale: matches, keep all
		{1, 1, []Entry{{Index: 2, Term: 2}, {Index: 3, Term: 3}}, []uint64{1, 2, 3}},       // duplicate
		{2, 2, []Entry{{Index: 3, Term: 4}}, []uint64{1, 2, 4}},                            // conflict at 3
		{1, 1, []Entry{{Index: 2, Term: 4}}, []uint64{1, 4}},                               // conflict at 2 drops 3
		{3, 3, []Entry{{Index: 4, Term: 3}, {Index: 5, Term: 4}}, []uint64{1, 2, 3, 3, 4}}, // append
	}
	for i, tt := range tests {
		n := newNodeWithLog(t, 2, ids(3), 4, ents(1, 2, 3))
		require.NoError(t, n.Step(Message{Type: MsgApp, From: 1, To: 2, Term: 4, Index: tt.index,
			LogTerm: tt.logTerm, Entries: tt.entries}))
		require.Equal(t, tt.want, logTerms(t, n), "case %d", i)
		rd := persist(t, n)
		if len(tt.want) == 3 && tt.want[2] == 3 {
			require.Empty(t, rd.Entries, "case %d: nothing to persist when all entries match", i)
		}
	}
}

// 5.3: after a rejection the leader decrements nextIndex and retries until
// the logs match; the conflict hint skips a whole term per round trip.
func TestPaper_5_3_LeaderBacksOffWithHint(t *testing.T) {
	// Leader log: terms 1 1 1 4 4 4 (leader of term 5 after its no-op: +5).
	// Follower log: terms 1 1 1 2 2 2 2 2 (missing term 4, extra term 2).
	leader := newNodeWithLog(t, 1, ids(2), 4, ents(1, 1, 1, 4, 4, 4))
	leader.Campaign()
	require.NoError(t, leader.Step(Message{Type: MsgVoteResp, From: 2, To: 1, Term: 5}))
	follower := newNodeWithLog(t, 2, ids(2), 5, ents(1, 1, 1, 2, 2, 2, 2, 2))
	rounds := 0
	for msgs := readMsgs(t, leader); len(msgs) > 0; msgs = readMsgs(t, leader) {
		rounds++
		require.Less(t, rounds, 10)
		for _, m := range msgs {
			require.NoError(t, follower.Step(m))
		}
		for _, m := range readMsgs(t, follower) {
			require.NoError(t, leader.Step(m))
		}
	}
	require.Equal(t, logTerms(t, leader), logTerms(t, follower))
	require.LessOrEqual(t, rounds, 3, "one probe, one hinted retry, then commit")
	require.Equal(t, uint64(7), leader.log.committed)
}

// 5.4.1: the voter denies its vote if its own log is more up-to-date than the
// candidate's: compare the terms of the last entries, then the lengths.
func TestPaper_5_4_1_VoterRejectsLessUpToDateLog(t *testing.T) {
	// Voter log: terms 1 2 2 (last term 2, last index 3).
	tests := []struct {
		lastIndex, lastTerm uint64
		grant               bool
	}{
		{3, 2, true}, {4, 2, true}, {2, 2, false}, {1, 3, true}, {5, 1, false}, {0, 0, false},
	}
	for _, tt := range tests {
		n := newNodeWithLog(t, 1, ids(3), 2, ents(1, 2, 2))
		require.NoError(t, n.Step(Message{Type: MsgVote, From: 2, To: 1, Term: 3, Index: tt.lastIndex, LogTerm: tt.lastTerm}))
		msgs := readMsgs(t, n)
		require.Len(t, msgs, 1)
		require.Equal(t, !tt.grant, msgs[0].Reject, "candidate %d/%d", tt.lastIndex, tt.lastTerm)
	}
}

// 5.4.2: only entries from the current term are committed by counting
// replicas; earlier entries commit indirectly, with the current term's.
func TestPaper_5_4_2_OnlyCurrentTermCommitsByCounting(t *testing.T) {
	// Node 1 holds entry 1 of term 1 uncommitted and becomes leader of term 3.
	n := newNodeWithLog(t, 1, ids(3), 2, ents(1))
	campaignPersisted(t, n)
	require.NoError(t, n.Step(Message{Type: MsgVoteResp, From: 2, To: 1, Term: 3}))
	require.Equal(t, Leader, n.role)
	require.Equal(t, []uint64{1, 3}, logTerms(t, n), "5.4.2/8: a new leader appends a no-op of its term")
	// A majority stores entry 1 (term 1): not committed by counting.
	require.NoError(t, n.Step(Message{Type: MsgAppResp, From: 2, To: 1, Term: 3, Index: 1}))
	require.Equal(t, uint64(0), n.log.committed)
	// A majority stores the no-op (term 3): both commit.
	require.NoError(t, n.Step(Message{Type: MsgAppResp, From: 2, To: 1, Term: 3, Index: 2}))
	require.Equal(t, uint64(2), n.log.committed)
}

// 5.4.2 (defect CommitOldTerm): with the rule off, the earlier-term entry
// commits by counting, which Figure 8 shows to be unsafe.
func TestDefect_CommitOldTerm(t *testing.T) {
	n := newNodeWithLog(t, 1, ids(3), 2, ents(1), func(c *Config) { c.Defects.CommitOldTerm = true })
	campaignPersisted(t, n)
	require.NoError(t, n.Step(Message{Type: MsgVoteResp, From: 2, To: 1, Term: 3}))
	require.NoError(t, n.Step(Message{Type: MsgAppResp, From: 2, To: 1, Term: 3, Index: 1}))
	require.Equal(t, uint64(1), n.log.committed)
}

// 5.5 / Figure 2: restart recovers exactly the persisted state (term, vote,
// commit, log); nothing volatile survives.
func TestPaper_RestartRecoversPersistedState(t *testing.T) {
	nw := newNetwork(t, 3)
	l := nw.tickUntilLeader(100)
	nw.propose(l, "a")
	nw.propose(l, "b")
	nw.stabilize()
	before := nw.nodes[2].Status()
	nw.crash(2)
	nw.restart(2)
	after := nw.nodes[2].Status()
	require.Equal(t, before.Term, after.Term)
	require.Equal(t, before.Vote, after.Vote)
	require.Equal(t, before.LastIndex, after.LastIndex)
	require.Equal(t, before.LastTerm, after.LastTerm)
	require.GreaterOrEqual(t, after.Commit, uint64(0))
	require.Equal(t, nw.stores[2].hard.Commit, after.Commit)
	require.Equal(t, Follower, after.Role)
	require.Zero(t, after.Lead)
	require.Zero(t, after.Applied, "applied is volatile: committed entries replay")
	nw.process(2)
	require.Len(t, nw.applied[2], int(after.Commit))
}

// Client interaction (§8): a proposal to a non-leader fails with a sentinel
// error carrying the leader hint.
func TestPaper_8_ProposalToFollowerRedirects(t *testing.T) {
	n := newTestNode(t, 2, ids(3))
	_, _, err := n.Propose([]byte("x"))
	require.ErrorIs(t, err, ErrNotLeader)
	require.NoError(t, n.Step(Message{Type: MsgHeartbeat, From: 1, To: 2, Term: 1}))
	_, _, err = n.Propose([]byte("x"))
	var nle *NotLeaderError
	require.True(t, errors.As(err, &nle))
	require.Equal(t, uint64(1), nle.Leader)
	require.Contains(t, err.Error(), "leader hint 1")
}
