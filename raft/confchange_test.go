package raft

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// Membership changes (thesis §4): joint consensus with auto-leave,
// single-server changes, configuration in snapshots and on restart.

// newNetworkVoters is newNetwork with size nodes of which only voters are
// the initial configuration; the others join later.
func newNetworkVoters(t tb, size int, voters []uint64, opts ...func(*Config)) *network {
	nw := newNetwork(t, size, opts...)
	nw.voters = voters
	for _, id := range nw.peers {
		nw.rands[id].(*seqRand).i = 0
		nw.start(id)
	}
	return nw
}

func cc(simple bool, changes ...ConfChangeSingle) ConfChange {
	return ConfChange{Changes: changes, Simple: simple}
}

func addVoter(id uint64) ConfChangeSingle   { return ConfChangeSingle{ConfAddVoter, id} }
func addLearner(id uint64) ConfChangeSingle { return ConfChangeSingle{ConfAddLearner, id} }
func removeNode(id uint64) ConfChangeSingle { return ConfChangeSingle{ConfRemoveNode, id} }

func (nw *network) proposeConf(id uint64, c ConfChange) uint64 {
	idx, _, err := nw.nodes[id].ProposeConfChange(c)
	require.NoError(nw.t, err)
	nw.process(id)
	return idx
}

func (nw *network) config(id uint64) ConfState { return nw.nodes[id].Status().Config }

func TestConfState_ApplyAndEncode(t *testing.T) {
	base := ConfState{Voters: []uint64{1, 2, 3}, Learners: []uint64{4}}
	next, err := base.apply(cc(false, addVoter(4), addVoter(5), removeNode(1)))
	require.NoError(t, err)
	require.Equal(t, ConfState{Voters: []uint64{2, 3, 4, 5}, VotersOutgoing: []uint64{1, 2, 3}}, next)
	next, err = base.apply(cc(false, addLearner(6)))
	require.NoError(t, err)
	require.False(t, next.IsJoint(), "a learner-only change needs no joint phase")
	next, err = base.apply(cc(true, addVoter(4)))
	require.NoError(t, err)
	require.Equal(t, ConfState{Voters: []uint64{1, 2, 3, 4}}, next, "simple: applied directly")
	for _, bad := range []ConfChange{
		cc(false), cc(false, addVoter(0)), cc(false, addLearner(2)), cc(false, removeNode(9)),
		cc(true, addVoter(4), addVoter(5)), cc(false, removeNode(1), removeNode(2), removeNode(3)),
	} {
		_, err := base.apply(bad)
		require.ErrorIs(t, err, ErrInvalidConfChange, "%+v", bad)
	}
	joint := ConfState{Voters: []uint64{2, 3, 4, 5}, Learners: []uint64{7}, VotersOutgoing: []uint64{1, 2, 3}}
	got, err := DecodeConfState(EncodeConfState(joint))
	require.NoError(t, err)
	require.Equal(t, joint, got)
	_, err = DecodeConfState([]byte{5, 1})
	require.ErrorIs(t, err, ErrInvalidConfChange)
}

// Seed doc "add C4, C5": the new nodes join as learners and catch up, then
// C_old,new (commit needs both majorities), then C_new by auto-leave.
func TestConf_JointAddTwoNodes(t *testing.T) {
	nw := newNetworkVoters(t, 5, ids(3))
	l := nw.tickUntilLeader(100)
	for _, d := range []string{"a", "b", "c"} {
		nw.propose(l, d)
	}
	nw.proposeConf(l, cc(false, addLearner(4), addLearner(5)))
	nw.stabilize()
	nw.tick(3)
	for _, id := range []uint64{4, 5} {
		require.Equal(t, ConfState{Voters: ids(3), Learners: []uint64{4, 5}}, nw.config(id))
		require.Equal(t, nw.nodes[l].log.lastIndex(), nw.nodes[id].log.lastIndex(), "learner %d caught up", id)
		require.Equal(t, Follower, nw.nodes[id].role, "learners never campaign")
	}
	// C_old,new: while nodes 2 and 3 are cut off, the new majority {1,4,5}
	// is not enough: the old one must agree too.
	nw.isolate(2) // 1, 4 and 5 still reach each other
	nw.isolate(3)
	joint := nw.proposeConf(l, cc(false, addVoter(4), addVoter(5)))
	require.Equal(t, ConfState{Voters: ids(5), VotersOutgoing: ids(3)}, nw.config(l), "takes effect when appended")
	_, _, err := nw.nodes[l].ProposeConfChange(cc(false, removeNode(2)))
	require.ErrorIs(t, err, ErrConfChangePending, "one change at a time")
	nw.stabilize()
	require.Less(t, nw.nodes[l].log.committed, joint, "no commit without a majority of C_old")
	nw.heal()
	nw.tick(3)
	for _, id := range nw.peers {
		require.Equal(t, ConfState{Voters: ids(5)}, nw.config(id), "node %d left the joint config", id)
		require.Equal(t, nw.nodes[l].log.committed, nw.nodes[id].log.committed)
	}
	require.Equal(t, EntryConfChange, nw.entryAt(l, joint+1).Type, "the leader appended C_new itself")
	// C_new of five: a proposal commits with {1,4,5}.
	nw.isolate(2)
	nw.isolate(3)
	idx := nw.propose(l, "d")
	nw.stabilize()
	require.GreaterOrEqual(t, nw.nodes[l].log.committed, idx)
}

// Elections in C_old,new need a majority of both: node 4 (a new voter)
// gets 4, 5 and 2 (a majority of C_new) but only 2 of C_old until 3 answers.
func TestConf_JointElectionNeedsBothMajorities(t *testing.T) {
	nw := newNetworkVoters(t, 5, ids(3))
	l := nw.tickUntilLeader(100)
	require.Equal(t, uint64(1), l)
	nw.proposeConf(l, cc(false, addLearner(4), addLearner(5)))
	nw.stabilize()
	nw.tick(2)
	// The joint entry reaches everyone, but no ack reaches the leader: it
	// stays uncommitted and the configuration stays joint.
	nw.filter = func(m *Message) bool { return m.Type != MsgAppResp }
	nw.proposeConf(l, cc(false, addVoter(4), addVoter(5)))
	nw.stabilize()
	nw.filter = nil
	for _, id := range nw.peers {
		require.True(t, nw.config(id).IsJoint(), "node %d", id)
	}
	nw.crash(1)
	nw.isolate(3)
	nw.campaign(4)
	require.Equal(t, Candidate, nw.nodes[4].role, "3 of 5 in C_new, 1 of 3 in C_old: not elected")
	nw.heal()
	nw.campaign(4)
	require.Equal(t, Leader, nw.nodes[4].role)
	nw.tick(3)
	require.Equal(t, ConfState{Voters: ids(5)}, nw.config(4), "the new leader leaves the joint config")
}

// A leader removed by C_new keeps leading through the joint phase and steps
// down once C_new commits; it never campaigns again.
func TestConf_RemoveLeader(t *testing.T) {
	nw := newNetwork(t, 3)
	l := nw.tickUntilLeader(100)
	nw.propose(l, "a")
	nw.proposeConf(l, cc(false, removeNode(l)))
	require.Equal(t, Leader, nw.nodes[l].role, "leads until C_new commits")
	nw.stabilize()
	require.Equal(t, Follower, nw.nodes[l].role)
	var rest []uint64
	for _, id := range nw.peers {
		if id != l {
			rest = append(rest, id)
		}
	}
	for _, id := range nw.peers {
		require.Equal(t, ConfState{Voters: rest}, nw.config(id))
	}
	nl := nw.tickUntilLeader(100)
	require.NotEqual(t, l, nl)
	nw.tick(50)
	require.NotEqual(t, Leader, nw.nodes[l].role, "a removed node does not campaign")
	require.Equal(t, nl, nw.leader())
	idx := nw.propose(nl, "b")
	nw.stabilize()
	for _, id := range rest {
		require.GreaterOrEqual(t, nw.nodes[id].log.committed, idx)
	}
}

// A leader of two voters removes itself by a single-server change that
// reaches no one: it holds the only copy of C_new = {2}, in which it is no
// voter, and refuses node 2 its vote (its log is longer). It must still
// campaign (thesis §4.2.2), win with node 2's vote, commit C_new and step
// down; then node 2 leads alone. Before the fix the pair waited forever.
func TestConf_RemovedLeaderCutOffStillCampaigns(t *testing.T) {
	nw := newNetworkVoters(t, 2, ids(2))
	nw.campaign(1)
	require.Equal(t, Leader, nw.nodes[1].role)
	nw.propose(1, "a")
	nw.stabilize()
	nw.isolate(1)
	nw.proposeConf(1, cc(true, removeNode(1)))
	nw.stabilize()
	require.Equal(t, []uint64{2}, nw.config(1).Voters)
	require.Equal(t, ids(2), nw.config(2).Voters)
	nw.crash(1)
	nw.restart(1) // a follower now, with C_new uncommitted in its log
	nw.heal()
	l := nw.tickUntilLeader(400)
	require.NotZero(t, l)
	nw.stabilize()
	nw.tick(100)
	require.Equal(t, uint64(2), nw.leader(), "node 2 leads once C_new commits")
	require.Equal(t, []uint64{2}, nw.config(2).Voters)
	idx := nw.propose(2, "b")
	nw.stabilize()
	require.GreaterOrEqual(t, nw.nodes[2].log.committed, idx)
}

// With CheckQuorum, a node ignores vote requests while it heard from a
// leader within an election timeout (leader stickiness). A learner never
// campaigns, so its timer must not restart either: once its leader is
// silent for an election timeout it answers votes, which a candidate of a
// configuration that promotes it needs. Before the fix it answered only in
// the ticks between ET and its randomized timeout, and a joint change cut
// off with its leader left the cluster without a leader (sim seed 805).
func TestConf_LearnerAnswersVotesOnceLeaderSilent(t *testing.T) {
	nw := newNetworkVoters(t, 3, ids(2), func(c *Config) { c.CheckQuorum = true })
	nw.tick(5 * nw.nodes[1].cfg.ElectionTicks)
	l := nw.tickUntilLeader(100)
	nw.proposeConf(l, cc(false, addLearner(3)))
	nw.stabilize()
	require.Equal(t, []uint64{3}, nw.config(3).Learners)
	require.NotZero(t, nw.nodes[3].lead)
	nw.crash(1)
	nw.crash(2)
	n3 := nw.nodes[3]
	for range 4 * n3.cfg.ElectionTicks {
		n3.Tick()
	}
	last := n3.log.lastIndex()
	require.NoError(t, n3.Step(Message{From: 2, To: 3, Type: MsgVote, Term: n3.term + 1, Index: last, LogTerm: n3.log.lastTerm()}))
	rd := n3.Ready()
	require.True(t, slices.ContainsFunc(rd.Messages, func(m Message) bool { return m.Type == MsgVoteResp && m.To == 2 && !m.Reject }),
		"the learner grants the vote: %v", rd.Messages)
}

// Replace a crashed node: 3 is down; 4 joins as a learner, then one joint
// change swaps 4 in and 3 out; the new cluster tolerates another failure of its own.
func TestConf_ReplaceCrashedNode(t *testing.T) {
	nw := newNetworkVoters(t, 4, ids(3))
	nw.campaign(1)
	nw.crash(3)
	nw.proposeConf(1, cc(false, addLearner(4)))
	nw.stabilize()
	nw.proposeConf(1, cc(false, addVoter(4), removeNode(3)))
	nw.stabilize()
	nw.tick(2)
	for _, id := range []uint64{1, 2, 4} {
		require.Equal(t, ConfState{Voters: []uint64{1, 2, 4}}, nw.config(id))
	}
	nw.crash(2)
	idx := nw.propose(1, "x")
	nw.stabilize()
	require.GreaterOrEqual(t, nw.nodes[4].log.committed, idx, "{1,4} is a majority of {1,2,4}")
}

// Single-server changes (thesis §4.1) and Ongaro's 2015 bug: a new leader
// that changes membership before committing an entry of its term can race a
// change of the previous leader. The safe core refuses; the planted defect
// lets the race lose a committed entry.
func TestConf_SingleServerOngaroRace(t *testing.T) {
	for _, unsafe := range []bool{false, true} {
		t.Run(map[bool]string{false: "safe", true: "SingleServerUnsafe"}[unsafe], func(t *testing.T) {
			nw := newNetworkVoters(t, 5, ids(4), func(c *Config) { c.Defects.SingleServerUnsafe = unsafe })
			nw.campaign(1)
			require.Equal(t, Leader, nw.nodes[1].role)
			// S1 (term 1) adds S5 by a single-server change that reaches only S5.
			nw.filter = func(m *Message) bool { return m.From != 1 || m.To == 5 }
			nw.proposeConf(1, cc(true, addVoter(5)))
			nw.stabilize()
			require.Equal(t, ids(5), nw.config(5).Voters)
			require.Equal(t, ids(4), nw.config(2).Voters)
			nw.crash(1)
			// S2 wins term 2 with S3 and S4; its no-op reaches only S3.
			nw.filter = func(m *Message) bool { return m.To != 4 || m.Type != MsgApp }
			nw.campaign(2)
			require.Equal(t, Leader, nw.nodes[2].role)
			_, _, err := nw.nodes[2].ProposeConfChange(cc(true, removeNode(1)))
			if !unsafe {
				require.ErrorIs(t, err, ErrConfChangePending, "no entry of term 2 committed yet")
				return
			}
			require.NoError(t, err)
			nw.process(2)
			nw.stabilize()
			require.Equal(t, uint64(3), nw.nodes[3].log.committed, "C2 = {2,3,4} committed by {2,3}")
			// S1 returns and wins term 3 with S4 and S5 under C1 = {1..5}.
			nw.filter = nil
			nw.crash(2)
			nw.isolate(3)
			nw.restart(1)
			for i := 0; i < 3 && nw.nodes[1].role != Leader; i++ {
				nw.campaign(1)
			}
			require.Equal(t, Leader, nw.nodes[1].role)
			require.GreaterOrEqual(t, nw.nodes[1].log.committed, uint64(3))
			require.NotEqual(t, nw.entryAt(1, 3).Term, nw.entryAt(3, 3).Term,
				"two different entries committed at index 3: State Machine Safety broken")
		})
	}
}

// The configuration is part of a snapshot; a restarted node recovers it
// from the snapshot plus the configuration entries of its log suffix.
func TestConf_RestartFromSnapshotAndSuffix(t *testing.T) {
	nw := newNetworkVoters(t, 4, ids(3))
	nw.campaign(1)
	nw.proposeConf(1, cc(false, addLearner(4)))
	nw.propose(1, "a")
	nw.stabilize()
	applied := nw.nodes[1].log.applied
	snap, err := nw.stores[1].CreateSnapshot(applied, nil, []byte("image"))
	require.NoError(t, err)
	require.Equal(t, ConfState{Voters: ids(3), Learners: []uint64{4}}, snap.Metadata.ConfState)
	require.NoError(t, nw.stores[1].Compact(applied))
	nw.proposeConf(1, cc(false, addVoter(4)))
	nw.stabilize()
	nw.propose(1, "b")
	nw.stabilize()
	before := nw.nodes[1].Status()
	require.Equal(t, ConfState{Voters: ids(4)}, before.Config)
	for _, id := range nw.peers {
		nw.crash(id)
		nw.restart(id)
		after := nw.nodes[id].Status()
		require.Equal(t, before.Config, after.Config, "node %d", id)
		require.Equal(t, before.LastIndex, after.LastIndex, "node %d", id)
	}
	// Only the snapshot's part, no later entry: the snapshot's ConfState.
	s := NewMemoryStorage()
	require.NoError(t, s.ApplySnapshot(snap))
	n, err := NewNode(testConfig(4, ids(3), s))
	require.NoError(t, err)
	require.Equal(t, ConfState{Voters: ids(3), Learners: []uint64{4}}, n.Status().Config)
	n.Campaign()
	require.Equal(t, Follower, n.role, "a learner does not campaign")
}

// A joint change whose old half commits on the ack of a node it removes:
// the leader leaves C_old,new at once (auto-leave), dropping that node's
// progress while still handling its reply. Found by the simulator's
// membership workload (a nil progress dereference before the fix).
func TestConf_AutoLeaveOnRemovedNodesAck(t *testing.T) {
	nw := newNetwork(t, 5)
	nw.campaign(1)
	require.Equal(t, Leader, nw.nodes[1].role)
	// Only 1 and 2 talk: C_new = {1,2,5} has its majority, C_old does not.
	nw.filter = func(m *Message) bool { return m.From <= 2 && m.To <= 2 }
	idx := nw.proposeConf(1, cc(false, removeNode(3), removeNode(4)))
	nw.stabilize()
	require.Less(t, nw.nodes[1].log.committed, idx)
	st := nw.nodes[1].Status()
	require.Equal(t, idx, st.ConfigIndex)
	require.True(t, st.Config.IsJoint())
	m, ok := nw.nodes[1].Match(2)
	require.True(t, ok)
	require.Equal(t, idx, m)
	// Node 3's ack is the third of C_old: the joint entry commits on it.
	nw.filter = func(m *Message) bool { return m.From <= 3 && m.To <= 3 }
	nw.tick(1)
	nw.stabilize()
	st = nw.nodes[1].Status()
	require.Equal(t, ConfState{Voters: []uint64{1, 2, 5}}, st.Config)
	require.Greater(t, st.ConfigIndex, idx, "C_new appended by the leader")
	_, ok = nw.nodes[1].Match(3)
	require.False(t, ok, "no progress for a removed node")
	_, ok = nw.nodes[2].Match(1)
	require.False(t, ok, "a follower knows no match")
}

// The joint-quorum defects, each against the correct rule: with C_old
// {1,2,3} and C_new {1..5}, node 4 wins an election with votes of 4, 5 and
// 2 only under joint-quorum-new-only-votes, and leader 1 cut off from 2 and
// 3 commits the joint entry (stored by 1, 4, 5) only under
// joint-quorum-new-only-commit.
func TestConf_JointQuorumNewOnlyDefects(t *testing.T) {
	for _, defect := range []bool{false, true} {
		nw := newNetworkVoters(t, 5, ids(3), func(c *Config) { c.Defects.JointQuorumNewOnlyVotes = defect })
		l := nw.tickUntilLeader(100)
		require.Equal(t, uint64(1), l)
		nw.proposeConf(l, cc(false, addLearner(4), addLearner(5)))
		nw.stabilize()
		nw.tick(2)
		nw.filter = func(m *Message) bool { return m.Type != MsgAppResp }
		nw.proposeConf(l, cc(false, addVoter(4), addVoter(5)))
		nw.stabilize()
		nw.filter = nil
		require.True(t, nw.config(4).IsJoint())
		nw.crash(l)
		nw.isolate(3)
		nw.campaign(4)
		want := Candidate
		if defect {
			want = Leader
		}
		require.Equal(t, want, nw.nodes[4].role, "votes defect %v", defect)
	}
	for _, defect := range []bool{false, true} {
		nw := newNetworkVoters(t, 5, ids(3), func(c *Config) { c.Defects.JointQuorumNewOnlyCommit = defect })
		l := nw.tickUntilLeader(100)
		require.Equal(t, uint64(1), l)
		nw.proposeConf(l, cc(false, addLearner(4), addLearner(5)))
		nw.stabilize()
		nw.tick(2)
		nw.isolate(2)
		nw.isolate(3)
		joint := nw.proposeConf(l, cc(false, addVoter(4), addVoter(5)))
		nw.stabilize()
		require.Equal(t, defect, nw.nodes[l].log.committed >= joint, "commit defect %v", defect)
	}
}
