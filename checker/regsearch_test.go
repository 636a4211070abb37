package checker

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// searchRegister must agree with porcupine's own search on every key of
// random histories, legal ones and ones with outputs spoiled at random.
func TestPropertyRegisterSearchAgreesWithPorcupine(t *testing.T) {
	legal, illegal := 0, 0
	rapid.Check(t, func(t *rapid.T) {
		ops := genHistory(t)
		for i := range ops {
			if ops[i].Status != StatusOK || rapid.IntRange(0, 9).Draw(t, "spoil?") != 0 {
				continue
			}
			v := rapid.SampledFrom([]string{"", "a", "b", "ab", "ba"}).Draw(t, "spoiled")
			ops[i].Output.Value = Ptr(v)
		}
		hist, _ := toPorcupine(ops)
		_, parts := partitionByKey(hist)
		for _, part := range parts {
			var stop atomic.Bool
			got := searchRegister(part, &stop, time.Time{})
			want := porcupine.CheckOperations(kvModel, part)
			if want {
				legal++
			} else {
				illegal++
			}
			if (got == porcupine.Ok) != want || got == porcupine.Unknown {
				t.Fatalf("searchRegister %s, porcupine linearizable=%t\n%s", got, want, jsonl(ops))
			}
		}
	})
	require.Positive(t, legal)
	require.Positive(t, illegal)
}

// A call at the very ns another operation returns is concurrent with it, as
// in porcupine: the get may be ordered before the put it touches.
func TestRegisterSearchTouchingIsConcurrent(t *testing.T) {
	ops := []Operation{
		okOp(0, "put", "x", "a", 0, 100, Output{}),
		read(1, "x", "", 100, 200),
		read(2, "x", "a", 300, 400),
	}
	hist, _ := toPorcupine(ops)
	var stop atomic.Bool
	require.Equal(t, porcupine.Ok, searchRegister(hist, &stop, time.Time{}))
	require.True(t, porcupine.CheckOperations(kvModel, hist))
	ops[1].Call = 101 // now after the put: a missing key cannot be read
	hist, _ = toPorcupine(ops)
	require.Equal(t, porcupine.Illegal, searchRegister(hist, &stop, time.Time{}))
	require.False(t, porcupine.CheckOperations(kvModel, hist))
}

// A key of many operations with no quiet moment (8 clients always busy) is
// remembered in entries of at most one hole per client, where porcupine
// keeps a bitset over all 20,000 operations in each.
func TestRegisterSearchMemoStaysSmall(t *testing.T) {
	const clients = 8
	ops := genLinearizable(3, 20_000, clients, 1)
	hist, _ := toPorcupine(ops)
	s := newRegSearch(hist)
	done, ok := false, false
	for !done {
		done, ok = s.step()
	}
	require.True(t, ok)
	require.Greater(t, len(s.entries), len(hist), "every op was linearized once at least")
	most := int32(0)
	for _, e := range s.entries {
		most = max(most, e.n)
	}
	require.LessOrEqual(t, int(most), clients, "holes of an entry")
}
