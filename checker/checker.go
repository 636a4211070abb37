// Package checker judges Faultline runs: client histories for linearizability
// (porcupine with a key-partitioned KV model) and their stale-mode reads by a
// weaker check (CheckStaleReads), Raft safety invariants checked
// online from the hosts' events, liveness after the quiet phase, and an HTML
// visualization of failing histories.
//
// Histories use virtual nanoseconds (or any monotonic integer clock) for Call
// and Return. The linearizability checker's timeout is wall-clock time: a
// timeout gives the verdict Inconclusive, which is never a pass.
package checker

import "fmt"

// Status is what a client learned about its operation.
type Status string

// Statuses. A fail operation did not take effect (the system promises so); an
// unknown one may have taken effect at any time after its call.
const (
	StatusOK      Status = "ok"
	StatusFail    Status = "fail"
	StatusUnknown Status = "unknown"
)

// NoReturn is the Return of an operation without a return time (unknown).
const NoReturn int64 = -1

// Operation is one client operation of a history (one JSON line, history.go).
type Operation struct {
	Client int    // zero-based client id; one outstanding operation per client
	Seq    uint64 // optional request sequence number (kv.Op.Seq); 0 = none
	Kind   string // "get", "put", "append" or "cas"
	Key    string
	Value  string // put/append argument, cas new value
	Expect string // cas expected value
	Call   int64
	Return int64 // NoReturn iff Status is unknown
	Status Status
	Output Output
	Mode   string // read consistency mode of a get (Mode* constants); "" = linearizable
	Node   int    // node that served the operation, 1..N; 0 = unknown
}

// Read consistency modes of a get. Linearizable, consistent and lease reads
// are checked by CheckLinearizable like plain gets: a lease read is promised
// linearizable while clock drift stays within its bound, so a stale one is a
// violation. Stale reads may be answered by any node from its state; they are
// left out of the linearizability check and judged by CheckStaleReads.
const (
	ModeLinearizable = "linearizable"
	ModeConsistent   = "consistent" // ReadIndex, as Consul names it
	ModeLease        = "lease"
	ModeStale        = "stale"
)

// Output is what the client saw; nil fields were not observed. It describes
// the key after the operation (the kv.Result convention).
type Output struct {
	Value   *string
	Found   *bool
	Version *uint64
	OK      *bool // cas succeeded
}

// Ptr returns a pointer to v, for building Outputs.
func Ptr[T any](v T) *T { return &v }

// Verdict is the outcome of a linearizability check.
type Verdict string

// Verdicts. Inconclusive means the checker timed out: never a pass.
const (
	Ok           Verdict = "ok"
	Illegal      Verdict = "illegal"
	Inconclusive Verdict = "inconclusive"
)

// Violation is the first broken invariant or liveness bound of a run.
type Violation struct {
	Check string // e.g. "one-leader-per-term", "liveness"
	AtNs  int64  // virtual time of the event that broke it
	Nodes []int  // nodes involved, ascending
	Msg   string
}

func (v *Violation) Error() string {
	return fmt.Sprintf("%s at %s nodes %v: %s", v.Check, FormatNs(v.AtNs), v.Nodes, v.Msg)
}

// FormatNs prints virtual nanoseconds as seconds.nanoseconds, as traces do.
func FormatNs(ns int64) string {
	sign := ""
	if ns < 0 {
		sign, ns = "-", -ns
	}
	return fmt.Sprintf("%s%d.%09ds", sign, ns/1e9, ns%1e9)
}
