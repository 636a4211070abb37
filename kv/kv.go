// Package kv is Faultline's replicated key-value state machine. Committed Raft
// entries carry encoded Ops; every replica applies them in log order through a
// Store and must reach the same state (Hash) and the same Results.
//
// Semantics, per key: state is (value, version, found). A missing key reads as
// value "" and version 0. Put sets the value, Append concatenates, Cas sets the
// value to Value if the current value (missing reads "") equals Expect. Every
// write that changes the key increments its version by one.
//
// Client sessions give exactly-once semantics: a request carries (Client, Seq)
// with Seq >= 1 increasing per client, and each client has at most one request
// outstanding. The Store keeps each client's last applied Seq and its Result; a
// retry of that Seq returns the recorded Result without applying again, an older
// Seq returns Result{Stale: true}. Seq 0 means "no session": always applied.
package kv

import "fmt"

// Kind is the operation type. The zero value is invalid.
type Kind uint8

// Operation kinds.
const (
	Get Kind = iota + 1
	Put
	Append
	Cas
)

var kindNames = [...]string{Get: "get", Put: "put", Append: "append", Cas: "cas"}

func (k Kind) String() string {
	if k >= Get && k <= Cas {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Op is one client request, the payload of a Raft entry (see Encode).
// Invariant: Get carries no Value or Expect; Put and Append carry no Expect.
type Op struct {
	Kind   Kind
	Key    string
	Value  string // put/append argument; cas new value
	Expect string // cas: value the key must hold for the swap
	Client uint64
	Seq    uint64 // 0: no session; else increasing per client from 1
}

// Result is what a request returns. It describes the key after the operation:
// for put/append/cas the key's value and version after it (unchanged if a cas
// failed), for get the key's value and version (Found false if missing).
type Result struct {
	Value   string
	Found   bool
	Version uint64
	OK      bool // cas: the swap happened
	Stale   bool // the request's Seq is older than the client's last: not applied
}

func (r Result) String() string {
	if r.Stale {
		return "stale-session"
	}
	return fmt.Sprintf("value=%q found=%t version=%d ok=%t", r.Value, r.Found, r.Version, r.OK)
}
