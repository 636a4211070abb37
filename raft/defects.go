package raft

// Defects are planted bugs for testing the testers: each switch turns one
// Raft rule off in a way a real implementation might get wrong. All false is
// correct Raft. Each costs at most one one-line branch in the core.
type Defects struct {
	// CommitOldTerm: the leader commits entries of earlier terms by counting
	// replicas, breaking the Figure 8 rule (§5.4.2).
	CommitOldTerm bool
	// VoteAnyLog: voters grant votes without the up-to-date check (§5.4.1).
	VoteAnyLog bool
	// TruncateOnMatch: a follower truncates its log after the last entry of
	// every accepted App, so a stale or duplicate App whose entries all match
	// drops later (possibly acknowledged) entries.
	TruncateOnMatch bool
	// FollowerCommitLeader: a follower commits min(leaderCommit, own last
	// index) instead of min(leaderCommit, last new entry), committing stale
	// entries beyond what the leader vouched for.
	FollowerCommitLeader bool
	// MatchFromLogLen: the leader sets a follower's match from its own last
	// index instead of the index in the follower's reply.
	MatchFromLogLen bool
	// StaleReply: the leader acts on App replies from older terms.
	StaleReply bool
	// TimerResetAnyVote: a follower resets its election timer on every vote
	// request, granted or not.
	TimerResetAnyVote bool
	// SingleServerUnsafe: a single-server (ConfChange.Simple) membership
	// change is accepted before the leader committed an entry of its term,
	// so it can race an uncommitted change of an earlier leader (Ongaro,
	// raft-dev 2015).
	SingleServerUnsafe bool
	// SnapshotRollback: a follower installs a snapshot older than its
	// applied index, rolling its state machine back.
	SnapshotRollback bool
	// SnapshotDropsSuffix: a follower installing a snapshot whose last entry
	// it already holds discards the (acknowledged) entries after it.
	SnapshotDropsSuffix bool
	// LeaseIgnoresDrift: LeaseRead trusts the lease for the full election
	// timeout, ignoring LeaseMarginTicks and the tick phase allowance.
	LeaseIgnoresDrift bool
	// JointQuorumNewOnlyVotes: an election (or pre-vote) in a joint
	// configuration is won by a majority of the new half alone, ignoring
	// C_old (thesis §4.3 needs both).
	JointQuorumNewOnlyVotes bool
	// JointQuorumNewOnlyCommit: in a joint configuration the leader commits
	// what a majority of the new half stores, ignoring C_old.
	JointQuorumNewOnlyCommit bool
}
