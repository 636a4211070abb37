package etcdraft

import (
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

func ents(term uint64, from, to uint64) []raftpb.Entry {
	var out []raftpb.Entry
	for i := from; i <= to; i++ {
		out = append(out, raftpb.Entry{Index: i, Term: term, Data: []byte{byte(i)}})
	}
	return out
}

// TestDiskCrashLosesUnsynced: synced writes survive, unsynced ones are lost
// but for a torn prefix, a truncation undone by a crash leaves the old
// suffix, and a compaction's two writes survive one at a time.
func TestDiskCrashLosesUnsynced(t *testing.T) {
	d := &disk{}
	hs := raftpb.HardState{Term: 2, Vote: 1, Commit: 3}
	d.push(write{ents: ents(1, 1, 5)})
	d.push(write{hard: &hs})
	d.Sync()
	d.push(write{ents: ents(2, 4, 6)}) // truncates 4..5 of term 1
	hs2 := raftpb.HardState{Term: 3, Vote: 2, Commit: 3}
	d.push(write{hard: &hs2})
	d.Crash(1) // torn: the append survives, the hard state does not
	r := d.Recovered()
	if r.Epoch != 2 || r.Commit != 3 || len(r.Log) != 6 || r.Log[3].Epoch != 2 || r.Log[5].Index != 6 {
		t.Fatalf("after a torn crash: %+v", r)
	}
	d.push(write{ents: ents(3, 2, 2)})
	d.Crash(0)
	if r := d.Recovered(); len(r.Log) != 6 || r.Log[1].Epoch != 1 {
		t.Fatalf("a lost truncation changed the log: %+v", r.Log)
	}
	snap := raftpb.Snapshot{Data: []byte("img"), Metadata: raftpb.SnapshotMetadata{Index: 4, Term: 2}}
	d.push(write{snap: &snap})
	d.push(write{trim: 4})
	d.Crash(1) // the snapshot without its trim: entries at or below 4 are hidden
	if r := d.Recovered(); r.SnapAt != 4 || len(r.Log) != 2 || r.Log[0].Index != 5 {
		t.Fatalf("snapshot without trim: %+v", r)
	}
	if d.Stats().Lost != 3 {
		t.Fatalf("lost %d writes, want 3", d.Stats().Lost)
	}
	ms, err := memoryStorage(&d.durable)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := ms.FirstIndex(); fi != 5 {
		t.Fatalf("rebuilt MemoryStorage starts at %d, want 5", fi)
	}
}

// TestDiskHoldDefersSync: send-before-sync's hold leaves the newest writes
// unsynced until the next Sync.
func TestDiskHoldDefersSync(t *testing.T) {
	d := &disk{}
	d.push(write{ents: ents(1, 1, 2)})
	d.hold = 1
	d.Sync()
	if d.Pending() != 1 {
		t.Fatalf("pending %d, want the held write", d.Pending())
	}
	d.Crash(0)
	if r := d.Recovered(); len(r.Log) != 0 {
		t.Fatalf("a held write survived a crash: %+v", r.Log)
	}
}
