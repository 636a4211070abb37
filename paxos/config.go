package paxos

import (
	"errors"
	"strconv"
)

// Rand is the node's one random source (the caller seeds it).
type Rand interface{ IntN(n int) int }

// Config configures one node. Zero MaxEntriesPerMsg, MaxUncommitted and
// MaxCatchUpMsgs take defaults.
type Config struct {
	ID    uint64
	Peers []uint64 // every acceptor, this node included, ascending
	// ElectionTicks is the base election timeout: a follower that hears no
	// leader for a random timeout in [ElectionTicks, 2*ElectionTicks) ticks
	// starts phase 1; a candidate that gets no majority in that time retries
	// with a higher ballot (randomized backoff breaks duelling proposers).
	ElectionTicks  int
	HeartbeatTicks int // leader heartbeat interval, in ticks
	// MaxEntriesPerMsg bounds the slots of one Accept or Commit message.
	MaxEntriesPerMsg int
	// MaxUncommitted bounds the slots a leader has in flight past its
	// commit index; Propose drops beyond it.
	MaxUncommitted int
	// MaxCatchUpMsgs bounds the Commit messages of one catch-up window:
	// a lagging acceptor gets up to MaxCatchUpMsgs*MaxEntriesPerMsg
	// chosen slots per heartbeat reply.
	MaxCatchUpMsgs int
	// Lease turns on leader leases (lease.go): an acceptor refuses other
	// proposers' Prepares for ElectionTicks after it heard its leader (and
	// after a boot), and LeaseRead trusts a majority's heartbeat acks for
	// ElectionTicks-LeaseMarginTicks-1 of the leader's ticks.
	Lease bool
	// LeaseMarginTicks is the lease's allowance for clock drift and steps,
	// in [0, ElectionTicks).
	LeaseMarginTicks int
	State            State // durable state to boot from (zero: first boot)
	Rand             Rand
	Defects          Defects
}

// Defects are planted bugs, each one switch, for the simulator to find.
// All false is correct Paxos.
type Defects struct {
	AcceptFirst             bool // acceptor keeps the first value of a slot, acknowledges every Accept, ignores promises
	AcceptLast              bool // acceptor accepts every Accept whatever its ballot (no phase-1 promise check), the newest overwriting
	PrepareEqualID          bool // acceptor answers a Prepare whose ballot equals its promise (< instead of <=)
	ProposerIgnoresAccepted bool // new leader proposes its own values, ignoring the accepted values promises report
	SkipRecovery            bool // new leader skips re-proposing [commit, max]: new commands start at commit+1
	ApplyPastHole           bool // a slot not chosen below a chosen one is applied as a no-op
	ReplyBeforeDurable      bool // Promise and Accepted replies leave before the state they vouch for is durable
	PrepareInLease          bool // acceptor grants a Prepare while in a leader's lease (leases on)
	CatchUpEmpty            bool // the leader's catch-up Commit carries none of the chosen slots a lagging acceptor lacks
}

// MaxNodeID is the largest node id: ids fit the ballot's low byte and a
// 64-bit acknowledgement mask.
const MaxNodeID = 63

const (
	defaultMaxEntries     = 64
	defaultMaxUncommitted = 256
	defaultMaxCatchUpMsgs = 64
)

// Validate reports a bad Config.
func (c *Config) Validate() error {
	switch {
	case c.ID == 0 || c.ID > MaxNodeID:
		return errors.New("paxos: node id " + strconv.FormatUint(c.ID, 10) + " outside 1.." + strconv.Itoa(MaxNodeID))
	case c.ElectionTicks < 2:
		return errors.New("paxos: ElectionTicks must be at least 2")
	case c.HeartbeatTicks < 1 || c.HeartbeatTicks >= c.ElectionTicks:
		return errors.New("paxos: HeartbeatTicks must be in [1, ElectionTicks)")
	case c.Rand == nil:
		return errors.New("paxos: Config.Rand is nil")
	case c.LeaseMarginTicks < 0 || c.LeaseMarginTicks >= c.ElectionTicks:
		return errors.New("paxos: LeaseMarginTicks must be in [0, ElectionTicks)")
	case c.MaxEntriesPerMsg < 0 || c.MaxUncommitted < 0 || c.MaxCatchUpMsgs < 0:
		return errors.New("paxos: negative message or in-flight bound")
	}
	self := false
	for i, p := range c.Peers {
		if p == 0 || p > MaxNodeID || (i > 0 && p <= c.Peers[i-1]) {
			return errors.New("paxos: peers must be ascending ids in 1.." + strconv.Itoa(MaxNodeID))
		}
		self = self || p == c.ID
	}
	if !self {
		return errors.New("paxos: node " + strconv.FormatUint(c.ID, 10) + " is not among its peers")
	}
	return nil
}

// NotLeaderError is returned by Propose on a node that does not lead.
type NotLeaderError struct{ Leader uint64 }

func (e *NotLeaderError) Error() string { return "paxos: not the leader" }

// ErrProposalDropped: the leader has MaxUncommitted slots in flight.
var ErrProposalDropped = errors.New("paxos: proposal dropped: too many slots in flight")
