package replica

import (
	"slices"
	"strings"
)

// Message is a protocol message as the world carries it. The world reads
// only its Header and delivers Clones: no slice is shared between nodes.
type Message interface {
	Header() Header
	Clone() Message
}

// Header is the protocol-free face of a message, for routing, traces and
// run-time faults.
type Header struct {
	Kind     MsgKind
	Type     string // the protocol's name for the message, for traces
	From, To uint64
	Epoch    uint64 // sender's term or ballot
	Index    uint64
	LogEpoch uint64
	Commit   uint64
	Entries  int // entries carried
	Reject   bool
}

// MsgKind classifies a message for run-time faults.
type MsgKind uint8

const (
	MsgOther       MsgKind = iota
	MsgVote                // asks for a vote or a promise (RequestVote, Prepare)
	MsgVoteResp            // grants (Reject false) or refuses one
	MsgPreVote             // a pre-vote request
	MsgPreVoteResp         // a pre-vote reply
	MsgAppend              // carries entries or commit (AppendEntries, Accept)
	MsgAppendResp          // acknowledges an append; Index is the match on success
	MsgHeartbeat
	MsgHeartbeatResp
	MsgSnapshot
)

// Registry

var protocols []Protocol

// Register adds p to the protocols -protocol can name. Adapters call it from
// an init function; names are unique.
func Register(p Protocol) {
	for _, q := range protocols {
		if q.Name() == p.Name() {
			panic("replica: protocol " + p.Name() + " registered twice")
		}
	}
	protocols = append(protocols, p)
}

// Lookup returns the protocol named name, or nil.
func Lookup(name string) Protocol {
	for _, p := range protocols {
		if p.Name() == name {
			return p
		}
	}
	return nil
}

// Protocols lists the registered protocols by name.
func Protocols() []Protocol {
	out := append([]Protocol(nil), protocols...)
	slices.SortFunc(out, func(a, b Protocol) int { return strings.Compare(a.Name(), b.Name()) })
	return out
}
