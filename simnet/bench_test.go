package simnet

import (
	"testing"

	"github.com/faultline-sim/faultline/clock"
	"github.com/faultline-sim/faultline/internal/prng"
)

type benchMsg struct{ from, term, index uint64 }

func (m benchMsg) Clone() benchMsg { return m }

// BenchmarkSendArrive: one simulated message per op, Send then Arrive, over
// 5 nodes with latency, a tail, 1% loss and 1% duplication.
func BenchmarkSendArrive(b *testing.B) {
	o := LinkOptions{LatencyMinNs: 100_000, LatencyMaxNs: 5_000_000, Tail: prng.R(1, 20),
		Loss: prng.R(1, 100), Duplicate: prng.R(1, 100)}
	nw, err := New[benchMsg](5, Options{Link: o}, prng.New(1))
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]Delivery[benchMsg], 0, 4)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		from, to := i%5+1, (i/5)%5+1
		buf = nw.AppendSend(buf[:0], int64(i), from, to, benchMsg{index: uint64(i)})
		for _, d := range buf {
			nw.Arrive(d.AtNs, d)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkLoopDelivery: one simulated message per op end to end: Send,
// schedule on a clock.Loop, pop, Arrive; about 1000 messages in flight.
func BenchmarkLoopDelivery(b *testing.B) {
	o := LinkOptions{LatencyMinNs: 100_000, LatencyMaxNs: 5_000_000, Tail: prng.R(1, 20)}
	nw, err := New[benchMsg](5, Options{Link: o}, prng.New(1))
	if err != nil {
		b.Fatal(err)
	}
	loop := clock.NewLoop[Delivery[benchMsg]](1 << 16)
	buf := make([]Delivery[benchMsg], 0, 4)
	i := 0
	send := func() {
		from, to := i%5+1, (i/5)%5+1
		i++
		buf = nw.AppendSend(buf[:0], loop.Now(), from, to, benchMsg{index: uint64(i)})
		for _, d := range buf {
			if _, err := loop.At(d.AtNs, d); err != nil {
				b.Fatal(err)
			}
		}
	}
	for range 1000 {
		send()
	}
	b.ResetTimer()
	loop.Run(1<<62, b.N, func(at int64, d Delivery[benchMsg]) {
		nw.Arrive(at, d)
		send() // keep the number in flight steady
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
