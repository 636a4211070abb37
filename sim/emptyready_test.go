package sim

import (
	"testing"

	"github.com/faultline-sim/faultline/replica"
	"github.com/stretchr/testify/require"
)

// A Ready handed out after HasReady must hold something; each field alone
// is enough (make mutate: replica/etcdraft/ready.go:13 reporting a Ready
// always left the host spinning on empty ones until the run's budget).
func TestEmptyReadyIsTheProtocolsAssertion(t *testing.T) {
	h := &host{w: &world{proto: replica.Lookup("etcd")}, id: 3}
	require.PanicsWithValue(t, "etcd: contract broken: node 3 reported a Ready (HasReady), and it is empty",
		func() { h.checkNotEmpty(&replica.Ready{}) })
	for _, rd := range []replica.Ready{
		{MustSync: true}, {Messages: make([]replica.Message, 1)}, {Role: &replica.RoleChange{}}, {Epoch: 1},
		{Commit: 1}, {Appended: make([]replica.LogEntry, 1)}, {Snapshot: &replica.Snapshot{}},
		{Committed: make([]replica.Entry, 1)}, {Reads: make([]replica.ReadState, 1)}, {CompactNow: true},
		{Observations: []any{1}},
	} {
		require.NotPanics(t, func() { h.checkNotEmpty(&rd) }, "%+v", rd)
	}
}
