package sim

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCalmLatencySameAcrossProtocols: with no faults, one client, log reads
// and a fixed one-way latency L, an operation costs both our Raft and
// etcd-io/raft exactly client->leader, leader fsync, append, follower fsync,
// ack, leader->client: 4L + 2 fsyncs, at the median and at p99. A host or an
// adapter that held a message, a commit or an apply for a later Ready or tick
// would add to it (README: "Client latency").
func TestCalmLatencySameAcrossProtocols(t *testing.T) {
	const latencyNs, fsyncNs = int64(5e6), int64(1e6)
	for _, p := range []string{"raft", "etcd"} {
		o := Options{Protocol: p, Nodes: 3, Faults: "none", Clients: 1, Keys: 1, ReadModes: "log", Spares: -1,
			LatencyMinNs: latencyNs, LatencyMaxNs: latencyNs, FsyncNs: fsyncNs, MaxEntries: 64}
		r, err := Run(7, o)
		require.NoError(t, err)
		require.Equal(t, Pass, r.Verdict, r.Violation)
		require.Greater(t, r.Ops.OK, 100, p)
		want := 4*latencyNs + 2*fsyncNs
		require.Equal(t, want, r.Avail.LatencyP50Ns, "%s p50", p)
		require.Equal(t, want, r.Avail.LatencyP99Ns, "%s p99", p)
	}
}
