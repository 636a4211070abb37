package checker

import (
	"testing"
	"time"

	"github.com/faultline-sim/faultline/kv"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func ver(n uint64) *uint64 { return &n }

// staleRead is an ok stale-mode get of key served by node.
func staleRead(client, node int, key, value string, version uint64, call, ret int64) Operation {
	op := okOp(client, "get", key, "", call, ret, Output{Value: Ptr(value), Found: Ptr(version > 0), Version: ver(version)})
	op.Mode, op.Node = ModeStale, node
	return op
}

// threePuts writes x = a, b, c (versions 1..3), acknowledged at 10, 30, 50.
func threePuts() []Operation {
	return []Operation{
		okOp(0, "put", "x", "a", 0, 10, Output{Value: Ptr("a"), Found: Ptr(true), Version: ver(1)}),
		okOp(0, "put", "x", "b", 20, 30, Output{Value: Ptr("b"), Found: Ptr(true), Version: ver(2)}),
		okOp(0, "put", "x", "c", 40, 50, Output{Value: Ptr("c"), Found: Ptr(true), Version: ver(3)}),
	}
}

func TestStaleReadOfOldCommittedValuePasses(t *testing.T) {
	ops := append(threePuts(), staleRead(1, 2, "x", "a", 1, 100, 110))
	rep, v := CheckStaleReads(ops)
	require.Nil(t, v)
	require.Equal(t, StaleReport{Reads: 1, Behind: 1, MaxVersionsBehind: 2, MaxOp: 3,
		MeanVersionsBehindMilli: 2000, MaxNsBehind: 100 - 30}, rep)
	require.Equal(t, "1 stale reads (0 invalid, 1 behind): max 2 versions behind (history op 3), mean 2.000, max 0.000000070s behind", rep.String())

	// The whole-history check leaves the stale read out of porcupine.
	res := CheckHistory(ops, 10*time.Second)
	require.Equal(t, Ok, res.Verdict())
	require.Equal(t, Ok, res.Lin.Verdict)
	require.Equal(t, 1, res.Lin.Skipped)
	require.Equal(t, rep, res.Stale)

	// Without versions the same read is judged on values and real time: b
	// and c were called after the only put of a returned.
	for i := range ops {
		ops[i].Output.Version = nil
	}
	rep, v = CheckStaleReads(ops)
	require.Nil(t, v)
	require.Equal(t, 2, rep.MaxVersionsBehind)
	require.Equal(t, int64(70), rep.MaxNsBehind)
}

func TestStaleReadStatistics(t *testing.T) {
	ops := append(threePuts(),
		staleRead(1, 2, "x", "c", 3, 100, 110), // up to date
		staleRead(2, 3, "x", "b", 2, 45, 60),   // c not yet acknowledged at 45: not behind
		staleRead(3, 3, "x", "", 0, 60, 70),    // missing: missed all three
		staleRead(4, 3, "y", "", 0, 60, 70),    // a key nobody wrote
	)
	ops = append(ops, Operation{Client: 5, Kind: "get", Key: "x", Mode: ModeStale, Call: 1, Return: NoReturn, Status: StatusUnknown},
		Operation{Client: 6, Kind: "get", Key: "x", Mode: ModeStale, Call: 1, Return: 2, Status: StatusFail})
	rep, v := CheckStaleReads(ops)
	require.Nil(t, v)
	require.Equal(t, StaleReport{Reads: 4, Behind: 1, MaxVersionsBehind: 3, MaxOp: 5,
		MeanVersionsBehindMilli: 750, MaxNsBehind: 60 - 10}, rep)
}

func TestStaleReadOfNeverWrittenValueIsInvalid(t *testing.T) {
	ops := append(threePuts(), staleRead(1, 2, "x", "z", 2, 100, 110))
	rep, v := CheckStaleReads(ops)
	require.Equal(t, &Violation{Check: CheckStaleInvalid, AtNs: 110, Nodes: []int{2},
		Msg: `client 1 stale get("x") -> found=true "z" v2 served by node 2 called at 100 returned at 110 (history op 3): no write produced it`}, v)
	require.Equal(t, 1, rep.Invalid)
	require.Equal(t, Illegal, CheckHistory(ops, time.Second).Verdict())

	// Right value, wrong version: the state (b, 3) never existed.
	ops[3] = staleRead(1, 2, "x", "b", 3, 100, 110)
	_, v = CheckStaleReads(ops)
	require.Equal(t, CheckStaleInvalid, v.Check)

	// A failed write produced nothing.
	ops[3] = staleRead(1, 0, "x", "f", 4, 100, 110)
	ops = append(ops, Operation{Client: 2, Kind: "put", Key: "x", Value: "f", Call: 60, Return: 70, Status: StatusFail})
	_, v = CheckStaleReads(ops)
	require.Equal(t, CheckStaleInvalid, v.Check)
	require.Nil(t, v.Nodes, "serving node unknown")
}

func TestStaleReadOfValueWrittenAfterItReturnedIsInvalid(t *testing.T) {
	ops := append(threePuts(), staleRead(1, 2, "x", "c", 3, 30, 40)) // c was called at 40
	_, v := CheckStaleReads(ops)
	require.Equal(t, &Violation{Check: CheckStaleInvalid, AtNs: 40, Nodes: []int{2},
		Msg: `client 1 stale get("x") -> found=true "c" v3 served by node 2 called at 30 returned at 40 (history op 3): ` +
			`only client 0's put called at 40 (history op 2), after the read returned, produced it`}, v)
	ops[3].Return = 41
	_, v = CheckStaleReads(ops)
	require.Nil(t, v)
}

func TestStaleReadRegressionOnOneNode(t *testing.T) {
	ops := append(threePuts(),
		staleRead(1, 2, "x", "b", 2, 60, 70),
		staleRead(1, 3, "x", "a", 1, 80, 90), // another node may be further behind
		staleRead(1, 2, "x", "a", 1, 100, 110),
	)
	rep, v := CheckStaleReads(ops)
	require.Equal(t, &Violation{Check: CheckStaleRegressed, AtNs: 110, Nodes: []int{2},
		Msg: `client 1 stale get("x") from node 2 saw version 2 (history op 3, returned at 70), ` +
			`then version 1 from the same node (history op 5, returned at 110)`}, v)
	require.Equal(t, 3, rep.Reads)
	require.Zero(t, rep.Invalid)

	// Other clients, or an unknown serving node, are not compared.
	ops[5].Client = 2
	_, v = CheckStaleReads(ops)
	require.Nil(t, v)
	ops[5].Client, ops[5].Node = 1, 0
	_, v = CheckStaleReads(ops)
	require.Nil(t, v)
}

func TestStaleReadOfUnknownAppendChain(t *testing.T) {
	unknownAppend := func(client int, value string, call int64) Operation {
		return Operation{Client: client, Kind: "append", Key: "x", Value: value, Call: call, Return: NoReturn, Status: StatusUnknown}
	}
	base := []Operation{unknownAppend(0, "a;", 0), unknownAppend(1, "b;", 5)}
	for seen, valid := range map[string]bool{"a;": true, "b;": true, "a;b;": true, "b;a;": true, "": true, "c;": false, "a;c;": false} {
		version := uint64(len(seen) / 2)
		ops := append(base, staleRead(2, 1, "x", seen, version, 10, 20))
		_, v := CheckStaleReads(ops)
		require.Equal(t, valid, v == nil, "read %q v%d: %v", seen, version, v)
	}
	// Versions are followed down the chain: "a;b;" is two appends, not one.
	ops := append(base, staleRead(2, 1, "x", "a;b;", 1, 10, 20))
	_, v := CheckStaleReads(ops)
	require.Equal(t, CheckStaleInvalid, v.Check)
	// The first append must also have been called before the read returned.
	ops = []Operation{unknownAppend(0, "a;", 0), unknownAppend(1, "b;", 30), staleRead(2, 1, "x", "b;a;", 2, 10, 20)}
	_, v = CheckStaleReads(ops)
	require.Equal(t, CheckStaleInvalid, v.Check)
	// An append of "" does not loop.
	ops = []Operation{unknownAppend(0, "", 0), staleRead(2, 1, "x", "q", 0, 10, 20)}
	ops[1].Output.Version = nil
	_, v = CheckStaleReads(ops)
	require.Equal(t, CheckStaleInvalid, v.Check)
}

func TestFailedCasProducesNothing(t *testing.T) {
	ops := []Operation{
		okOp(0, "put", "x", "a", 0, 10, Output{Version: ver(1)}),
		{Client: 1, Kind: "cas", Key: "x", Expect: "z", Value: "n", Call: 20, Return: 30, Status: StatusOK,
			Output: Output{OK: Ptr(false), Value: Ptr("a"), Version: ver(1)}},
		staleRead(2, 1, "x", "n", 2, 40, 50),
	}
	_, v := CheckStaleReads(ops)
	require.Equal(t, CheckStaleInvalid, v.Check)
	ops[2] = staleRead(2, 1, "x", "", 0, 40, 50)
	rep, v := CheckStaleReads(ops)
	require.Nil(t, v)
	require.Equal(t, 1, rep.MaxVersionsBehind, "the failed cas changed nothing")
}

func TestLeaseReadThatIsStaleIsIllegal(t *testing.T) {
	for _, mode := range []string{"", ModeLinearizable, ModeConsistent, ModeLease} {
		ops := append(threePuts(), staleRead(1, 2, "x", "a", 1, 100, 110))
		ops[3].Mode = mode
		res := CheckHistory(ops, 10*time.Second)
		require.Equal(t, Illegal, res.Lin.Verdict, "mode %q", mode)
		require.Equal(t, Illegal, res.Verdict())
		require.Zero(t, res.Lin.Skipped)
		require.True(t, res.Lin.Explain(10*time.Second))
		require.Contains(t, res.Lin.Msg, `cannot place client 1 get("x") -> found=true "a" v1`)
		require.Nil(t, res.StaleViolation)
		require.Zero(t, res.Stale.Reads)
		// Up to date, the same read is linearizable.
		ops[3] = staleRead(1, 2, "x", "c", 3, 100, 110)
		ops[3].Mode = mode
		require.Equal(t, Ok, CheckHistory(ops, 10*time.Second).Verdict(), "mode %q", mode)
	}
}

func TestCheckHistoryInvalidHistory(t *testing.T) {
	ops := []Operation{okOp(0, "get", "x", "", 5, 4, Output{})}
	ops[0].Mode = ModeStale
	res := CheckHistory(ops, time.Second)
	require.Equal(t, Inconclusive, res.Verdict())
	require.Equal(t, StaleReport{MaxOp: -1}, res.Stale)
	require.Panics(t, func() { CheckStaleReads(ops) })
}

func TestHistoryResultVerdict(t *testing.T) {
	stale := &Violation{Check: CheckStaleInvalid}
	for _, tc := range []struct {
		lin  Verdict
		v    *Violation
		want Verdict
	}{
		{Ok, nil, Ok}, {Inconclusive, nil, Inconclusive}, {Illegal, nil, Illegal},
		{Ok, stale, Illegal}, {Inconclusive, stale, Illegal},
	} {
		require.Equal(t, tc.want, HistoryResult{Lin: LinResult{Verdict: tc.lin}, StaleViolation: tc.v}.Verdict())
	}
}

// TestPropertyStaleReadsOfPastStatesAreValid: writes run on a real kv.Store,
// write i taking effect at 100*(i+1) inside its [call, return]; stale reads
// return a state the key really had, after it took effect. The weak check
// must accept every such read, with or without versions.
func TestPropertyStaleReadsOfPastStatesAreValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := kv.New()
		type past struct {
			res kv.Result
			at  int64
		}
		states := []past{{}} // the missing key, from the start
		var ops []Operation
		for i := range rapid.IntRange(1, 12).Draw(t, "writes") {
			op := kv.Op{Kind: rapid.SampledFrom(kinds[1:]).Draw(t, "kind"), Key: "x",
				Value: rapid.SampledFrom([]string{"a", "b", "ab", ""}).Draw(t, "value")}
			if op.Kind == kv.Cas {
				op.Expect = rapid.SampledFrom([]string{"a", "b", ""}).Draw(t, "expect")
			}
			at := int64(100 * (i + 1))
			h := Operation{Client: i, Kind: op.Kind.String(), Key: op.Key, Value: op.Value, Expect: op.Expect,
				Call: at - rapid.Int64Range(0, 250).Draw(t, "before"), Return: at + rapid.Int64Range(0, 250).Draw(t, "after"),
				Status: rapid.SampledFrom([]Status{StatusOK, StatusOK, StatusUnknown, StatusFail}).Draw(t, "status")}
			if h.Status != StatusFail && (h.Status == StatusOK || rapid.Bool().Draw(t, "applied")) {
				r := s.Apply(uint64(i+1), kv.Encode(op))
				h.Output = observe(t, op.Kind, r)
				states = append(states, past{res: r, at: at})
			}
			if h.Status == StatusUnknown {
				h.Return, h.Output = NoReturn, Output{}
			}
			ops = append(ops, h)
		}
		reads := rapid.IntRange(1, 5).Draw(t, "reads")
		for j := range reads {
			p := rapid.SampledFrom(states).Draw(t, "state")
			ret := p.at + rapid.Int64Range(1, 2000).Draw(t, "ret")
			op := staleRead(100+j, 0, "x", p.res.Value, p.res.Version, ret-rapid.Int64Range(0, 3000).Draw(t, "len"), ret)
			op.Output.Found = Ptr(p.res.Found)
			ops = append(ops, op)
		}
		rep, v := CheckStaleReads(ops)
		require.Nil(t, v, jsonl(ops))
		require.Equal(t, reads, rep.Reads)
		for i := range ops {
			ops[i].Output.Version = nil
		}
		_, v = CheckStaleReads(ops)
		require.Nil(t, v, jsonl(ops))
	})
}
