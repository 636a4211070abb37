package replica

// Ready is one batch of a replica's outputs. The host handles it in order:
// its writes are on the Store (unsynced); if MustSync they must be synced
// before any Message leaves; then it sends Messages, restores Snapshot,
// applies Committed in order, answers Reads, and calls Advance.
type Ready struct {
	MustSync bool
	Messages []Message
	// Role is set when the role or the leader believed in changed.
	Role *RoleChange
	// Epoch is the epoch persisted by this batch (0: unchanged).
	Epoch uint64
	// Commit is the commit index persisted by this batch (0: unchanged).
	Commit uint64
	// Appended are the log entries this batch wrote, for log checkers.
	Appended []LogEntry
	// Snapshot is a snapshot received from a peer and written by this
	// batch; the host restores its state machine from it once durable.
	Snapshot *Snapshot
	// Committed are entries to apply, in index order, contiguous.
	Committed []Entry
	// Reads are ReadIndex requests confirmed since the last batch.
	Reads []ReadState
	// CompactNow asks the host to snapshot its state machine at its applied
	// index once this batch is advanced (Replica.Compact), whatever its own
	// compaction policy: a leader whose latest snapshot predates a member it
	// must send one to (etcd-io/raft refuses a snapshot that leaves it out).
	CompactNow bool
	// Observations are for the protocol's own Checker (CheckedProtocol),
	// handed to it once this batch is durable; opaque to the world.
	Observations []any
}

// RoleChange is a role transition or a change of the leader believed in.
type RoleChange struct {
	Role  Role
	Epoch uint64 // the epoch it holds the role in
	Lead  uint64 // leader believed in, 0 if none
}

// Role is what a replica is in its epoch.
type Role uint8

const (
	Follower  Role = iota
	Candidate      // campaigning (pre-vote included)
	Leader
)

// EntryKind says what a committed entry carries.
type EntryKind uint8

const (
	EntryCommand EntryKind = iota // Data is a client command
	EntryNoop                     // a leader's no-op, or a filled hole
	EntryConfig                   // Membership is the configuration from here on
)

// Entry is a committed log entry.
type Entry struct {
	Index      uint64
	Epoch      uint64
	Kind       EntryKind
	Data       []byte
	Hash       uint64      // identifies the entry's content (kind and data)
	Membership *Membership // EntryConfig: the configuration it makes
}

// Membership is a configuration: voters, learners and, while joint, the
// voters of the outgoing configuration. IDs ascending.
type Membership struct {
	Voters, Learners, VotersOutgoing []uint64
}

// IsJoint reports whether m is a joint configuration.
func (m Membership) IsJoint() bool { return len(m.VotersOutgoing) > 0 }

// LogEntry identifies an entry for checkers: position, epoch, content hash.
type LogEntry struct {
	Index, Epoch, Hash uint64
}

// Snapshot is a state machine image at Index.
type Snapshot struct {
	Index, Epoch uint64
	Data         []byte
	Membership   Membership
}

// ReadState is a confirmed read: once the host applied Index it may answer
// the read whose context is Ctx.
type ReadState struct {
	Index uint64
	Ctx   []byte
}

// ConfigChange is a membership change: one step (Simple) or several through
// a joint configuration.
type ConfigChange struct {
	Steps  []ConfigStep
	Simple bool
}

// ConfigStep changes one node's membership.
type ConfigStep struct {
	Type ConfigStepType
	Node uint64
}

// ConfigStepType is the kind of a ConfigStep.
type ConfigStepType uint8

const (
	AddVoter ConfigStepType = iota + 1
	AddLearner
	RemoveNode
)
