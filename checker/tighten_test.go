package checker

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTighten(t *testing.T) {
	applied := Operation{Client: 0, Seq: 1, Kind: "put", Key: "x", Value: "a", Call: 10, Return: NoReturn, Status: StatusUnknown}
	never := Operation{Client: 1, Seq: 1, Kind: "put", Key: "x", Value: "b", Call: 10, Return: NoReturn, Status: StatusUnknown}
	noSeq := Operation{Client: 2, Kind: "put", Key: "x", Value: "c", Call: 10, Return: NoReturn, Status: StatusUnknown}
	acked := okOp(3, "put", "x", "d", 10, 20, Output{})
	acked.Seq = 1
	fates := map[OpKey]Fate{
		{0, 1}: {Applied: true, Output: Output{Version: Ptr(uint64(1))}, AppliedAtNs: 15},
		{1, 1}: {Applied: false},
		{2, 0}: {Applied: false},
		{3, 1}: {Applied: false}, // ok ops are never changed, even by wrong knowledge
	}
	got := Tighten([]Operation{applied, never, noSeq, acked}, fates)
	want := applied
	want.Status, want.Return, want.Output = StatusOK, 15, fates[OpKey{0, 1}].Output
	require.Equal(t, []Operation{want, noSeq, acked}, got)

	// An apply time before the call is not trusted: no return time.
	fates[OpKey{0, 1}] = Fate{Applied: true, AppliedAtNs: 5}
	require.Equal(t, int64(math.MaxInt64), Tighten([]Operation{applied}, fates)[0].Return)
}

func TestTightenKeepsViolations(t *testing.T) {
	// The acked put of "b" is lost (the key reads missing); the unknown ops
	// around it cannot explain that, before or after tightening.
	ops := []Operation{
		{Client: 0, Seq: 1, Kind: "put", Key: "x", Value: "a", Call: 0, Return: NoReturn, Status: StatusUnknown},
		okOp(1, "put", "x", "b", 10, 20, Output{}),
		{Client: 2, Seq: 1, Kind: "put", Key: "x", Value: "c", Call: 0, Return: NoReturn, Status: StatusUnknown},
		read(3, "x", "", 30, 40),
	}
	require.Equal(t, Illegal, check(t, ops).Verdict)
	tight := Tighten(ops, map[OpKey]Fate{
		{0, 1}: {Applied: true, Output: Output{Value: Ptr("a")}, AppliedAtNs: 5},
		{2, 1}: {Applied: false},
	})
	require.Len(t, tight, 3)
	require.Equal(t, Illegal, check(t, tight).Verdict)
}
