package clock

import (
	"testing"

	"github.com/faultline-sim/faultline/internal/prng"
)

type benchEvent struct {
	node, kind int
	ref        uint64
}

// BenchmarkQueuePushPop: one push and one pop per op at a steady depth.
func BenchmarkQueuePushPop(b *testing.B) {
	for _, depth := range []int{64, 1024, 16384} {
		b.Run(depthName(depth), func(b *testing.B) {
			q := NewQueue[benchEvent](depth + 1)
			r := prng.New(1)
			deltas := make([]int64, 4096)
			for i := range deltas {
				deltas[i] = r.Range(0, 1_000_000)
			}
			for i := range depth {
				_, _ = q.Push(deltas[i%len(deltas)], benchEvent{})
			}
			var now int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_, _ = q.Push(now+deltas[i&4095], benchEvent{node: i})
				now, _, _ = q.Pop()
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
		})
	}
}

func depthName(d int) string {
	switch d {
	case 64:
		return "depth=64"
	case 1024:
		return "depth=1024"
	}
	return "depth=16384"
}
