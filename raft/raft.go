// Package raft is a deterministic Raft core in the style of etcd-io/raft's
// RawNode: inputs are method calls (Tick, Step, Propose, Campaign), outputs
// are collected in a Ready that the host handles and then Advances. It uses
// no clock, no global randomness, no goroutines and no package of this
// project: time arrives as Tick, randomness through Config.Rand.
package raft

// Rand is the random source for election timeouts (*prng.Rand satisfies it).
type Rand interface{ IntN(n int) int }

// Config configures one node. Zero MaxInflightMsgs, MaxEntriesPerMsg and
// MaxUncommittedEntries take defaults; DefaultConfig fills everything else.
type Config struct {
	ID                    uint64   // this node, != 0, in Peers
	Peers                 []uint64 // all voters, this node included
	ElectionTicks         int      // election timeout ET; randomized in [ET, 2ET)
	HeartbeatTicks        int      // leader heartbeat interval, < ElectionTicks
	PreVote               bool     // campaign only after a pre-vote majority (§9.6)
	CheckQuorum           bool     // leader steps down without a live majority; followers with a live leader ignore votes
	MaxInflightMsgs       int      // Apps in flight per follower in replicate state (default 64)
	MaxEntriesPerMsg      int      // entries per App (default 64)
	MaxUncommittedEntries int      // leader drops proposals past this many uncommitted (default 4096)
	Storage               Storage  // durable state; restored from by NewNode
	Rand                  Rand     // election timeout jitter
	Defects               Defects  // planted bugs, all off by default
	Logger                func(string)
}

// Role is a node's part in the protocol.
type Role uint8

const (
	Follower Role = iota
	PreCandidate
	Candidate
	Leader
)

// Status is a snapshot of a node's state for hosts, traces and checkers.
type Status struct {
	ID, Term, Vote, Lead uint64
	Role                 Role
	Commit, Applied      uint64
	LastIndex, LastTerm  uint64
}

// NewNode validates cfg and restores the node from cfg.Storage: term, vote
// and commit from the HardState, the log from the entries. Nothing volatile
// survives: the node starts as a follower with no known leader.
func NewNode(cfg Config) (*Node, error) { return newNode(cfg) }

// Tick advances the logical clock by one tick.
func (n *Node) Tick() { n.tick() }

// Step feeds a message received from a peer. It returns ErrInvalidMessage
// (wrapped) for messages not addressed to this node or from unknown peers.
func (n *Node) Step(m Message) error { return n.step(m) }

// Propose appends data to the log if this node leads. It returns the entry's
// index and term, or a *NotLeaderError (errors.Is ErrNotLeader) with the
// leader hint, or ErrProposalDropped. data is copied.
func (n *Node) Propose(data []byte) (index, term uint64, err error) { return n.propose(data) }

// Campaign starts an election now, as if the election timer had fired
// (a pre-vote first if PreVote is on). No-op on a leader.
func (n *Node) Campaign() { n.campaignNow() }

// HasReady reports whether Ready has anything for the host.
func (n *Node) HasReady() bool { return n.hasReady() }

// Ready returns the pending outputs. See Ready for the host's contract.
// Call Advance before the next Ready.
func (n *Node) Ready() Ready { return n.ready() }

// Advance tells the node the host finished handling rd.
func (n *Node) Advance(rd Ready) { n.advance(rd) }

// Status returns the node's current state.
func (n *Node) Status() Status { return n.status() }
