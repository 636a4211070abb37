package raftr

import (
	"testing"

	"github.com/faultline-sim/faultline/raft"
	"github.com/faultline-sim/faultline/replica"
)

type fixedRand struct{}

func (fixedRand) IntN(n int) int { return 0 }
func (fixedRand) Uint64() uint64 { return 1 }

// A delivered message's struct and Entries array are reused for a later
// clone: what raft appended from it must not change when they are.
func TestPooledEntriesDoNotReachTheLog(t *testing.T) {
	p := Protocol{}
	rep, err := p.Boot(replica.Config{ID: 2, Peers: []uint64{1, 2}, ElectionTicks: 10, HeartbeatTicks: 1,
		MaxEntries: 8, MaxInflight: 8, Rand: fixedRand{}}, p.NewStore())
	if err != nil {
		t.Fatal(err)
	}
	r := rep.(*node)
	app := func(data string) *message {
		m := raft.Message{Type: raft.MsgApp, From: raftID(1), To: raftID(2), Term: 1,
			Entries: []raft.Entry{{Term: 1, Index: 1, Type: raft.EntryNormal, Data: []byte(data)}}}
		return &message{view: &m, pool: r}
	}
	first := app("first").Clone().(*message)
	r.Step(first)
	if len(r.free) != 1 || r.free[0] != first || cap(first.m.Entries) < 1 {
		t.Fatalf("the stepped message was not pooled with its array: free %d", len(r.free))
	}
	arr := &first.m.Entries[:1][0]
	second := app("other").Clone().(*message)
	if second != first || &second.m.Entries[0] != arr {
		t.Fatal("the next clone did not reuse the pooled struct and array")
	}
	rd := r.Ready()
	if len(rd.Appended) != 1 {
		t.Fatalf("appended %d entries, want 1", len(rd.Appended))
	}
	if got, want := rd.Appended[0].Hash, hashData(raft.EntryNormal, []byte("first")); got != want {
		t.Fatalf("appended entry hash %x, want %x (the first message's entry)", got, want)
	}
	if got := string(r.rd.Entries[0].Data); got != "first" {
		t.Fatalf("raft's entry data %q, want %q", got, "first")
	}
}
