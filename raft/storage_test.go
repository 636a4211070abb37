package raft

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMemoryStorage_AppendTruncates(t *testing.T) {
	s := NewMemoryStorage()
	require.NoError(t, s.Append(ents(1, 1, 2, 2)))
	require.NoError(t, s.Append([]Entry{{Index: 3, Term: 3}}))
	last, _ := s.LastIndex()
	require.Equal(t, uint64(3), last, "appending at 3 replaces 3 and 4")
	got, err := s.Entries(1, 4)
	require.NoError(t, err)
	require.Equal(t, []Entry{{Index: 1, Term: 1}, {Index: 2, Term: 1}, {Index: 3, Term: 3}}, got)
	require.Panics(t, func() { _ = s.Append([]Entry{{Index: 9, Term: 3}}) }, "a gap is a host bug")
}

func TestMemoryStorage_CompactAndSnapshot(t *testing.T) {
	s := NewMemoryStorage()
	require.NoError(t, s.Append(ents(1, 1, 2, 2, 3)))
	snap, err := s.CreateSnapshot(3, nil, []byte("state"))
	require.NoError(t, err)
	require.Equal(t, SnapshotMetadata{Index: 3, Term: 2}, snap.Metadata)
	require.NoError(t, s.Compact(3))
	first, _ := s.FirstIndex()
	require.Equal(t, uint64(4), first)
	_, err = s.Entries(3, 5)
	require.ErrorIs(t, err, ErrCompacted)
	term, err := s.Term(3)
	require.NoError(t, err, "the snapshot's own term stays available")
	require.Equal(t, uint64(2), term)
	_, err = s.Term(2)
	require.ErrorIs(t, err, ErrCompacted)
	_, err = s.Term(6)
	require.ErrorIs(t, err, ErrUnavailable)
	_, err = s.Entries(4, 7)
	require.ErrorIs(t, err, ErrUnavailable)
	require.ErrorIs(t, s.Compact(2), ErrCompacted)
	require.NoError(t, s.Append(ents(1, 1, 2, 2, 3, 3)), "compacted prefix is skipped")
	last, _ := s.LastIndex()
	require.Equal(t, uint64(6), last)
	require.ErrorIs(t, s.ApplySnapshot(Snapshot{Metadata: SnapshotMetadata{Index: 2, Term: 1}}), ErrSnapOutOfDate)
	require.NoError(t, s.ApplySnapshot(Snapshot{Metadata: SnapshotMetadata{Index: 10, Term: 4}}))
	first, _ = s.FirstIndex()
	last, _ = s.LastIndex()
	require.Equal(t, []uint64{11, 10}, []uint64{first, last})
}

func TestLog_FindConflictByTerm(t *testing.T) {
	n := newNodeWithLog(t, 1, ids(3), 5, ents(1, 1, 1, 4, 4, 5))
	tests := []struct{ index, term, wantIdx, wantTerm uint64 }{
		{6, 5, 6, 5}, {6, 4, 5, 4}, {6, 3, 3, 1}, {6, 0, 0, 0}, {2, 1, 2, 1},
	}
	for _, tt := range tests {
		i, term := n.log.findConflictByTerm(tt.index, tt.term)
		require.Equal(t, []uint64{tt.wantIdx, tt.wantTerm}, []uint64{i, term}, "%d/%d", tt.index, tt.term)
	}
}

func TestLog_UnstableOverStorage(t *testing.T) {
	n := newNodeWithLog(t, 2, ids(3), 3, ents(1, 1, 2))
	require.NoError(t, n.Step(Message{Type: MsgApp, From: 1, To: 2, Term: 3, Index: 2, LogTerm: 1,
		Entries: []Entry{{Index: 3, Term: 3}, {Index: 4, Term: 3}}}))
	require.Equal(t, []uint64{1, 1, 3, 3}, logTerms(t, n))
	rd := n.Ready()
	require.Equal(t, uint64(3), rd.Entries[0].Index, "Ready asks to replace from index 3")
	require.True(t, rd.MustSync)
}

// Invariants are asserted in the code and panic with context.
func TestInvariantPanics(t *testing.T) {
	n := newNodeWithLog(t, 1, ids(3), 2, ents(1, 2))
	require.PanicsWithValue(t, "raft: invariant broken: commit 5 out of range, last index 2",
		func() { n.log.commitTo(5) })
	n.log.commitTo(2)
	n.log.commitTo(1) // never moves back
	require.Equal(t, uint64(2), n.log.committed)
	require.Panics(t, func() { n.log.append(Entry{Index: 2, Term: 3}) }, "overwriting a committed entry")
	require.Panics(t, func() { n.log.appliedTo(3) }, "applied beyond committed")

	l := electedLeader(t, 3)
	require.PanicsWithValue(t, "raft: invariant broken: two leaders in term 1: 1 and 2",
		func() { _ = l.Step(Message{Type: MsgApp, From: 2, To: 1, Term: 1}) })
}

func TestRestartRejectsCommitBeyondLog(t *testing.T) {
	s := NewMemoryStorage()
	require.NoError(t, s.Append(ents(1)))
	require.NoError(t, s.SetHardState(HardState{Term: 1, Commit: 3}))
	require.Panics(t, func() { _, _ = NewNode(testConfig(1, ids(3), s)) })
}

// InstallSnapshot: a follower whose next entries the leader compacted away
// gets the snapshot, then the rest of the log.
func TestSnapshot_LaggingFollowerCatchesUp(t *testing.T) {
	nw := newNetwork(t, 3)
	l := nw.tickUntilLeader(100)
	lag := uint64(3)
	if l == lag {
		lag = 2
	}
	nw.crash(lag)
	for i := range 10 {
		nw.propose(l, "e"+itoa(i))
	}
	nw.stabilize()
	applied := nw.nodes[l].log.applied
	_, err := nw.stores[l].CreateSnapshot(applied, nil, []byte("image"))
	require.NoError(t, err)
	require.NoError(t, nw.stores[l].Compact(applied))
	nw.propose(l, "after")
	nw.restart(lag)
	nw.tick(5)
	require.Equal(t, applied, nw.stores[lag].snap.Metadata.Index, "installed the snapshot")
	require.Equal(t, []byte("image"), nw.stores[lag].snap.Data)
	require.Equal(t, nw.nodes[l].log.committed, nw.nodes[lag].log.committed)
	require.Equal(t, "after", string(nw.applied[lag][len(nw.applied[lag])-1].Data))
	nw.restart(lag) // restart from a snapshot
	require.Equal(t, applied, nw.nodes[lag].log.applied)
}

// InstallSnapshot: a follower never rolls back; with the snapshot's last
// entry already in its log it keeps the suffix and only advances commit.
func TestSnapshot_FollowerKeepsMatchingSuffix(t *testing.T) {
	n := newNodeWithLog(t, 2, ids(3), 2, ents(1, 1, 2, 2))
	snap := Snapshot{Metadata: SnapshotMetadata{Index: 3, Term: 2}}
	require.NoError(t, n.Step(Message{Type: MsgSnap, From: 1, To: 2, Term: 2, Snapshot: snap, SnapDone: true}))
	require.Equal(t, []uint64{1, 1, 2, 2}, logTerms(t, n))
	require.Equal(t, uint64(3), n.log.committed)
	// A stale snapshot (at or below commit) is ignored.
	require.NoError(t, n.Step(Message{Type: MsgSnap, From: 1, To: 2, Term: 2,
		Snapshot: Snapshot{Metadata: SnapshotMetadata{Index: 2, Term: 1}}, SnapDone: true}))
	require.Equal(t, uint64(3), n.log.committed)
	// A conflicting newer snapshot replaces the log.
	require.NoError(t, n.Step(Message{Type: MsgSnap, From: 1, To: 2, Term: 2,
		Snapshot: Snapshot{Metadata: SnapshotMetadata{Index: 6, Term: 2}}, SnapDone: true}))
	require.Equal(t, uint64(6), n.log.lastIndex())
	rd := persist(t, n)
	require.Equal(t, uint64(6), rd.Snapshot.Metadata.Index)
	require.Empty(t, rd.CommittedEntries)
	require.Equal(t, uint64(6), n.Status().Applied)
}

// InstallSnapshot in chunks of MaxSnapshotChunkBytes: the follower installs
// only the complete image, with its configuration.
func TestSnapshot_ChunkedInstall(t *testing.T) {
	nw := newNetwork(t, 3, func(c *Config) { c.MaxSnapshotChunkBytes = 3 })
	l := nw.tickUntilLeader(100)
	lag := uint64(3)
	if l == lag {
		lag = 2
	}
	nw.crash(lag)
	for i := range 5 {
		nw.propose(l, "e"+itoa(i))
	}
	nw.stabilize()
	applied := nw.nodes[l].log.applied
	_, err := nw.stores[l].CreateSnapshot(applied, nil, []byte("0123456789"))
	require.NoError(t, err)
	require.NoError(t, nw.stores[l].Compact(applied))
	var chunks []Message
	nw.filter = func(m *Message) bool {
		if m.Type == MsgSnap {
			chunks = append(chunks, m.Clone())
		}
		return true
	}
	nw.restart(lag)
	nw.tick(3)
	require.Len(t, chunks, 4)
	require.Equal(t, "Snap 1->3 t1 snap=6/1 off=9 len=1 done", chunks[3].String())
	require.Equal(t, []byte("0123456789"), nw.stores[lag].snap.Data)
	require.True(t, nw.stores[lag].snap.Metadata.ConfState.IsEmpty(), "no configuration entry yet: Config.Peers")
	require.Equal(t, ConfState{Voters: ids(3)}, nw.config(lag))
	require.Equal(t, nw.nodes[l].log.committed, nw.nodes[lag].log.committed)
}

// A term change drops the assembly and the chunks held ahead of it; chunks
// of an earlier term are ignored; a fresh offset-0 chunk restarts it.
func TestSnapshot_ChunksOutOfOrderOrOldTermDiscarded(t *testing.T) {
	n := newTestNode(t, 2, ids(3))
	md := SnapshotMetadata{Index: 5, Term: 1}
	chunk := func(term, off uint64, data string, done bool) Message {
		return Message{Type: MsgSnap, From: 1, To: 2, Term: term, SnapOffset: off, SnapDone: done,
			Snapshot: Snapshot{Data: []byte(data), Metadata: md}}
	}
	installed := func() bool { return n.log.unstable.snapshot != nil }
	require.NoError(t, n.Step(chunk(1, 0, "abc", false)))
	require.NoError(t, n.Step(chunk(1, 6, "gh", true)))
	require.False(t, installed(), "gap: held, not installed")
	require.NoError(t, n.Step(chunk(2, 3, "def", false)))
	require.False(t, installed())
	require.NoError(t, n.Step(chunk(2, 6, "gh", true)))
	require.False(t, installed(), "the term-1 assembly died with the term")
	require.NoError(t, n.Step(chunk(1, 0, "abc", false)))
	require.False(t, installed(), "old term: ignored")
	require.NoError(t, n.Step(chunk(2, 0, "abc", false)))
	require.NoError(t, n.Step(chunk(2, 3, "def", false)))
	require.NoError(t, n.Step(chunk(2, 6, "gh", true)))
	require.True(t, installed())
	rd := persist(t, n)
	require.Equal(t, "abcdefgh", string(rd.Snapshot.Data))
	require.Equal(t, uint64(5), n.log.committed)
}

// Chunks the network reordered assemble in any order (seed 15938: a
// follower that discarded them never caught up); a duplicate changes nothing.
func TestSnapshotChunksOutOfOrder(t *testing.T) {
	md := SnapshotMetadata{Index: 5, Term: 1}
	chunk := func(off uint64, data string, done bool) Message {
		return Message{Type: MsgSnap, From: 1, To: 2, Term: 1, SnapOffset: off, SnapDone: done,
			Snapshot: Snapshot{Data: []byte(data), Metadata: md}}
	}
	for _, order := range [][]int{{2, 1, 0}, {1, 0, 2}, {2, 0, 2, 1}, {0, 2, 1}} {
		n := newTestNode(t, 2, ids(3))
		parts := []Message{chunk(0, "abc", false), chunk(3, "def", false), chunk(6, "gh", true)}
		for _, k := range order {
			require.NoError(t, n.Step(parts[k]))
		}
		rd := persist(t, n)
		require.Equal(t, "abcdefgh", string(rd.Snapshot.Data), "order %v", order)
		require.Equal(t, uint64(5), n.log.committed)
	}
}

// The planted snapshot defects: SnapshotRollback installs an older snapshot
// than applied; SnapshotDropsSuffix discards a matching suffix.
func TestSnapshot_PlantedDefects(t *testing.T) {
	snap := func(i, term uint64) Message {
		return Message{Type: MsgSnap, From: 1, To: 2, Term: 2, SnapDone: true,
			Snapshot: Snapshot{Metadata: SnapshotMetadata{Index: i, Term: term}}}
	}
	n := newNodeWithLog(t, 2, ids(3), 2, ents(1, 1, 2, 2), func(c *Config) { c.Defects.SnapshotDropsSuffix = true })
	require.NoError(t, n.Step(snap(3, 2)))
	require.Equal(t, uint64(3), n.log.lastIndex(), "suffix at 4 dropped")

	n = newNodeWithLog(t, 2, ids(3), 2, ents(1, 1, 2, 2), func(c *Config) { c.Defects.SnapshotRollback = true })
	require.NoError(t, n.Step(Message{Type: MsgApp, From: 1, To: 2, Term: 2, Index: 4, LogTerm: 2, Commit: 4}))
	persist(t, n)
	require.Equal(t, uint64(4), n.log.applied)
	require.NoError(t, n.Step(snap(2, 1)))
	require.Equal(t, uint64(2), n.log.lastIndex(), "rolled back below applied")
}
