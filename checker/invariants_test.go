package checker

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func ents(term uint64, from uint64, hashes ...uint64) []LogEntry {
	out := make([]LogEntry, len(hashes))
	for i, h := range hashes {
		out[i] = LogEntry{Index: from + uint64(i), Term: term, Hash: h}
	}
	return out
}

// replicate appends es on nodes, commits up to commit and applies.
func replicate(c *Invariants, atNs int64, es []LogEntry, commit uint64, nodes ...int) {
	for _, n := range nodes {
		c.LogAppend(atNs, n, es)
		c.Commit(atNs, n, commit)
		for _, e := range es {
			if e.Index <= commit {
				c.Apply(atNs, n, e.Index, e.Term, e.Hash)
			}
		}
	}
}

func requireViolation(t *testing.T, c *Invariants, check string, atNs int64, nodes []int, msg string) {
	t.Helper()
	v := c.Violation()
	require.NotNil(t, v, "want %s", check)
	require.Equal(t, Violation{Check: check, AtNs: atNs, Nodes: nodes, Msg: msg}, *v, v.Error())
}

func TestInvariantsGoodRunWithCrashAndOverwrite(t *testing.T) {
	c := NewInvariants(3)
	c.Leader(10, 1, 1)
	replicate(c, 20, ents(1, 1, 0xa, 0xb, 0xc), 3, 1, 2, 3)
	c.Ack(21, 1, 3, 1, 0xc)
	c.LogAppend(30, 1, ents(1, 4, 0xd)) // never replicated, never committed
	// Node 1 crashes and restarts with its log and an older persisted commit.
	c.Restart(40, 1, append(ents(1, 1, 0xa, 0xb, 0xc), ents(1, 4, 0xd)...), 2)
	c.Leader(50, 2, 2)
	c.LogAppend(60, 2, ents(2, 4, 0xe))
	c.LogAppend(60, 3, ents(2, 4, 0xe))
	c.Commit(61, 2, 4)
	// Node 1 learns the term-2 entry, replacing its uncommitted index 4.
	replicate(c, 70, ents(2, 4, 0xe), 4, 1)
	c.Apply(71, 2, 4, 2, 0xe)
	c.Ack(72, 1, 4, 2, 0xe)
	c.Commit(73, 3, 4)
	c.Apply(73, 3, 4, 2, 0xe)
	c.Leader(80, 3, 3)
	require.Nil(t, c.Violation())
	require.Zero(t, c.Count())
	require.Equal(t, []Annotation{
		{Node: 1, Label: "leader t1", StartNs: 10, EndNs: 50, Description: "node 1 leader of term 1 from 0.000000010s"},
		{Node: 2, Label: "leader t2", StartNs: 50, EndNs: 80, Description: "node 2 leader of term 2 from 0.000000050s"},
		{Node: 3, Label: "leader t3", StartNs: 80, EndNs: 99, Description: "node 3 leader of term 3 from 0.000000080s"},
	}, c.LeaderAnnotations(99))
}

func TestTwoLeadersInATerm(t *testing.T) {
	c := NewInvariants(3)
	c.Leader(10, 2, 4)
	c.Leader(10, 2, 4) // the same leader again is fine
	c.Leader(1_500_000_000, 1, 4)
	requireViolation(t, c, CheckOneLeader, 1_500_000_000, []int{1, 2}, "term 4 has two leaders: node 2 and node 1")
	require.Equal(t, "one-leader-per-term at 1.500000000s nodes [1 2]: term 4 has two leaders: node 2 and node 1", c.Violation().Error())
}

func TestLogMatchingUsesPrefixHash(t *testing.T) {
	c := NewInvariants(2)
	c.LogAppend(10, 1, []LogEntry{{1, 1, 0xa}, {2, 2, 0xb}})
	// Same (2, 2) on node 2 but a different entry below it.
	c.LogAppend(20, 2, []LogEntry{{1, 3, 0xa}, {2, 2, 0xb}})
	requireViolation(t, c, CheckLogMatching, 20, []int{1, 2}, "nodes 1 and 2 both hold index 2 term 2 but their logs differ at or before it")
}

func TestLogGap(t *testing.T) {
	c := NewInvariants(1)
	c.LogAppend(10, 1, ents(1, 3, 0xa))
	requireViolation(t, c, CheckLogMatching, 10, []int{1}, "node 1 appended index 3 after its last index 0: a gap")
}

func TestLeaderCompleteness(t *testing.T) {
	c := NewInvariants(3)
	c.Leader(10, 1, 1)
	replicate(c, 20, ents(1, 1, 0xa, 0xb), 2, 1, 2)
	c.LogAppend(20, 3, ents(1, 1, 0xa))
	c.Leader(30, 3, 2)
	requireViolation(t, c, CheckCompleteness, 30, []int{1, 3}, "leader 3 of term 2 lacks committed index 2 term 1 (its last index is 1)")

	c = NewInvariants(3)
	replicate(c, 20, ents(1, 1, 0xa, 0xb), 2, 1)
	c.LogAppend(20, 3, []LogEntry{{1, 1, 0xa}, {2, 2, 0xf}, {3, 2, 0xf}})
	c.Leader(30, 3, 3)
	requireViolation(t, c, CheckCompleteness, 30, []int{1, 3}, "leader 3 of term 3 has index 2 term 2, but node 1 committed term 1 there")
}

// A candidate of term 2 whose vote replies were held wins after term 3
// committed index 2: Raft does not promise it that entry, nor the write
// acknowledged in term 3; a leader of term 4 must hold both.
func TestLeaderOfAnOldTermOwesOnlyEarlierCommits(t *testing.T) {
	c := NewInvariants(3)
	for _, n := range []int{1, 2, 3} {
		c.Term(n, 1)
	}
	replicate(c, 10, ents(1, 1, 0xa), 1, 1, 2, 3)
	c.Term(1, 3)
	c.Term(2, 3)
	c.Leader(20, 1, 3)
	replicate(c, 30, ents(3, 2, 0xb), 2, 1, 2)
	c.Ack(31, 1, 2, 3, 0xb)
	c.Term(3, 2)
	c.Leader(40, 3, 2) // its log ends at index 1
	require.Nil(t, c.Violation())
	c.Leader(50, 3, 4)
	requireViolation(t, c, CheckCompleteness, 50, []int{1, 3}, "leader 3 of term 4 lacks committed index 2 term 3 (its last index is 1)")
}

func TestDivergingAppliedCommands(t *testing.T) {
	c := NewInvariants(2)
	replicate(c, 20, ents(1, 1, 0xa), 1, 1)
	c.LogAppend(30, 2, ents(1, 1, 0xa))
	c.Commit(30, 2, 1)
	c.Apply(31, 2, 1, 1, 0xbad)
	requireViolation(t, c, CheckStateMachine, 31, []int{1, 2},
		"node 2 applied index 1 term 1 hash 0000000000000bad, but node 1 committed index 1 term 1 hash 000000000000000a")
}

func TestDivergingAppliesWithoutCommitKnowledge(t *testing.T) {
	c := NewInvariants(2)
	c.Apply(10, 1, 1, 1, 0xa) // applied beyond commit
	requireViolation(t, c, CheckStateMachine, 10, []int{1}, "node 1 applied index 1 beyond its commit index 0")
}

func TestApplyOrder(t *testing.T) {
	c := NewInvariants(1)
	replicate(c, 10, ents(1, 1, 0xa, 0xb), 2, 1)
	c.Apply(20, 1, 2, 1, 0xb)
	requireViolation(t, c, CheckStateMachine, 20, []int{1}, "node 1 applied index 2 after index 2")
}

func TestCommitNeverMovesBackWithinAnIncarnation(t *testing.T) {
	c := NewInvariants(1)
	replicate(c, 10, ents(1, 1, 0xa, 0xb, 0xc), 3, 1)
	c.Restart(20, 1, ents(1, 1, 0xa, 0xb, 0xc), 1) // older persisted commit: fine
	c.Commit(30, 1, 2)
	require.Nil(t, c.Violation())
	c.Commit(40, 1, 1)
	requireViolation(t, c, CheckCommitMonotone, 40, []int{1}, "node 1 commit index moved back from 2 to 1 (incarnation 1)")
}

func TestCommittedEntryChecks(t *testing.T) {
	c := NewInvariants(1)
	c.LogAppend(10, 1, ents(1, 1, 0xa))
	c.Commit(11, 1, 2)
	requireViolation(t, c, CheckCommitted, 11, []int{1}, "node 1 commit index 2 is beyond its last log index 1")

	c = NewInvariants(2)
	replicate(c, 10, ents(1, 1, 0xa, 0xb), 2, 1)
	c.LogAppend(20, 1, ents(2, 2, 0xc))
	requireViolation(t, c, CheckCommitted, 20, []int{1}, "node 1 replaced committed index 2 term 1 with term 2 (commit index 2)")

	c = NewInvariants(2)
	replicate(c, 10, ents(1, 1, 0xa, 0xb), 2, 1)
	c.LogAppend(20, 2, append(ents(1, 1, 0xa), ents(2, 2, 0xc)...))
	c.Commit(21, 2, 2)
	requireViolation(t, c, CheckCommitted, 21, []int{1, 2}, "node 2 committed index 2 term 2, but node 1 committed term 1 there")
}

func TestAckedWriteLost(t *testing.T) {
	c := NewInvariants(3)
	c.Leader(10, 1, 1)
	c.LogAppend(11, 1, ents(1, 1, 0xa))
	c.Ack(12, 1, 1, 1, 0xa) // acknowledged without being committed
	c.Leader(30, 2, 2)
	requireViolation(t, c, CheckAckedWriteLost, 30, []int{2},
		"leader 2 of term 2 lacks acknowledged index 1 term 1 hash 000000000000000a (it has term 0 there; last index 0)")

	c = NewInvariants(2)
	c.Ack(12, 1, 1, 1, 0xa)
	replicate(c, 20, ents(2, 1, 0xb), 1, 2)
	requireViolation(t, c, CheckAckedWriteLost, 20, []int{2},
		"node 2 applied index 1 term 2 hash 000000000000000b, but index 1 term 1 hash 000000000000000a was acknowledged to a client")
}

func TestSnapshots(t *testing.T) {
	c := NewInvariants(3)
	replicate(c, 10, ents(1, 1, 0xa, 0xb, 0xc), 3, 1, 2)
	c.InstallSnapshot(20, 3, 2)
	c.LogAppend(21, 3, ents(1, 3, 0xc))
	c.Commit(22, 3, 3)
	c.Apply(22, 3, 3, 1, 0xc)
	c.Restart(30, 2, ents(1, 3, 0xc), 3) // compacted up to 2
	c.Leader(40, 3, 2)
	require.Nil(t, c.Violation())
	c.LogAppend(50, 2, []LogEntry{{4, 2, 0xd}})
	c.LogAppend(50, 3, []LogEntry{{4, 2, 0xd}})
	require.Nil(t, c.Violation())
	c.Restart(60, 1, nil, 4) // a snapshot at 4, never known committed
	requireViolation(t, c, CheckCommitted, 60, []int{1}, "node 1 holds a snapshot at index 4, which is not known committed")
	require.Equal(t, 1, c.Count())
}

func TestBadNodePanics(t *testing.T) {
	c := NewInvariants(3)
	require.PanicsWithValue(t, "checker: node 4 outside 1..3", func() { c.Leader(0, 4, 1) })
	require.Panics(t, func() { c.LogAppend(0, 1, []LogEntry{{1, 1, 1}, {3, 1, 1}}) })
}
