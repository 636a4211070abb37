package checker

import (
	"fmt"
	"math"
	"time"

	"github.com/anishathalye/porcupine"
)

// LinResult is the outcome of CheckLinearizable.
type LinResult struct {
	Verdict Verdict
	Msg     string // why Illegal or Inconclusive; empty for Ok
	Key     string // the key proven illegal (see checkKeys for which one when several are)
	Checked int    // operations searched
	Skipped int    // fail ops, unknown gets, stale-mode gets
	hist    []porcupine.Operation
	info    *porcupine.LinearizationInfo // set by Explain
}

// CheckLinearizable checks ops against the KV model (porcupine's Model), partitioned
// by key. It decides with searchRegister (porcupine's search, a smaller memo), key
// by key in parallel, and stops as soon as one key is proven illegal; Explain
// runs porcupine's verbose search afterwards, with its own budget. timeout is
// wall-clock (0 = none); when it fires the verdict is Inconclusive, never Ok.
//
// How statuses are modelled:
//   - ok: must be linearized between Call and Return with the output seen.
//   - fail: omitted. Sound only because the system promises a failed request
//     did not take effect; if one did, reads that observe it make the history
//     illegal, so a broken promise is still caught.
//   - unknown: Return = +infinity and an output every state accepts. porcupine
//     must place it somewhere after its call; placing it after every other
//     operation is the same as "never happened", so both fates are covered.
//     An unknown get changes nothing and constrains nothing: skipped.
//   - gets in mode linearizable, consistent or lease are checked like plain
//     gets; stale-mode gets are skipped (CheckStaleReads judges them).
//
// An invalid operation (see Operation.Validate) gives Inconclusive naming it.
func CheckLinearizable(ops []Operation, timeout time.Duration) LinResult {
	for i, op := range ops {
		if err := op.Validate(); err != nil {
			return LinResult{Verdict: Inconclusive, Msg: fmt.Sprintf("invalid history op %d: %v", i, err)}
		}
	}
	hist, skipped := toPorcupine(ops)
	out := LinResult{Checked: len(hist), Skipped: skipped, hist: hist}
	keys, parts := partitionByKey(hist)
	illegal, res := checkKeys(parts, timeout)
	switch {
	case illegal >= 0:
		out.Verdict, out.Key = Illegal, keys[illegal]
		out.Msg = fmt.Sprintf("key %q is not linearizable: no legal order of its %d operations", keys[illegal], len(parts[illegal]))
	case res == porcupine.Ok:
		out.Verdict = Ok
	default:
		out.Verdict = Inconclusive
		out.Msg = fmt.Sprintf("linearizability check timed out after %v (wall clock) on %d operations: "+
			"neither a pass nor a failure", timeout, len(hist))
	}
	return out
}

// toPorcupine converts ops; Metadata is the index in ops.
func toPorcupine(ops []Operation) ([]porcupine.Operation, int) {
	versioned := map[string]bool{}
	for _, op := range ops {
		if op.Status == StatusOK && op.Output.Version != nil {
			versioned[op.Key] = true
		}
	}
	hist := make([]porcupine.Operation, 0, len(ops))
	for i, op := range ops {
		if op.Status == StatusFail || op.Kind == "get" && (op.Status == StatusUnknown || op.Mode == ModeStale) {
			continue
		}
		in := modelInput{kind: op.Kind, key: op.Key, value: op.Value, expect: op.Expect,
			versioned: versioned[op.Key]}
		out, ret := flatten(op.Output), op.Return
		if op.Status == StatusUnknown {
			out, ret = modelOutput{unknown: true}, math.MaxInt64
		}
		hist = append(hist, porcupine.Operation{ClientId: op.Client, Input: in, Call: op.Call,
			Output: out, Return: ret, Metadata: i})
	}
	return hist, len(ops) - len(hist)
}

// OpKey names a client request.
type OpKey struct {
	Client int
	Seq    uint64
}

// Fate is what the simulator knows of a request from the committed apply
// stream of the replicas (e.g. etcd's robustness tests use watch events).
type Fate struct {
	Applied     bool   // false: known never applied (e.g. the run ended and no replica applied it)
	Output      Output // the result the state machine returned, if Applied
	AppliedAtNs int64  // first time a replica applied it; 0 if not known
}

// Tighten uses the simulator's knowledge to shrink the search. Only unknown
// operations with a Seq and a Fate change; ok and fail operations never do.
//   - applied: status ok with the applied Output and Return = AppliedAtNs if
//     that is at or after Call (else Return stays +infinity, as for unknown).
//   - never applied: dropped.
//
// Why this never hides a violation: an unknown op accepts any output and any
// point after its call, so fixing its output or narrowing its interval only
// removes legal orders; a legal order of the tightened history is a legal order
// of the original. A dropped op can be put back last in any legal order (it
// has no return time and accepts any output), which is legal for the original.
// So original illegal => tightened illegal. Wrong knowledge can only add a
// false alarm, and the invariant checkers judge the apply stream itself.
func Tighten(ops []Operation, fates map[OpKey]Fate) []Operation {
	out := make([]Operation, 0, len(ops))
	for _, op := range ops {
		f, known := fates[OpKey{op.Client, op.Seq}]
		if op.Status != StatusUnknown || op.Seq == 0 || !known {
			out = append(out, op)
			continue
		}
		if !f.Applied {
			continue
		}
		op.Status, op.Output, op.Return = StatusOK, f.Output, math.MaxInt64
		if f.AppliedAtNs > 0 && f.AppliedAtNs >= op.Call {
			op.Return = f.AppliedAtNs
		}
		out = append(out, op)
	}
	return out
}
