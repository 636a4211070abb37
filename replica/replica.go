// Package replica is the contract between the simulated world and a
// consensus replica. A replica is a pure, deterministic state machine: time
// arrives as ticks, messages and proposals as method calls, and every output
// comes out of one batch (Ready) that the host persists, syncs, sends and
// applies before it calls Advance. The world never looks inside a message or
// a log: it reads the Header of a message, the Status of a replica and the
// typed fields of a Ready.
//
// The package imports nothing of the project; adapters (replica/raftr, ...)
// sit beside it and the world (sim/) knows only this package.
package replica

import "errors"

// Protocol builds replicas of one consensus protocol.
type Protocol interface {
	// Name is what -protocol selects ("raft", "etcd", "paxos").
	Name() string
	// Caps says what the protocol supports; the world draws only that.
	Caps() Caps
	// Defects lists the planted defects the protocol carries (Config.Defect).
	Defects() []Defect
	// NewStore returns an empty disk for one node.
	NewStore() Store
	// Boot starts a replica from what st holds durably (a fresh store is a
	// first boot). It fails only on a bad Config.
	Boot(cfg Config, st Store) (Replica, error)
}

// Replica is one consensus replica. Not safe for concurrent use; the world
// drives it from one goroutine.
type Replica interface {
	// Tick advances the replica's logical clock by one tick.
	Tick()
	// Step hands it a message from a peer. Stale or malformed messages are
	// dropped by the replica; a broken invariant panics. m is the replica's
	// from then on: the world must not use it after Step (an adapter may
	// reuse it for a later Clone).
	Step(m Message)
	// Propose appends an opaque command. On a non-leader the error is a
	// *NotLeaderError; any other error means dropped (the client retries).
	Propose(cmd []byte) (Proposal, error)
	// ReadIndex asks for a linearizable read point for ctx (Caps.Reads has
	// ReadConsistent); the answer comes in Ready.Reads. Errors as Propose.
	ReadIndex(ctx []byte) error
	// LeaseRead returns the commit index a leader's lease vouches for now
	// (Caps.Reads has ReadLease); ok false means no lease: use ReadIndex.
	LeaseRead() (index uint64, ok bool)
	// ChangeConfig proposes a membership change (Caps.Membership).
	// ErrConfigRejected: the change is invalid for the current configuration.
	// Other errors: not now (not leader, a change still pending).
	ChangeConfig(c ConfigChange) (index uint64, err error)
	// HasReady reports whether Ready has something to hand out.
	HasReady() bool
	// Ready hands out the next batch. Its writes are already on the Store,
	// unsynced: a crash before Store.Sync may lose them.
	Ready() Ready
	// Advance acknowledges the last Ready: it was persisted, its messages
	// sent and its committed entries applied. Slices of that Ready are the
	// host's until Advance and must not be kept past it.
	Advance()
	// Status is the observation surface for faults, operator and checkers.
	Status() Status
	// Match is the index a leader knows peer id has durably, ok false if it
	// does not lead or does not track id.
	Match(id uint64) (index uint64, ok bool)
	// Compact records a snapshot of the state machine at the applied index
	// (data is its image) and trims the log before it, on the Store.
	Compact(applied uint64, data []byte)
}

// Store is a node's simulated disk as the world controls it. Writes land
// when a Ready is handed out; Sync makes them durable; Crash loses the
// unsynced ones after the first keep.
type Store interface {
	Sync()
	Crash(keep int)
	// Pending is the number of unsynced writes.
	Pending() int
	// Recovered says what a boot from this store will find.
	Recovered() Recovered
	// Stats counts writes, syncs and losses, for the run's metrics.
	Stats() StoreStats
}

// Recovered is a store's durable state as the world and checkers see it.
type Recovered struct {
	Epoch    uint64     // the epoch (term, ballot) last persisted
	Commit   uint64     // index known committed on disk (snapshot included)
	Log      []LogEntry // entries after the snapshot, for log checkers
	SnapData []byte     // state machine image of the snapshot; nil if none
	SnapAt   uint64     // index of the snapshot; 0 if none
	State    any        // protocol state for its Checker (promises, accepts)
}

// StoreStats are a store's counters since the store was made.
type StoreStats struct {
	Writes, Syncs, Lost, Snapshots, Installs int
}

// Config is what every replica is booted with. Options a protocol does not
// support (Caps) are false or zero.
type Config struct {
	ID             uint64
	Peers          []uint64 // the initial voters, ascending
	ElectionTicks  int      // election timeout (base), in ticks
	HeartbeatTicks int      // heartbeat interval, in ticks
	PreVote        bool
	CheckQuorum    bool
	MaxEntries     int // entries per append message
	MaxInflight    int // append messages in flight per follower
	// LeaseMarginTicks is how many ticks a leader's lease ends before a
	// follower that acked it may vote again (clock drift and steps).
	LeaseMarginTicks int
	// LeaseReads says the run's clients issue lease reads, for a protocol
	// whose lease is a mode of its own (Multi-Paxos's acceptor lease;
	// etcd-io/raft's ReadOnlyLeaseBased, Caps.LeaseByReadIndex).
	LeaseReads bool
	Rand       Rand   // the replica's one random source
	Defect     string // a name from Protocol.Defects, "" for none
}

// Rand is a seeded random source.
type Rand interface {
	IntN(n int) int
	Uint64() uint64
}

// Defect is a planted bug a protocol can switch on.
type Defect struct {
	Name    string
	Summary string
	Catches string // the checks expected to catch it
}

// Proposal is where an accepted proposal sits in the log.
type Proposal struct {
	Index uint64
	// Epoch is the leader's: an entry applied at Index with another epoch
	// is someone else's, and the proposal was lost.
	Epoch uint64
	Hash  uint64 // the entry's Entry.Hash once committed
}

// NotLeaderError is returned by a replica that does not lead. Leader is its
// hint (0: unknown).
type NotLeaderError struct{ Leader uint64 }

func (e *NotLeaderError) Error() string { return "replica: not the leader" }

// ErrConfigRejected says a ConfigChange is invalid for the configuration.
var ErrConfigRejected = errors.New("replica: configuration change rejected")
