package checker

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// check decides ops and, if illegal, explains the verdict (Msg names the op).
func check(t *testing.T, ops []Operation) LinResult {
	t.Helper()
	res := CheckLinearizable(ops, 10*time.Second)
	if res.Verdict == Illegal {
		require.True(t, res.Explain(10*time.Second))
	}
	return res
}

func TestStaleReadIsIllegal(t *testing.T) {
	ops := []Operation{
		okOp(0, "put", "x", "a", 0, 10, Output{}),
		okOp(1, "put", "x", "b", 20, 30, Output{}),
		read(2, "x", "a", 40, 50), // b was written before this read began
		read(0, "y", "", 40, 50),
	}
	res := CheckLinearizable(ops, 10*time.Second)
	require.Equal(t, Illegal, res.Verdict)
	require.Equal(t, "x", res.Key)
	require.Equal(t, `key "x" is not linearizable: no legal order of its 3 operations`, res.Msg)
	require.True(t, res.Explain(10*time.Second))
	require.Equal(t, `key "x" is not linearizable: longest legal order covers 2 of 3 operations; `+
		`cannot place client 2 get("x") -> found=true "a" called at 40 returned at 50 (history op 2)`, res.Msg)
	// Concurrent with the second put, the same read is fine.
	ops[2].Call = 25
	require.Equal(t, Ok, check(t, ops).Verdict)
}

func TestLostAcknowledgedWriteIsIllegal(t *testing.T) {
	ops := []Operation{
		okOp(0, "append", "x", "a", 0, 10, Output{}),
		okOp(1, "append", "x", "b", 5, 15, Output{}),
		// After a crash the second acked append is gone.
		read(2, "x", "a", 100, 110),
	}
	res := check(t, ops)
	require.Equal(t, Illegal, res.Verdict)
	require.Contains(t, res.Msg, `cannot place client 2 get("x") -> found=true "a"`)
	ops[2].Output.Value = Ptr("ba")
	require.Equal(t, Ok, check(t, ops).Verdict)
}

func TestUnknownMayOrMayNotHaveHappened(t *testing.T) {
	unknownPut := Operation{Client: 0, Kind: "put", Key: "x", Value: "u", Call: 0, Return: NoReturn, Status: StatusUnknown}
	for _, seen := range []string{"", "u"} {
		ops := []Operation{unknownPut, read(1, "x", seen, 50, 60), read(1, "x", seen, 70, 80)}
		require.Equal(t, Ok, check(t, ops).Verdict, "read %q", seen)
	}
	// Once seen it cannot be unseen.
	ops := []Operation{unknownPut, read(1, "x", "u", 50, 60), read(1, "x", "", 70, 80)}
	require.Equal(t, Illegal, check(t, ops).Verdict)
	// It cannot take effect before it was called.
	ops = []Operation{read(1, "x", "u", 0, 10), {Client: 0, Kind: "put", Key: "x", Value: "u", Call: 20, Return: NoReturn, Status: StatusUnknown}}
	require.Equal(t, Illegal, check(t, ops).Verdict)
}

func TestFailedOpsAreOmitted(t *testing.T) {
	ops := []Operation{
		{Client: 0, Kind: "put", Key: "x", Value: "f", Call: 0, Return: 10, Status: StatusFail},
		read(1, "x", "", 20, 30),
	}
	res := check(t, ops)
	require.Equal(t, Ok, res.Verdict)
	require.Equal(t, 1, res.Skipped)
	ops[1].Output.Value, ops[1].Output.Found = Ptr("f"), Ptr(true)
	require.Equal(t, Illegal, check(t, ops).Verdict, "a failed write must not be observed")
}

func TestCasAndVersions(t *testing.T) {
	v := func(n uint64) *uint64 { return &n }
	ops := []Operation{
		okOp(0, "cas", "x", "a", 0, 10, Output{OK: Ptr(true), Version: v(1)}), // missing compares as ""
		{Client: 1, Kind: "cas", Key: "x", Value: "c", Expect: "z", Call: 20, Return: 30, Status: StatusOK,
			Output: Output{OK: Ptr(false), Value: Ptr("a"), Version: v(1)}},
		okOp(2, "put", "x", "a", 40, 50, Output{Version: v(2)}),
		okOp(0, "get", "x", "", 60, 70, Output{Value: Ptr("a"), Version: v(2)}),
	}
	require.Equal(t, Ok, check(t, ops).Verdict)
	// Same values, wrong version: the read saw the state before the put.
	ops[3].Output.Version = v(1)
	res := check(t, ops)
	require.Equal(t, Illegal, res.Verdict)
	require.Contains(t, res.Msg, `get("x") -> "a" v1`)
	// Without versions the same read is checked on values alone.
	ops[0].Output.Version, ops[1].Output.Version, ops[2].Output.Version, ops[3].Output.Version = nil, nil, nil, nil
	require.Equal(t, Ok, check(t, ops).Verdict)
	// A cas that claims success against the wrong value is illegal.
	ops[1].Output.OK = Ptr(true)
	require.Equal(t, Illegal, check(t, ops).Verdict)
}

func TestGetWithoutFoundReadsMissingAsEmpty(t *testing.T) {
	ops := []Operation{okOp(0, "get", "x", "", 0, 1, Output{Value: Ptr("")})}
	require.Equal(t, Ok, check(t, ops).Verdict)
	ops[0].Output.Found = Ptr(true)
	require.Equal(t, Illegal, check(t, ops).Verdict)
}

func TestStaleModeReadsAreSkipped(t *testing.T) {
	ops := []Operation{okOp(0, "put", "x", "a", 0, 10, Output{}), read(1, "x", "", 20, 30)}
	ops[1].Mode = ModeStale
	res := check(t, ops)
	require.Equal(t, Ok, res.Verdict)
	require.Equal(t, 1, res.Skipped)
}

// hardHistory: 24 concurrent appends then a read no order explains; the
// search must try every order of appends.
func hardHistory() []Operation {
	var ops []Operation
	for i := range 24 {
		ops = append(ops, okOp(i, "append", "x", fmt.Sprintf("%c", 'a'+i), 0, 100, Output{}))
	}
	return append(ops, read(99, "x", "impossible", 200, 300))
}

func TestTimeoutIsInconclusiveNeverOk(t *testing.T) {
	res := CheckLinearizable(hardHistory(), 50*time.Millisecond)
	require.Equal(t, Inconclusive, res.Verdict)
	require.True(t, strings.HasPrefix(res.Msg, "linearizability check timed out after 50ms"), res.Msg)
}

// Two keys proven illegal: the smaller one is named, whatever finishes first.
func TestSmallestIllegalKeyIsNamed(t *testing.T) {
	var ops []Operation
	for _, key := range []string{"d", "c", "b", "a"} {
		ops = append(ops, okOp(0, "put", key, "v", 0, 10, Output{}), read(1, key, "", 20, 30))
	}
	ops[7].Output.Value = Ptr("v") // key a reads its put: legal
	ops[7].Output.Found = Ptr(true)
	for range 20 {
		res := CheckLinearizable(ops, 10*time.Second)
		require.Equal(t, Illegal, res.Verdict)
		require.Equal(t, "b", res.Key, res.Msg)
	}
}

// A key proven illegal ends the check although a smaller key's search is far
// from done: the verdict comes within namingGrace, not at the timeout.
func TestIllegalKeyStopsAHardSearch(t *testing.T) {
	ops := hardHistory() // key x: hours of search
	ops = append(ops, okOp(0, "put", "z", "v", 400, 410, Output{}), read(1, "z", "", 420, 430))
	start := time.Now()
	res := CheckLinearizable(ops, time.Minute)
	took := time.Since(start)
	require.Equal(t, Illegal, res.Verdict)
	require.Equal(t, "z", res.Key)
	require.Less(t, took, namingGrace+5*time.Second)
	// Explain searches only the illegal key: it finishes too.
	require.True(t, res.Explain(10*time.Second))
	require.Contains(t, res.Msg, `cannot place client 1 get("z")`)
}

func TestEmptyHistoryIsOk(t *testing.T) {
	require.Equal(t, Ok, check(t, nil).Verdict)
}
