package etcdraft

import (
	"errors"
	"testing"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
)

// TestSnapshotLeavingOutAMemberIsWithheld: etcd's restore ignores a
// snapshot whose ConfState lacks the recipient, so Storage.Snapshot withholds
// one that leaves out a member of the applied configuration and the node
// asks its host for a fresh one; a snapshot holding every member (a removed
// node may stay in it) is handed out as stored.
func TestSnapshotLeavingOutAMemberIsWithheld(t *testing.T) {
	ms := raft.NewMemoryStorage()
	meta := raftpb.SnapshotMetadata{Index: 10, Term: 2, ConfState: raftpb.ConfState{Voters: []uint64{1, 2, 3}}}
	if err := ms.ApplySnapshot(raftpb.Snapshot{Metadata: meta, Data: []byte("kv")}); err != nil {
		t.Fatal(err)
	}
	n := &node{}
	s := &storage{MemoryStorage: ms, peers: []uint64{1, 2, 3}, n: n}
	for _, cs := range []raftpb.ConfState{
		{Voters: []uint64{1, 2, 3}, Learners: []uint64{4}},             // a learner added after the compaction
		{Voters: []uint64{1, 2, 4}, VotersOutgoing: []uint64{1, 2, 3}}, // joint, entering voter 4
		{Voters: []uint64{1, 2, 3, 5}, Learners: []uint64{4}},          // two new members
	} {
		n.conf, n.wantSnap = cs, false
		if _, err := s.Snapshot(); !errors.Is(err, raft.ErrSnapshotTemporarilyUnavailable) || !n.wantSnap {
			t.Fatalf("conf %v: snapshot of %v: err %v, wantSnap %v; want withheld and asked for", cs, meta.ConfState, err, n.wantSnap)
		}
	}
	for _, cs := range []raftpb.ConfState{
		{Voters: []uint64{1, 2, 3}},
		{Voters: []uint64{1, 2}, Learners: []uint64{3}}, // demoted: still in the snapshot
		{Voters: []uint64{2, 3}},                        // 1 removed
	} {
		n.conf, n.wantSnap = cs, false
		snap, err := s.Snapshot()
		if err != nil || n.wantSnap || snap.Metadata.Index != 10 || string(snap.Data) != "kv" {
			t.Fatalf("conf %v: got snapshot at %d (%q), err %v, wantSnap %v; want the stored one", cs, snap.Metadata.Index, snap.Data, err, n.wantSnap)
		}
	}
}
