package paxos

// Ballot is a proposal ID: (round, node id), totally ordered by round, then
// id. It is encoded as one uint64, round<<8 | id, so comparing encodings
// compares ballots and the world sees one epoch per proposer attempt.
// Invariant: id < 256 (Config.Validate); ballot 0 is "none".
type Ballot uint64

// MakeBallot is the ballot of round r by node id.
func MakeBallot(round, id uint64) Ballot { return Ballot(round<<8 | id) }

// Round is the ballot's round number.
func (b Ballot) Round() uint64 { return uint64(b) >> 8 }

// Node is the id of the proposer that owns the ballot.
func (b Ballot) Node() uint64 { return uint64(b) & 0xff }

// Value is what a slot holds: a client command, or a no-op (a filled hole,
// or a new leader's marker).
type Value struct {
	Noop bool
	Data []byte
}

// Slot is one log position as an acceptor holds it. Ballot 0 means nothing
// accepted (a hole). Chosen means the acceptor learned that Value is the
// slot's chosen value; a chosen slot is never changed again.
type Slot struct {
	Index  uint64
	Ballot Ballot // ballot of the accepted value; 0: none
	Value  Value
	Chosen bool
}

// Snapshot is a state machine image covering every slot <= Index (all chosen).
type Snapshot struct {
	Index uint64
	Data  []byte
}

// State is the durable state of a node: what a boot starts from.
type State struct {
	Promised Ballot   // highest ballot promised (minProposal)
	Snap     Snapshot // latest snapshot; Index 0 if none
	Slots    []Slot   // slots after Snap.Index, ascending, holes may be absent
}

// Role is what a node does in its ballot.
type Role uint8

const (
	Follower  Role = iota
	Candidate      // running phase 1
	Leader         // phase 1 done: phase 2 only
)

func (r Role) String() string {
	switch r {
	case Candidate:
		return "candidate"
	case Leader:
		return "leader"
	}
	return "follower"
}

// SoftState is a role change or a change of the leader believed in.
type SoftState struct {
	Role   Role
	Ballot Ballot // the ballot it holds the role in (its promised ballot)
	Lead   uint64 // leader believed in, 0 if none
}

// Ready is one batch of outputs. The caller writes Promised (if non-zero),
// Slots and Snapshot, syncs if MustSync, then sends Messages, restores
// Snapshot, applies Committed in order and calls Advance.
type Ready struct {
	SoftState *SoftState
	Promised  Ballot // newly promised ballot to persist; 0: unchanged
	Slots     []Slot // slots to persist (accepted or learned chosen)
	Snapshot  *Snapshot
	MustSync  bool
	Messages  []Message
	Committed []Slot      // chosen slots to apply, contiguous from applied+1
	Reads     []ReadState // reads confirmed since the last batch
	// Observations are facts for an online checker, valid once this batch
	// is durable: the promises and accepts its replies vouch for.
	Observations []Observation
}

// ObsKind says what an Observation records.
type ObsKind uint8

const (
	ObsPromise ObsKind = iota + 1 // Node promised Ballot at tick Index (its ticks since boot; a granted Promise left)
	ObsAccept                     // Node accepted Value at (Index, Ballot) (an Accepted left)
	ObsChosen                     // Node learned Value chosen at Index
	// ObsLease (Config.Lease only): Node refuses the Prepares of every
	// proposer but the one of Ballot (0: all, the boot fence) until its tick
	// count reaches Index: it acked that leader's heartbeat or Accept (or
	// booted) ElectionTicks before.
	ObsLease
)

// Observation is a fact a Ready's replies vouch for.
type Observation struct {
	Kind   ObsKind
	Node   uint64
	Index  uint64
	Ballot Ballot
	Value  Value
}

// Status is what a host may observe.
type Status struct {
	ID       uint64
	Role     Role
	Promised Ballot
	Lead     uint64
	Commit   uint64 // every slot <= Commit is chosen and known here
	Applied  uint64
	Next     uint64 // leader: next slot for a new command
	Snap     uint64 // last slot the snapshot covers: the log holds only slots after it
}
