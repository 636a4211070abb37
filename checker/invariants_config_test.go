package checker

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestVotersWithoutConfigAreAllNodes(t *testing.T) {
	c := NewInvariants(3)
	require.Equal(t, []int{1, 2, 3}, c.Voters(0))
	require.Equal(t, []int{1, 2, 3}, c.Voters(1<<40))
}

func TestConfigChanges(t *testing.T) {
	c := NewInvariants(5)
	c.Config(0, 0, []int{3, 1, 2}) // bootstrap with three of five nodes
	c.Leader(10, 1, 1)
	replicate(c, 20, ents(1, 1, 0xa, 0xb, 0xc, 0xd), 4, 1, 2, 3)
	c.Config(21, 3, []int{4, 2, 1, 3}) // node 4 added by the entry at index 3
	c.Config(22, 3, []int{1, 2, 3, 4}) // the same entry applied on another node
	c.Config(23, 4, []int{1, 2, 4})    // node 3 removed
	v := c.Voters(3)
	v[0] = 99 // a copy
	require.Equal(t, []int{1, 2, 3}, c.Voters(2))
	require.Equal(t, []int{1, 2, 3, 4}, c.Voters(3))
	require.Equal(t, []int{1, 2, 4}, c.Voters(4))
	require.Equal(t, []int{1, 2, 4}, c.Voters(1000))
	// Configurations do not touch election safety or the annotations.
	replicate(c, 25, ents(1, 1, 0xa, 0xb, 0xc, 0xd), 4, 4)
	c.Leader(30, 4, 2)
	require.Nil(t, c.Violation())
	require.Len(t, c.LeaderAnnotations(40), 2)
	c.Leader(50, 3, 2) // one leader per term, whatever the configuration
	requireViolation(t, c, CheckOneLeader, 50, []int{3, 4}, "term 2 has two leaders: node 4 and node 3")
}

func TestConfigDisagreement(t *testing.T) {
	c := NewInvariants(4)
	replicate(c, 10, ents(1, 1, 0xa, 0xb), 2, 1, 2)
	c.Config(11, 2, []int{1, 2, 3})
	c.Config(12, 2, []int{1, 2, 4})
	requireViolation(t, c, CheckConfig, 12, []int{3, 4}, "configuration at index 2 reported as voters [1 2 3] and as [1 2 4]")
	require.Equal(t, []int{1, 2, 3}, c.Voters(2), "the first report stands")
}

func TestConfigMustBeCommitted(t *testing.T) {
	c := NewInvariants(3)
	replicate(c, 10, ents(1, 1, 0xa, 0xb), 1, 1)
	c.Config(11, 2, []int{1, 2})
	requireViolation(t, c, CheckCommitted, 11, []int{1, 2},
		"configuration [1 2] at index 2 reported before the index was known committed (highest 1)")
	require.Equal(t, []int{1, 2, 3}, c.Voters(2))
}

func TestConfigBadVotersPanic(t *testing.T) {
	c := NewInvariants(3)
	require.PanicsWithValue(t, "checker: Config index 0: voters [1 4] must be distinct ids in 1..3", func() { c.Config(0, 0, []int{1, 4}) })
	require.Panics(t, func() { c.Config(0, 0, nil) })
	require.Panics(t, func() { c.Config(0, 0, []int{0, 1}) })
	require.Panics(t, func() { c.Config(0, 0, []int{2, 1, 2}) })
}

func TestRestartFromSnapshotWithLogAfterIt(t *testing.T) {
	c := NewInvariants(3)
	c.Leader(10, 1, 1)
	replicate(c, 20, ents(1, 1, 0xa, 0xb, 0xc, 0xd, 0xe), 5, 1, 2, 3)
	c.Ack(21, 1, 5, 1, 0xe)
	c.InstallSnapshot(30, 3, 3) // node 3 compacts up to 3
	// It restarts with the log after the snapshot (base 3) and commit 5.
	c.Restart(40, 3, ents(1, 4, 0xd, 0xe), 5)
	c.Apply(41, 3, 4, 1, 0xd)
	c.Apply(41, 3, 5, 1, 0xe)
	c.Leader(50, 3, 2) // completeness and acks judged through the snapshot
	replicate(c, 60, ents(2, 6, 0xf), 6, 3, 1, 2)
	// A persisted commit below the snapshot is raised to it: index 4 may
	// be applied once the commit index reaches it again.
	c.Restart(70, 3, ents(1, 4, 0xd, 0xe), 2)
	c.LogAppend(71, 3, append(ents(1, 3, 0xc, 0xd, 0xe), ents(2, 6, 0xf)...)) // 3 lies in the snapshot: skipped
	c.Commit(72, 3, 6)
	for i, e := range append(ents(1, 4, 0xd, 0xe), ents(2, 6, 0xf)...) {
		c.Apply(73+int64(i), 3, e.Index, e.Term, e.Hash)
	}
	// Only a snapshot, no log.
	c.Restart(80, 2, nil, 6)
	c.LogAppend(81, 2, ents(3, 7, 0x10))
	require.Nil(t, c.Violation())
	require.Equal(t, uint64(7), c.logs[2].last())

	// A restarted log that differs from the committed entries after its
	// snapshot is caught.
	c.Restart(90, 1, []LogEntry{{4, 9, 0xbad}, {5, 9, 0xbad}}, 5)
	requireViolation(t, c, CheckCommitted, 90, []int{1},
		"node 1 committed index 4 term 9, but node 1 committed term 1 there")
}

func TestApplyBelowSnapshotIsCaught(t *testing.T) {
	c := NewInvariants(2)
	replicate(c, 10, ents(1, 1, 0xa, 0xb, 0xc), 3, 1)
	c.LogAppend(20, 2, ents(1, 1, 0xa, 0xb, 0xc))
	c.Commit(20, 2, 3)
	c.InstallSnapshot(21, 2, 2) // the state machine jumps to 2
	c.Apply(22, 2, 3, 1, 0xc)
	require.Nil(t, c.Violation())

	c = NewInvariants(2)
	replicate(c, 10, ents(1, 1, 0xa, 0xb, 0xc), 3, 1)
	c.InstallSnapshot(20, 2, 2)
	c.Apply(21, 2, 2, 1, 0xb)
	requireViolation(t, c, CheckStateMachine, 21, []int{2}, "node 2 applied index 2 after index 2")

	c = NewInvariants(1)
	replicate(c, 10, ents(1, 1, 0xa, 0xb, 0xc), 3, 1)
	c.Restart(20, 1, ents(1, 3, 0xc), 3) // snapshot at 2
	c.Apply(21, 1, 1, 1, 0xa)
	requireViolation(t, c, CheckStateMachine, 21, []int{1}, "node 1 applied index 1 after index 2")
}
