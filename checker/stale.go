package checker

import (
	"fmt"
	"time"
)

// Check names of the stale-read check.
const (
	CheckStaleInvalid   = "stale-read-invalid"
	CheckStaleRegressed = "stale-read-regressed"
)

// StaleReport says how stale the stale-mode reads of a history were. Only
// reads with status ok count: a failed or unknown read saw nothing.
type StaleReport struct {
	Reads   int // stale-mode gets with status ok
	Invalid int // of Reads: saw a state no write called before its return produced
	Behind  int // of the valid Reads: missed at least one acknowledged write

	MaxVersionsBehind       int   // most acknowledged newer writes one read missed
	MaxOp                   int   // history index of the first read MaxVersionsBehind behind; -1 if none was behind
	MeanVersionsBehindMilli int64 // mean versions behind over the valid Reads, x1000, rounded down
	MaxNsBehind             int64 // largest read call minus return of the oldest acknowledged write it missed
}

func (r StaleReport) String() string {
	return fmt.Sprintf("%d stale reads (%d invalid, %d behind): max %d versions behind (history op %d), mean %d.%03d, max %s behind",
		r.Reads, r.Invalid, r.Behind, r.MaxVersionsBehind, r.MaxOp,
		r.MeanVersionsBehindMilli/1000, r.MeanVersionsBehindMilli%1000, FormatNs(r.MaxNsBehind))
}

// CheckStaleReads judges the stale-mode gets (Mode ModeStale, status ok) of
// ops by a check weaker than linearizability, and measures their staleness.
// A key's state is its (value, version); a missing key is ("", 0).
//
//  1. Validity: what the read saw was produced by a write (ok or unknown, of
//     that key) called before the read returned, or is the initial missing
//     state. A write's produced state is its output when it has one (value,
//     and version if present); without an output a put or cas produces its
//     value, an append its value appended to a state that is itself valid by
//     the same rule (version one lower, when versions are known). A cas whose
//     output says it failed produces nothing. Fields absent from either side
//     are not compared, so without versions values alone are compared.
//     One write may serve twice in a chain, so this is weaker than ordering
//     the writes, but it never condemns a state that existed.
//     Broken: CheckStaleInvalid, at the read's return.
//  2. Monotonic per node: a client's successive stale reads (by call time) of
//     a key served by the same node (Node > 0) never see a lower version.
//     Compared only when both reads carry a version. Broken:
//     CheckStaleRegressed, at the later read's return.
//
// Staleness of a valid read: the number of acknowledged writes (status ok,
// returned before the read was called, known to have changed the key: put,
// append, cas with output ok true) newer than what it saw. Newer means a
// higher version when both carry one; otherwise called after every write
// that could have produced what the read saw returned (a lower bound).
//
// The violation returned is the earliest by time (ties: history order); the
// report covers every read. ops must be valid (Operation.Validate; ReadHistory
// checks it): an invalid op is a caller bug and panics.
func CheckStaleReads(ops []Operation) (StaleReport, *Violation) {
	for i, op := range ops {
		if err := op.Validate(); err != nil {
			panic(fmt.Sprintf("checker: CheckStaleReads: invalid history op %d: %v", i, err))
		}
	}
	return newStaleChecker(ops).run()
}

// HistoryResult is the outcome of CheckHistory.
type HistoryResult struct {
	Lin            LinResult
	Stale          StaleReport
	StaleViolation *Violation // first stale-read violation; nil if none
}

// Verdict is Illegal if either check found a violation (a proof stands even
// if the other check timed out), else Inconclusive if the linearizability
// check did not finish, else Ok.
func (r HistoryResult) Verdict() Verdict {
	switch {
	case r.Lin.Verdict == Illegal || r.StaleViolation != nil:
		return Illegal
	case r.Lin.Verdict == Inconclusive:
		return Inconclusive
	}
	return Ok
}

// CheckHistory checks ops whole: CheckLinearizable (stale reads left out) and
// CheckStaleReads. An invalid history gives Lin Inconclusive naming the op,
// and its stale reads are not judged.
func CheckHistory(ops []Operation, timeout time.Duration) HistoryResult {
	res := HistoryResult{Lin: CheckLinearizable(ops, timeout), Stale: StaleReport{MaxOp: -1}}
	if validHistory(ops) {
		res.Stale, res.StaleViolation = CheckStaleReads(ops)
	}
	return res
}

func validHistory(ops []Operation) bool {
	for _, op := range ops {
		if op.Validate() != nil {
			return false
		}
	}
	return true
}
