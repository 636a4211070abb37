package sim

import "github.com/faultline-sim/faultline/raft"

// defectSet is the planted defect of a run, split by the layer that carries it.
type defectSet struct {
	raft              raft.Defects
	kvNoDedup         bool
	voteBeforePersist bool // host sends messages before the fsync completes
	ackBeforeCommit   bool // host answers a write when it is proposed
	readLocal         bool // leader answers get from its own state
	pauseDropsTicks   bool // a resumed host runs one tick for all it missed
}

// DefectInfo names a planted defect and says what it breaks.
type DefectInfo struct {
	Name    string
	Summary string
	Catches string // the checks expected to catch it
}

// defects lists every planted defect, in the order simrun prints them.
var defects = []struct {
	DefectInfo
	set func(*defectSet)
}{
	{DefectInfo{"commit-old-term", "a leader commits entries of earlier terms by counting replicas (Raft Figure 8)", "leader-completeness (the crash-new-leader fault, with one entry per message)"},
		func(d *defectSet) { d.raft.CommitOldTerm = true }},
	{DefectInfo{"vote-any-log", "votes are granted without the up-to-date log check", "leader-completeness, acked-write-lost"},
		func(d *defectSet) { d.raft.VoteAnyLog = true }},
	{DefectInfo{"vote-before-persist", "term, vote and entries are sent before they are durable; a crash forgets them", "one-leader-per-term"},
		func(d *defectSet) { d.voteBeforePersist = true }},
	{DefectInfo{"truncate-on-match", "a follower truncates its log on a stale AppendEntries whose entries match", "log-matching, acked-write-lost"},
		func(d *defectSet) { d.raft.TruncateOnMatch = true }},
	// follower-commit-leader needs a follower to accept an AppendEntries that
	// ends before its first entry differing from the leader's, with a leader
	// commit past it. A leader probing from after its last entry never sends
	// one (its next index lands on the first difference); this core's leader
	// probes from after its commit index, so Apps whose entries all match a
	// diverging follower's come first, and with one entry per message the
	// leader's commit overtakes them.
	{DefectInfo{"follower-commit-leader", "a follower sets commit to leaderCommit without bounding it by its last new entry",
		"committed-entry, state-machine-safety: a new leader re-sends from its commit index, one entry per message"},
		func(d *defectSet) { d.raft.FollowerCommitLeader = true }},
	{DefectInfo{"match-from-log-len", "the leader sets a follower's match index from its own log length, not the reply", "state-machine-safety"},
		func(d *defectSet) { d.raft.MatchFromLogLen = true }},
	{DefectInfo{"stale-reply", "the leader acts on AppendEntries replies from an older term", "committed-entry, state-machine-safety (the replay-leader fault)"},
		func(d *defectSet) { d.raft.StaleReply = true }},
	{DefectInfo{"ack-before-commit", "the host answers a write before its entry commits", "acked-write-lost, linearizability"},
		func(d *defectSet) { d.ackBeforeCommit = true }},
	{DefectInfo{"read-local", "the leader answers get from its own state without confirming it still leads", "linearizability"},
		func(d *defectSet) { d.readLocal = true }},
	{DefectInfo{"no-dedup", "client sessions are ignored, so a retried write applies twice", "linearizability"},
		func(d *defectSet) { d.kvNoDedup = true }},
	{DefectInfo{"timer-reset-any-vote", "a follower resets its election timer on every vote request, granted or not", "liveness"},
		func(d *defectSet) { d.raft.TimerResetAnyVote = true }},
	{DefectInfo{"snapshot-rollback", "a follower installs a snapshot older than its applied index, rolling its state machine back", "state-machine-safety, raft-assertion (commit beyond the log)"},
		func(d *defectSet) { d.raft.SnapshotRollback = true }},
	{DefectInfo{"snapshot-drops-suffix", "a follower installing a snapshot of a prefix it holds discards the acknowledged entries after it", "raft-assertion (a heartbeat commits past the shortened log)"},
		func(d *defectSet) { d.raft.SnapshotDropsSuffix = true }},
	{DefectInfo{"single-server-unsafe", "a single-server membership change is accepted before the leader committed an entry of its term", "leader-completeness (or two leaders in a term): the config-split fault of the race plan (corpus seed 58), and the scripted race (testdata/scenarios/single-server-race.txt)"},
		func(d *defectSet) { d.raft.SingleServerUnsafe = true }},
	{DefectInfo{"pause-drops-ticks", "a resumed host runs one tick for all those it missed while paused (a Go time.Ticker drops them), so a paused leader's lease clock stood still", "linearizability of lease reads: the pause-leader fault (corpus seed 90), and scenario lease-pause-drops-ticks"},
		func(d *defectSet) { d.pauseDropsTicks = true }},
	{DefectInfo{"lease-ignores-drift", "lease reads trust the lease for the whole election timeout, ignoring clock drift and tick phase", "linearizability of lease reads: the partition-leader fault at the drift bound, a deposed leader answering a lease read after the new leader committed a write (corpus seed 37); scenario lease-ignores-drift"},
		func(d *defectSet) { d.raft.LeaseIgnoresDrift = true }},
}

// Defects lists the planted defects in a fixed order.
func Defects() []DefectInfo {
	out := make([]DefectInfo, len(defects))
	for i, d := range defects {
		out[i] = d.DefectInfo
	}
	return out
}

func knownDefect(name string) bool {
	for _, d := range defects {
		if d.Name == name {
			return true
		}
	}
	return false
}

// defectsOf switches on the named defect ("" for none).
func defectsOf(name string) defectSet {
	var s defectSet
	for _, d := range defects {
		if d.Name == name {
			d.set(&s)
		}
	}
	return s
}
