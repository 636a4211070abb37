package raft

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMessage_CloneIsDeep(t *testing.T) {
	m := Message{Type: MsgApp, Entries: []Entry{{Index: 1, Term: 1, Data: []byte("a")}},
		Snapshot: Snapshot{Data: []byte("s"), Metadata: SnapshotMetadata{Index: 1, ConfState: ConfState{Voters: []uint64{1}}}},
		Context:  []byte("c")}
	c := m.Clone()
	require.Equal(t, m, c)
	c.Entries[0].Data[0] = 'x'
	c.Entries[0].Term = 9
	c.Snapshot.Data[0] = 'x'
	c.Snapshot.Metadata.ConfState.Voters[0] = 9
	c.Context[0] = 'x'
	require.Equal(t, "a", string(m.Entries[0].Data))
	require.Equal(t, uint64(1), m.Entries[0].Term)
	require.Equal(t, "s", string(m.Snapshot.Data))
	require.Equal(t, uint64(1), m.Snapshot.Metadata.ConfState.Voters[0])
	require.Equal(t, "c", string(m.Context))
}

func TestMessage_String(t *testing.T) {
	tests := []struct {
		m    Message
		want string
	}{
		{Message{Type: MsgApp, From: 1, To: 2, Term: 3, LogTerm: 2, Index: 5, Commit: 4,
			Entries: []Entry{{Index: 6}, {Index: 7}}}, "App 1->2 t3 lt2 i5 c4 ents=2[6..7]"},
		{Message{Type: MsgAppResp, From: 2, To: 1, Term: 3, Index: 5, Reject: true, RejectHint: 4, RejectTerm: 2},
			"AppResp 2->1 t3 i5 reject hint=4/2"},
		{Message{Type: MsgPreVote, From: 1, To: 3, Term: 4, LogTerm: 2, Index: 9}, "PreVote 1->3 t4 lt2 i9"},
		{Message{Type: MsgVoteResp, From: 3, To: 1, Term: 4, Reject: true}, "VoteResp 3->1 t4 reject"},
		{Message{Type: MsgHeartbeat, From: 1, To: 2, Term: 4, Commit: 7}, "Heartbeat 1->2 t4 c7"},
		{Message{Type: MsgSnap, From: 1, To: 2, Term: 4, Snapshot: Snapshot{Metadata: SnapshotMetadata{Index: 9, Term: 3}}, SnapDone: true},
			"Snap 1->2 t4 snap=9/3"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tt.m.String())
	}
	require.Equal(t, "MessageType(42)", MessageType(42).String())
	require.Equal(t, "HeartbeatResp", MsgHeartbeatResp.String())
	require.Equal(t, "Empty", EntryEmpty.String())
	require.Equal(t, "PreCandidate", PreCandidate.String())
}

func TestConfig_Validate(t *testing.T) {
	tests := []struct {
		mod  func(*Config)
		want string
	}{
		{func(c *Config) {}, ""},
		{func(c *Config) { c.HeartbeatTicks = 10 }, "heartbeat_ticks: 10 >= election_ticks 10"},
		{func(c *Config) { c.Peers = nil }, "peers: empty"},
		{func(c *Config) { c.Peers = []uint64{1, 2, 2} }, "peers: duplicate id 2"},
		{func(c *Config) { c.Peers = []uint64{2, 3} }, ""}, // a joining node is not among the initial peers
		{func(c *Config) { c.LeaseMarginTicks = 10 }, "lease_margin_ticks: 10 not in [0, election_ticks 10)"},
		{func(c *Config) { c.MaxSnapshotChunkBytes = -1 }, "max_snapshot_chunk_bytes: -1 < 0"},
		{func(c *Config) { c.Peers = []uint64{0, 1} }, "peers: id 0 is reserved"},
		{func(c *Config) { c.ID = 0 }, "id: must be non-zero"},
		{func(c *Config) { c.ElectionTicks = 0 }, "election_ticks: 0 < 1"},
		{func(c *Config) { c.MaxInflightMsgs = -1 }, "max_inflight_msgs: -1 < 0"},
		{func(c *Config) { c.Storage = nil }, "storage: nil"},
		{func(c *Config) { c.Rand = nil }, "rand: nil"},
	}
	for _, tt := range tests {
		cfg := DefaultConfig(1, ids(3), NewMemoryStorage(), fixedRand(0))
		tt.mod(&cfg)
		err := cfg.Validate()
		if tt.want == "" {
			require.NoError(t, err)
			continue
		}
		require.ErrorIs(t, err, ErrInvalidConfig)
		require.Equal(t, "raft: invalid config: "+tt.want, err.Error())
		_, err = NewNode(cfg)
		require.ErrorIs(t, err, ErrInvalidConfig)
	}
	cfg := DefaultConfig(1, ids(3), NewMemoryStorage(), fixedRand(0))
	require.True(t, cfg.PreVote && cfg.CheckQuorum, "Pre-Vote and CheckQuorum on by default")
}

func TestStep_RejectsInvalidMessages(t *testing.T) {
	n := newTestNode(t, 1, ids(3))
	for _, m := range []Message{
		{Type: MsgApp, From: 2, To: 3, Term: 1},
		{Type: MsgApp, From: 0, To: 1, Term: 1},
		{Type: MsgApp, From: 1, To: 1, Term: 1},
		{Type: MsgApp, From: 2, To: 1},
		{Type: 0, From: 2, To: 1, Term: 1},
	} {
		err := n.Step(m)
		require.True(t, errors.Is(err, ErrInvalidMessage), "%v", m)
	}
}

// The Ready contract: HardState zero when unchanged, MustSync for term,
// vote and entries, one Ready at a time.
func TestReady_Contract(t *testing.T) {
	n := newTestNode(t, 1, ids(3))
	require.False(t, n.HasReady())
	n.Campaign()
	rd := n.Ready()
	require.Equal(t, &SoftState{Role: Candidate}, rd.SoftState)
	require.Equal(t, HardState{Term: 1, Vote: 1}, rd.HardState)
	require.True(t, rd.MustSync)
	require.Len(t, rd.Messages, 2)
	require.False(t, n.HasReady(), "nothing new until Advance")
	require.Panics(t, func() { n.Ready() })
	save(t, n, rd)
	n.Advance(rd)
	require.False(t, n.HasReady())
	require.Panics(t, func() { n.Advance(rd) })
	require.NoError(t, n.Step(Message{Type: MsgVoteResp, From: 2, To: 1, Term: 1}))
	rd = n.Ready()
	require.Equal(t, &SoftState{Lead: 1, Role: Leader}, rd.SoftState)
	require.True(t, rd.HardState.IsEmpty(), "term and vote unchanged")
	require.Equal(t, []Entry{{Term: 1, Index: 1, Type: EntryEmpty}}, rd.Entries)
	require.True(t, rd.MustSync)
	save(t, n, rd)
	n.Advance(rd)
	require.NoError(t, n.Step(Message{Type: MsgAppResp, From: 2, To: 1, Term: 1, Index: 1}))
	rd = n.Ready()
	require.Equal(t, HardState{Term: 1, Vote: 1, Commit: 1}, rd.HardState)
	require.False(t, rd.MustSync, "a commit-only change needs no sync")
	require.Len(t, rd.CommittedEntries, 1)
	save(t, n, rd)
	n.Advance(rd)
	require.Equal(t, Status{ID: 1, Term: 1, Vote: 1, Lead: 1, Role: Leader, Commit: 1, Applied: 1,
		LastIndex: 1, LastTerm: 1, Config: ConfState{Voters: ids(3)}}, n.Status())
}

// Entries replaced between Ready and Advance are not marked durable: the next
// Ready carries them again.
func TestReady_TruncationBetweenReadyAndAdvance(t *testing.T) {
	n := newNodeWithLog(t, 2, ids(3), 2, nil)
	require.NoError(t, n.Step(Message{Type: MsgApp, From: 1, To: 2, Term: 2, Entries: []Entry{{Index: 1, Term: 1}, {Index: 2, Term: 2}}}))
	rd := n.Ready()
	require.NoError(t, n.Step(Message{Type: MsgApp, From: 1, To: 2, Term: 2, Index: 0,
		Entries: []Entry{{Index: 1, Term: 2}, {Index: 2, Term: 2}}}))
	n.Advance(rd)
	rd = n.Ready()
	require.Equal(t, []Entry{{Index: 1, Term: 2}, {Index: 2, Term: 2}}, rd.Entries)
}

func TestProposalBound(t *testing.T) {
	n := electedLeader(t, 3)
	n.cfg.MaxUncommittedEntries = 2
	_, _, err := n.Propose(nil)
	require.NoError(t, err)
	_, _, err = n.Propose(nil)
	require.NoError(t, err)
	_, _, err = n.Propose(nil)
	require.ErrorIs(t, err, ErrProposalDropped)
}
