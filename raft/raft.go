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
	ID                    uint64   // this node, != 0
	Peers                 []uint64 // initial voters; the log and snapshots override them (see ConfState)
	ElectionTicks         int      // election timeout ET; randomized in [ET, 2ET)
	HeartbeatTicks        int      // leader heartbeat interval, < ElectionTicks
	PreVote               bool     // campaign only after a pre-vote majority (§9.6)
	CheckQuorum           bool     // leader steps down without a live majority; followers with a live leader ignore votes
	MaxInflightMsgs       int      // Apps in flight per follower in replicate state (default 64)
	MaxEntriesPerMsg      int      // entries per App (default 64)
	MaxUncommittedEntries int      // leader drops proposals past this many uncommitted (default 4096)
	MaxSnapshotChunkBytes int      // InstallSnapshot data per message; 0: the whole snapshot in one
	LeaseMarginTicks      int      // clock-drift margin for LeaseRead, in [0, ElectionTicks)
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
	Config               ConfState // in force: the last configuration appended (shared, do not modify)
	ConfigIndex          uint64    // index of the entry (or snapshot) that set Config; 0 = Config.Peers
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

// Match returns the highest index the leader knows member id stores (its own
// last index for itself); ok is false on a follower or for a non-member.
// Operators use it to promote a learner once it has caught up.
func (n *Node) Match(id uint64) (index uint64, ok bool) {
	if n.role != Leader {
		return 0, false
	}
	if id == n.id {
		return n.log.lastIndex(), true
	}
	if pr := n.prs[id]; pr != nil {
		return pr.match, true
	}
	return 0, false
}

// ProposeConfChange appends a membership change if this node leads and
// returns its entry's index and term. A change of the voters appends
// C_old,new (joint: elections and commits need majorities of both); once
// that commits the leader appends C_new itself (auto-leave). A change of
// learners only, or a cc.Simple change of at most one voter, is applied
// directly. Configurations take effect when appended. New members should
// join as learners, catch up, then be promoted with ConfAddVoter. A leader
// that C_new removes keeps leading until C_new commits, then steps down.
// Errors: *NotLeaderError; ErrConfChangePending while an earlier change is
// uncommitted or not yet left, or before the leader committed an entry of
// its term (Defects.SingleServerUnsafe skips that last check for Simple);
// ErrInvalidConfChange (wrapped) for a malformed change.
func (n *Node) ProposeConfChange(cc ConfChange) (index, term uint64, err error) {
	return n.proposeConfChange(cc)
}

// ReadIndex asks for a linearizable read point (§6.4). The leader records
// its commit index, confirms it still leads by a heartbeat round acked by a
// majority (of both halves while joint), then Ready.ReadStates carries
// ReadState{Index, Ctx}: the host answers once it has applied Index. A
// leader that has not committed an entry of its term defers the request
// until it has. ctx identifies the request: non-empty, unique among pending
// ones. A follower refuses with *NotLeaderError (the host redirects: no
// forwarding). Pending requests are dropped if the leader steps down; the
// host times them out. Errors: *NotLeaderError, ErrReadIndexDropped.
func (n *Node) ReadIndex(ctx []byte) error { return n.readIndex(ctx) }

// LeaseRead returns the leader's commit index if it may serve a read from
// it without a round: CheckQuorum is on, the leader committed an entry of
// its term, and a majority acked heartbeats stamped less than
// ElectionTicks - LeaseMarginTicks - 1 ticks ago (followers with a live
// leader ignore vote requests for ElectionTicks; one tick is kept for the
// phase between nodes' ticks, LeaseMarginTicks for clock drift). The host
// answers once it has applied index. ok is false otherwise.
func (n *Node) LeaseRead() (index uint64, ok bool) { return n.leaseRead() }
