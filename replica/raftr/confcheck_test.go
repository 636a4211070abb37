package raftr

import (
	"testing"

	"github.com/faultline-sim/faultline/raft"
	"github.com/faultline-sim/faultline/replica"
	"github.com/stretchr/testify/require"
)

// checkConfig holds the core to the newest configuration entry on its disk:
// a log that gained one the core did not take (a core that lost track of
// it) panics as a raft assertion; the core's own log passes.
func TestCheckConfigWantsTheNewestInTheLog(t *testing.T) {
	p := Protocol{}
	boot := func(d *disk) *node {
		rep, err := p.Boot(replica.Config{ID: 1, Peers: []uint64{1, 2, 3}, ElectionTicks: 10, HeartbeatTicks: 1,
			Rand: fixedRand{}}, d)
		require.NoError(t, err)
		return rep.(*node)
	}
	cs := raft.ConfState{Voters: []uint64{raftID(1), raftID(2)}}
	d := &disk{}
	d.write(raft.HardState{Term: 1}, []raft.Entry{
		{Term: 1, Index: 1, Type: raft.EntryNormal},
		{Term: 1, Index: 2, Type: raft.EntryConfChange, Data: raft.EncodeConfState(cs)},
	})
	r := boot(d)
	require.NotPanics(t, func() { r.checkConfig(nil, true) }, "the core replayed its log's configuration")
	require.Equal(t, uint64(2), r.confs.newest)

	// The same disk under a core booted from an older log: the core does not
	// know index 2.
	old := &disk{}
	old.write(raft.HardState{Term: 1}, []raft.Entry{{Term: 1, Index: 1, Type: raft.EntryNormal}})
	stale := boot(old)
	stale.d = d
	require.PanicsWithValue(t, "raft: invariant broken: node 1 holds configuration {Voters:[1 128 129] Learners:[] VotersOutgoing:[]} (raft ids) of index 0,"+
		" but the newest in its log is {Voters:[1 128] Learners:[] VotersOutgoing:[]} at 2 (err <nil>)",
		func() { stale.checkConfig(nil, true) })

	// A log with no configuration entry: the core's must be the snapshot's
	// (here none: the initial peers, index 0).
	require.NotPanics(t, func() { boot(old).checkConfig(nil, true) })

	// No entry after the snapshot: the core's configuration is the snapshot's.
	snapped := &disk{snap: raft.Snapshot{Data: []byte("kv"), Metadata: raft.SnapshotMetadata{Index: 5, Term: 1, ConfState: cs}}, off: 5}
	require.NotPanics(t, func() { boot(snapped).checkConfig(nil, true) })
	stale.d = snapped
	require.Panics(t, func() { stale.checkConfig(nil, true) }, "the initial peers where the snapshot says {1, 2}")
}
