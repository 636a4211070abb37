package raft

import (
	"errors"
	"strconv"
)

// Sentinel errors. Expected conditions return these (possibly wrapped);
// broken invariants panic instead.
var (
	// ErrNotLeader: a proposal reached a node that is not the leader. The
	// returned error is a *NotLeaderError carrying the leader hint.
	ErrNotLeader = errors.New("raft: not leader")
	// ErrProposalDropped: the leader has MaxUncommittedEntries not yet committed.
	ErrProposalDropped = errors.New("raft: proposal dropped, too many uncommitted entries")
	// ErrInvalidConfig: Config.Validate failed; the wrapping error names the field.
	ErrInvalidConfig = errors.New("raft: invalid config")
	// ErrInvalidMessage: Step got a message not addressed to this node, from
	// itself or id 0, of unknown type or without a term. Messages from ids
	// outside the configuration are accepted (members change).
	ErrInvalidMessage = errors.New("raft: invalid message")
	// ErrCompacted: the requested index precedes the storage's first index.
	ErrCompacted = errors.New("raft: requested index is unavailable due to compaction")
	// ErrUnavailable: the requested index is past the storage's last index.
	ErrUnavailable = errors.New("raft: requested entry at index is unavailable")
	// ErrSnapOutOfDate: ApplySnapshot got a snapshot older than the storage's.
	ErrSnapOutOfDate = errors.New("raft: requested index is older than the existing snapshot")
	// ErrConfChangePending: ProposeConfChange while an earlier configuration
	// entry is uncommitted or the joint configuration is not yet left, or
	// before the leader committed an entry of its term. Retry later.
	ErrConfChangePending = errors.New("raft: configuration change pending")
	// ErrInvalidConfChange: the ConfChange (or a configuration entry) is
	// malformed; the wrapping error says why.
	ErrInvalidConfChange = errors.New("raft: invalid configuration change")
	// ErrReadIndexDropped: ReadIndex with an empty or already pending ctx, or
	// with maxPendingReads requests pending.
	ErrReadIndexDropped = errors.New("raft: read index request dropped")
	// ErrSnapshotTemporarilyUnavailable: Storage.Snapshot cannot produce one now; retry later.
	ErrSnapshotTemporarilyUnavailable = errors.New("raft: snapshot is temporarily unavailable")
)

// NotLeaderError is returned by Propose on a non-leader. Leader is the node
// this node believes leads (0 if unknown), so a client can redirect.
type NotLeaderError struct {
	Leader uint64
}

func (e *NotLeaderError) Error() string {
	if e.Leader == 0 {
		return "raft: not leader (leader unknown)"
	}
	return "raft: not leader (leader hint " + strconv.FormatUint(e.Leader, 10) + ")"
}

// Is makes errors.Is(err, ErrNotLeader) true.
func (e *NotLeaderError) Is(target error) bool { return target == ErrNotLeader }

// detailError wraps a sentinel with a detail that names the input.
type detailError struct {
	sentinel error
	detail   string
}

func (e *detailError) Error() string { return e.sentinel.Error() + ": " + e.detail }
func (e *detailError) Unwrap() error { return e.sentinel }

func configErr(detail string) error { return &detailError{ErrInvalidConfig, detail} }
func msgErr(detail string) error    { return &detailError{ErrInvalidMessage, detail} }

// u64 is a short uint64 formatter for messages built without fmt.
func u64(v uint64) string { return strconv.FormatUint(v, 10) }

// itoa formats an int without fmt.
func itoa(v int) string { return strconv.Itoa(v) }
