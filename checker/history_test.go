package checker

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHistoryRoundTrip(t *testing.T) {
	ops := []Operation{
		{Client: 0, Kind: "cas", Key: "x", Value: "b", Expect: "a", Call: 120, Return: 250, Status: StatusOK,
			Output: Output{OK: Ptr(true), Version: Ptr(uint64(3)), Value: Ptr("b"), Found: Ptr(true)}},
		{Client: 1, Seq: 4, Kind: "put", Key: "y", Value: "", Call: 5, Return: NoReturn, Status: StatusUnknown},
		{Client: 2, Kind: "get", Key: "x", Call: 7, Return: 9, Status: StatusOK, Mode: "lease", Node: 3,
			Output: Output{Found: Ptr(false), Value: Ptr("")}},
		{Client: 3, Kind: "append", Key: "x", Value: "z", Call: 7, Return: 9, Status: StatusFail},
	}
	var buf bytes.Buffer
	require.NoError(t, WriteHistory(&buf, ops))
	require.Equal(t, 4, strings.Count(buf.String(), "\n"))
	require.Contains(t, buf.String(), `{"client":0,"kind":"cas","key":"x","value":"b","expect":"a","call":120,"return":250,"status":"ok","output":{"value":"b","found":true,"version":3,"ok":true}}`)
	require.NotContains(t, strings.Split(buf.String(), "\n")[1], "return")
	require.Contains(t, strings.Split(buf.String(), "\n")[2], `"mode":"lease","node":3}`)
	require.NotContains(t, strings.Split(buf.String(), "\n")[0], "node", "node 0 (unknown) is left out")
	got, err := ReadHistory(&buf)
	require.NoError(t, err)
	require.Equal(t, ops, got)
}

func TestReadHistoryExampleLine(t *testing.T) {
	ops, err := ReadHistory(strings.NewReader(
		`{"client":0,"kind":"cas","key":"x","value":"b","expect":"a","call":120,"return":250,"status":"ok","output":{"ok":true}}` +
			"\n\n" + `{"client":1,"kind":"get","key":"x","call":1,"status":"unknown"}` + "\n"))
	require.NoError(t, err)
	require.Len(t, ops, 2)
	require.Equal(t, true, *ops[0].Output.OK)
	require.Nil(t, ops[0].Output.Value)
	require.Equal(t, NoReturn, ops[1].Return)
}

func TestReadHistoryErrorsNameLineAndProblem(t *testing.T) {
	good := `{"client":0,"kind":"get","key":"x","call":1,"return":2,"status":"ok"}`
	for _, tc := range []struct{ line, want string }{
		{`{"client":0,`, "bad JSON"},
		{`[1,2]`, "bad JSON"},
		{`{"client":0,"kind":"get","key":"x","call":1,"return":2,"status":"ok","retrun":3}`, `unknown field "retrun"`},
		{`{"kind":"get","key":"x","call":1,"return":2,"status":"ok"}`, `"client" missing`},
		{`{"client":-1,"kind":"get","key":"x","call":1,"return":2,"status":"ok"}`, `"client" -1 is negative`},
		{`{"client":0,"kind":"del","key":"x","call":1,"return":2,"status":"ok"}`, `"kind" "del": want get, put, append or cas`},
		{`{"client":0,"kind":"get","call":1,"return":2,"status":"ok"}`, `"key" missing`},
		{`{"client":0,"kind":"get","key":"x","return":2,"status":"ok"}`, `"call" missing`},
		{`{"client":0,"kind":"get","key":"x","call":1,"status":"ok"}`, `status "ok" needs "return"`},
		{`{"client":0,"kind":"get","key":"x","call":3,"return":2,"status":"ok"}`, "return 2 before call 3"},
		{`{"client":0,"kind":"get","key":"x","call":1,"return":2,"status":"unknown"}`, `must not have "return"`},
		{`{"client":0,"kind":"get","key":"x","call":1,"return":2,"status":"done"}`, `"status" "done": want ok, fail or unknown`},
		{`{"client":0,"kind":"put","key":"x","call":1,"return":2,"status":"ok"}`, `put without "value"`},
		{`{"client":0,"kind":"cas","key":"x","value":"a","call":1,"return":2,"status":"ok"}`, `"expect" is for cas only`},
		{`{"client":0,"kind":"put","key":"x","value":"a","expect":"b","call":1,"return":2,"status":"ok"}`, `"expect" is for cas only`},
		{`{"client":0,"kind":"get","key":"x","value":"a","call":1,"return":2,"status":"ok"}`, `get with "value"`},
		{`{"client":0,"kind":"put","key":"x","value":"a","call":1,"return":2,"status":"ok","mode":"lease"}`, `"mode" is for get only`},
		{`{"client":0,"kind":"get","key":"x","call":1,"return":2,"status":"ok","output":{"ok":true}}`, `output "ok" on a get`},
		{`{"client":0,"kind":"get","key":"x","call":1,"return":2,"status":"ok","mode":"fast"}`, `"mode" "fast": want linearizable, consistent, lease or stale`},
		{`{"client":0,"kind":"get","key":"x","call":1,"return":2,"status":"ok","node":-2}`, `"node" -2 is negative`},
		{`{"client":0,"kind":"get","key":"x","call":1,"return":2,"status":"ok"} {}`, "more than one JSON value"},
	} {
		_, err := ReadHistory(strings.NewReader(good + "\n" + good + "\n" + tc.line + "\n" + good))
		require.Error(t, err, tc.line)
		require.Contains(t, err.Error(), "history line 3: ", tc.line)
		require.Contains(t, err.Error(), tc.want, tc.line)
	}
}

func TestReadHistoryLineTooLong(t *testing.T) {
	_, err := ReadHistory(strings.NewReader(strings.Repeat("x", maxLineBytes+1)))
	require.ErrorContains(t, err, "after 0 operations")
}

func TestCheckLinearizableRejectsInvalidOps(t *testing.T) {
	res := CheckLinearizable([]Operation{{Kind: "put", Key: "x", Call: 5, Return: 4, Status: StatusOK}}, 0)
	require.Equal(t, Inconclusive, res.Verdict)
	require.Equal(t, "invalid history op 0: return 4 before call 5", res.Msg)
}

func FuzzReadHistory(f *testing.F) {
	f.Add([]byte(`{"client":0,"kind":"cas","key":"x","value":"b","expect":"a","call":120,"return":250,"status":"ok","output":{"ok":true}}`))
	f.Add([]byte(`{"client":1,"kind":"put","key":"x","value":"b","call":1,"status":"unknown"}` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ops, err := ReadHistory(bytes.NewReader(b))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		require.NoError(t, WriteHistory(&buf, ops))
		again, err := ReadHistory(&buf)
		require.NoError(t, err)
		require.Equal(t, ops, again)
	})
}
