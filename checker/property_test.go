package checker

import (
	"fmt"
	"testing"
	"time"

	"github.com/faultline-sim/faultline/kv"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var kinds = []kv.Kind{kv.Get, kv.Put, kv.Append, kv.Cas}

// genHistory runs random ops sequentially on a real kv.Store. The i-th applied
// op takes effect at 100*(i+1); its call and return are drawn around that
// point, so intervals overlap but the store's order is always legal. Some ops
// are reported unknown (applied or not), some fail (not applied).
func genHistory(t *rapid.T) []Operation {
	s := kv.New()
	n := rapid.IntRange(1, 40).Draw(t, "ops")
	var ops []Operation
	busyUntil := map[int]int64{} // client -> last return
	for i := range n {
		op := kv.Op{Kind: rapid.SampledFrom(kinds).Draw(t, "kind"), Key: rapid.SampledFrom([]string{"x", "y"}).Draw(t, "key")}
		if op.Kind != kv.Get {
			op.Value = rapid.SampledFrom([]string{"a", "b", ""}).Draw(t, "value")
		}
		if op.Kind == kv.Cas {
			op.Expect = rapid.SampledFrom([]string{"a", "b", "", "ab"}).Draw(t, "expect")
		}
		at := int64(100 * (i + 1))
		call := at - rapid.Int64Range(0, 250).Draw(t, "before")
		ret := at + rapid.Int64Range(0, 250).Draw(t, "after")
		status := rapid.SampledFrom([]Status{StatusOK, StatusOK, StatusOK, StatusUnknown, StatusFail}).Draw(t, "status")
		h := Operation{Client: freeClient(busyUntil, call), Kind: op.Kind.String(), Key: op.Key, Value: op.Value,
			Expect: op.Expect, Call: call, Return: ret, Status: status}
		busyUntil[h.Client] = ret
		applied := status == StatusOK || status == StatusUnknown && rapid.Bool().Draw(t, "applied")
		if applied {
			h.Output = observe(t, op.Kind, s.Apply(uint64(i+1), kv.Encode(op)))
		}
		if status == StatusUnknown {
			h.Return, h.Output = NoReturn, Output{}
			busyUntil[h.Client] = 1 << 62
		}
		ops = append(ops, h)
	}
	return ops
}

// freeClient returns the lowest client with no operation outstanding at call.
func freeClient(busyUntil map[int]int64, call int64) int {
	c := 0
	for until, ok := busyUntil[c]; ok && until >= call; until, ok = busyUntil[c] {
		c++
	}
	return c
}

// observe turns a kv.Result into what a client saw, dropping fields at random
// (any may be absent).
func observe(t *rapid.T, kind kv.Kind, r kv.Result) Output {
	var o Output
	if rapid.Bool().Draw(t, "value") || kind == kv.Get {
		o.Value = Ptr(r.Value)
	}
	if rapid.Bool().Draw(t, "found") {
		o.Found = Ptr(r.Found)
	}
	if rapid.Bool().Draw(t, "version") {
		o.Version = Ptr(r.Version)
	}
	if kind == kv.Cas && rapid.Bool().Draw(t, "ok") {
		o.OK = Ptr(r.OK)
	}
	return o
}

func TestPropertySequentialKVHistoriesAreLinearizable(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ops := genHistory(t)
		res := CheckLinearizable(ops, time.Minute)
		if res.Verdict != Ok {
			t.Fatalf("verdict %s: %s\n%s", res.Verdict, res.Msg, jsonl(ops))
		}
	})
}

func TestPropertyImpossibleReadIsIllegal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ops := genHistory(t)
		var reads []int
		for i, op := range ops {
			if op.Kind == "get" && op.Status == StatusOK {
				reads = append(reads, i)
			}
		}
		if len(reads) == 0 {
			last := ops[len(ops)-1].Call + 1000
			ops = append(ops, read(0, "x", "", last, last+10))
			reads = append(reads, len(ops)-1)
		}
		i := rapid.SampledFrom(reads).Draw(t, "mutated read")
		ops[i].Output.Value = Ptr("never written")
		res := CheckLinearizable(ops, time.Minute)
		require.Equal(t, Illegal, res.Verdict, jsonl(ops))
		require.Equal(t, ops[i].Key, res.Key)
		require.True(t, res.Explain(time.Minute))
		require.Contains(t, res.Msg, fmt.Sprintf("(history op %d)", i))
	})
}
