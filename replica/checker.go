package replica

// CheckedProtocol is a Protocol that brings invariants of its own, beyond
// the protocol-neutral checks every run makes (one leader per epoch, state
// machine safety by position, acknowledged writes kept, linearizability,
// liveness) and the log checks of Caps.LogChecks.
type CheckedProtocol interface {
	Protocol
	// NewChecker returns the checker of one run of nodes hosts (ids 1..nodes).
	NewChecker(nodes int) Checker
}

// Checker is a protocol's own invariants, fed by the world as the run goes.
type Checker interface {
	// Durable hands over the observations of a Ready (Ready.Observations)
	// once its writes are durable, before its messages leave.
	Durable(atNs int64, node uint64, obs []any)
	// Restarted says node booted from rec after a crash.
	Restarted(atNs int64, node uint64, rec Recovered)
	// Violation is the first invariant broken, nil if none.
	Violation() *Violation
}

// Violation is a broken protocol invariant.
type Violation struct {
	Check string // short name, e.g. "paxos-one-value"
	Msg   string
	AtNs  int64
	Nodes []uint64
}
