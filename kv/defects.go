package kv

// Defects are deliberate bugs the simulator can switch on to prove that the
// checkers catch them. Each is at most a one-line branch in the Store.
type Defects struct {
	// NoDedup ignores client sessions: a retried write is applied again (an
	// append or put lands twice), breaking exactly-once semantics.
	NoDedup bool
}
