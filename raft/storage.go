package raft

// Storage is the durable state Raft reads: hard state, snapshot and log.
// Raft only reads it; the host writes what each Ready asks to persist.
// Indices: the log holds [FirstIndex, LastIndex]; FirstIndex-1 is the index of
// the latest snapshot (0 if none), whose term Term still reports.
type Storage interface {
	// InitialState returns the persisted HardState (zero if none).
	InitialState() (HardState, error)
	// Entries returns entries [lo, hi). ErrCompacted if lo < FirstIndex,
	// ErrUnavailable if hi > LastIndex+1.
	Entries(lo, hi uint64) ([]Entry, error)
	// Term returns the term of entry i, for i in [FirstIndex-1, LastIndex].
	// ErrCompacted below, ErrUnavailable above.
	Term(i uint64) (uint64, error)
	// FirstIndex is the index of the first entry that may be in the log.
	FirstIndex() (uint64, error)
	// LastIndex is the index of the last entry (FirstIndex-1 if empty).
	LastIndex() (uint64, error)
	// Snapshot returns the latest snapshot (ErrSnapshotTemporarilyUnavailable
	// if it cannot be produced now).
	Snapshot() (Snapshot, error)
}
