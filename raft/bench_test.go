package raft

import (
	"testing"
)

// BenchmarkCommit3 measures proposals committed per second in a 3-node
// in-memory cluster driven synchronously: the leader takes up to batch
// proposals, then the network runs to quiet (persist, send, apply), so every
// round trip commits a batch.
func BenchmarkCommit3(b *testing.B) {
	for _, batch := range []int{1, 64} {
		b.Run("batch="+itoa(batch), func(b *testing.B) {
			nw := newNetwork(b, 3)
			l := nw.tickUntilLeader(100)
			data := []byte("0123456789abcdef")
			start := nw.nodes[l].log.committed
			b.ReportAllocs()
			b.ResetTimer()
			for done := 0; done < b.N; {
				k := min(batch, b.N-done)
				for range k {
					if _, _, err := nw.nodes[l].Propose(data); err != nil {
						b.Fatal(err)
					}
				}
				nw.process(l)
				nw.stabilize()
				done += k
			}
			b.StopTimer()
			if got := nw.nodes[l].log.committed - start; got < uint64(b.N) {
				b.Fatalf("committed %d of %d", got, b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
		})
	}
}
