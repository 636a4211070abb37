package raftr

import (
	"github.com/faultline-sim/faultline/raft"
	"github.com/faultline-sim/faultline/replica"
)

// catalogue lists the planted defects of the Raft core, in the order simrun
// prints them; each is one switch in raft.Defects.
var catalogue = []struct {
	replica.Defect
	set func(*raft.Defects)
}{
	{replica.Defect{Name: "commit-old-term", Summary: "a leader commits entries of earlier terms by counting replicas (Raft Figure 8)", Catches: "leader-completeness (the crash-new-leader fault, with one entry per message)"},
		func(d *raft.Defects) { d.CommitOldTerm = true }},
	{replica.Defect{Name: "vote-any-log", Summary: "votes are granted without the up-to-date log check", Catches: "leader-completeness, acked-write-lost"},
		func(d *raft.Defects) { d.VoteAnyLog = true }},
	{replica.Defect{Name: "truncate-on-match", Summary: "a follower truncates its log on a stale AppendEntries whose entries match", Catches: "log-matching, acked-write-lost"},
		func(d *raft.Defects) { d.TruncateOnMatch = true }},
	// follower-commit-leader needs a follower to accept an AppendEntries that
	// ends before its first entry differing from the leader's, with a leader
	// commit past it. A leader probing from after its last entry never sends
	// one (its next index lands on the first difference); this core's leader
	// probes from after its commit index, so Apps whose entries all match a
	// diverging follower's come first, and with one entry per message the
	// leader's commit overtakes them.
	{replica.Defect{Name: "follower-commit-leader", Summary: "a follower sets commit to leaderCommit without bounding it by its last new entry", Catches: "committed-entry, state-machine-safety: a new leader re-sends from its commit index, one entry per message"},
		func(d *raft.Defects) { d.FollowerCommitLeader = true }},
	{replica.Defect{Name: "match-from-log-len", Summary: "the leader sets a follower's match index from its own log length, not the reply", Catches: "state-machine-safety"},
		func(d *raft.Defects) { d.MatchFromLogLen = true }},
	{replica.Defect{Name: "stale-reply", Summary: "the leader acts on AppendEntries replies from an older term", Catches: "committed-entry, state-machine-safety (the replay-leader fault)"},
		func(d *raft.Defects) { d.StaleReply = true }},
	{replica.Defect{Name: "timer-reset-any-vote", Summary: "a follower resets its election timer on every vote request, granted or not", Catches: "liveness"},
		func(d *raft.Defects) { d.TimerResetAnyVote = true }},
	{replica.Defect{Name: "snapshot-rollback", Summary: "a follower installs a snapshot older than its applied index, rolling its state machine back", Catches: "state-machine-safety, raft-assertion (commit beyond the log)"},
		func(d *raft.Defects) { d.SnapshotRollback = true }},
	{replica.Defect{Name: "snapshot-drops-suffix", Summary: "a follower installing a snapshot of a prefix it holds discards the acknowledged entries after it", Catches: "raft-assertion (a heartbeat commits past the shortened log)"},
		func(d *raft.Defects) { d.SnapshotDropsSuffix = true }},
	{replica.Defect{Name: "single-server-unsafe", Summary: "a single-server membership change is accepted before the leader committed an entry of its term", Catches: "leader-completeness (or two leaders in a term): the config-split fault of the race plan (corpus seed 2), and the scripted race (testdata/scenarios/single-server-race.txt)"},
		func(d *raft.Defects) { d.SingleServerUnsafe = true }},
	{replica.Defect{Name: "lease-ignores-drift", Summary: "lease reads trust the lease for the whole election timeout, ignoring clock drift and tick phase", Catches: "lease-overlap: the partition-leader fault at the drift bound, a deposed leader's lease vouching for a read while the new leader leads (corpus seed 37), then linearizability of lease reads; scenario lease-ignores-drift"},
		func(d *raft.Defects) { d.LeaseIgnoresDrift = true }},
	{replica.Defect{Name: "joint-quorum-new-only-votes", Summary: "an election in a joint configuration is won by a majority of the new half alone", Catches: "leader-completeness (or two leaders in a term): the joint-split fault, the new side electing without C_old while the old side commits"},
		func(d *raft.Defects) { d.JointQuorumNewOnlyVotes = true }},
	{replica.Defect{Name: "joint-quorum-new-only-commit", Summary: "a leader in a joint configuration commits what a majority of the new half stores", Catches: "committed-entry, state-machine-safety: the joint-split fault, both sides committing at the joint entry's index"},
		func(d *raft.Defects) { d.JointQuorumNewOnlyCommit = true }},
}

// Defects implements replica.Protocol.
func (Protocol) Defects() []replica.Defect {
	out := make([]replica.Defect, len(catalogue))
	for i, d := range catalogue {
		out[i] = d.Defect
	}
	return out
}
