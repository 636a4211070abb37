package raftr

import (
	"hash/fnv"
	"testing"

	"github.com/faultline-sim/faultline/raft"
)

// hashData must stay hash/fnv's FNV-1a of type byte then data: entry hashes
// reach traces and checkers.
func TestHashDataIsFNV1a(t *testing.T) {
	for _, tc := range []struct {
		typ  raft.EntryType
		data string
	}{{raft.EntryNormal, ""}, {raft.EntryNormal, "put k v"}, {raft.EntryConfChange, "\x00\xff conf"}} {
		h := fnv.New64a()
		h.Write([]byte{byte(tc.typ)})
		h.Write([]byte(tc.data))
		if got, want := hashData(tc.typ, []byte(tc.data)), h.Sum64(); got != want {
			t.Errorf("hashData(%d, %q) = %x, want %x", tc.typ, tc.data, got, want)
		}
	}
}
