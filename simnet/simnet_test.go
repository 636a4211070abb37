package simnet

import (
	"testing"

	"github.com/faultline-sim/faultline/clock"
	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/stretchr/testify/require"
)

type msg struct {
	id   int
	body []byte
}

func (m msg) Clone() msg { return msg{id: m.id, body: append([]byte(nil), m.body...)} }

var fast = LinkOptions{LatencyMinNs: 1_000, LatencyMaxNs: 9_000, Tail: prng.R(1, 10)}

func newNet(t require.TestingT, nodes int, o LinkOptions) *Network[msg] {
	nw, err := New[msg](nodes, Options{Link: o}, prng.New(1).Fork("simnet"))
	require.NoError(t, err)
	return nw
}

func TestValidateNamesField(t *testing.T) {
	cases := []struct {
		o    LinkOptions
		want string
	}{
		{LinkOptions{LatencyMinNs: -1, LatencyMaxNs: 5}, "latency: min -1 ns < 0"},
		{LinkOptions{LatencyMinNs: 5, LatencyMaxNs: 3}, "latency: min 5 > max 3"},
		{LinkOptions{LatencyMaxNs: MaxLatencyNs + 1}, "latency: max"},
		{LinkOptions{Loss: prng.R(3, 2)}, "loss: ratio 3/2 is over 1"},
		{LinkOptions{Duplicate: prng.R(2, 1)}, "duplicate: ratio 2/1 is over 1"},
		{LinkOptions{Tail: prng.R(1, 0)}, "tail: ratio 1/0"},
	}
	for _, c := range cases {
		require.ErrorContains(t, c.o.Validate(), c.want)
		_, err := New[msg](3, Options{Link: c.o}, prng.New(1))
		require.ErrorContains(t, err, c.want)
	}
	require.NoError(t, fast.Validate())
	require.ErrorContains(t, Options{MaxHeld: -1}.Validate(), "max held")
	_, err := New[msg](0, Options{}, prng.New(1))
	require.ErrorContains(t, err, "nodes: 0")

	nw := newNet(t, 3, fast)
	require.ErrorContains(t, nw.Cut(4, 1), "from: unknown node 4 (nodes are 1..3)")
	require.ErrorContains(t, nw.Cut(1, 0), "to: unknown node 0")
	require.ErrorContains(t, nw.Isolate(9), "isolate: unknown node 9")
	require.ErrorContains(t, nw.Partition([][]int{{1}, {2, 7}}), "partition: group 1: unknown node 7")
	require.ErrorContains(t, nw.Partition([][]int{{1, 2}, {2}}), "node 2 already in group 0")
	require.ErrorContains(t, nw.SetLink(1, 2, LinkOptions{LatencyMinNs: 2, LatencyMaxNs: 1}), "latency: min 2 > max 1")
	require.ErrorContains(t, nw.Flap(1, 2, 10, 5, 1, 1), "flap: end 5 ns <= start 10 ns")
	require.ErrorContains(t, nw.Flap(1, 2, 0, 5, 0, 1), "flap: min up 0 ns")
	require.ErrorContains(t, nw.Flap(1, 2, 0, 1e12, 1, 1), "toggles")
	require.Panics(t, func() { nw.Send(0, 1, 5, msg{}) })
}

// world drives a network with a clock loop: sends are scheduled, arrivals
// recorded by message id.
type world struct {
	nw   *Network[msg]
	loop *clock.Loop[Delivery[msg]]
	got  map[int]int // message id -> deliveries
	cut  int         // deliveries that crossed a down link (must stay 0)
}

func newWorld(nw *Network[msg]) *world {
	return &world{nw: nw, loop: clock.NewLoop[Delivery[msg]](1 << 16), got: map[int]int{}}
}

func (w *world) send(from, to, id int) {
	for _, d := range w.nw.Send(w.loop.Now(), from, to, msg{id: id}) {
		_, err := w.loop.At(d.AtNs, d)
		if err != nil {
			panic(err)
		}
	}
}

func (w *world) run(untilNs int64) {
	w.loop.Run(untilNs, 1<<20, func(at int64, d Delivery[msg]) {
		if m, ok := w.nw.Arrive(at, d); ok {
			w.got[m.id]++
			if !w.nw.Up(d.From, d.To, at) || !w.nw.Up(d.From, d.To, d.SentNs) {
				w.cut++
			}
		}
	})
}

func TestNoFaultsDeliversExactlyOnce(t *testing.T) {
	w := newWorld(newNet(t, 5, fast))
	id := 0
	for from := 1; from <= 5; from++ {
		for to := 1; to <= 5; to++ {
			for range 200 {
				id++
				w.send(from, to, id)
			}
		}
	}
	w.run(1e9)
	require.Len(t, w.got, id)
	for i := 1; i <= id; i++ {
		require.Equal(t, 1, w.got[i], "message %d", i)
	}
	tot := w.nw.Totals()
	require.Equal(t, uint64(id), tot.Sent)
	require.Equal(t, uint64(id), tot.Delivered)
	require.Zero(t, tot.InFlight)
	require.True(t, tot.Balanced())
}

func TestDeliveryIsACopy(t *testing.T) {
	nw := newNet(t, 2, fast)
	orig := msg{id: 1, body: []byte("abc")}
	ds := nw.Send(0, 1, 2, orig)
	require.Len(t, ds, 1)
	ds[0].Msg.body[0] = 'X'
	require.Equal(t, "abc", string(orig.body))
}

func TestDuplicateAndLoss(t *testing.T) {
	nw := newNet(t, 2, LinkOptions{LatencyMinNs: 1, LatencyMaxNs: 100, Duplicate: prng.Always})
	ds := nw.Send(0, 1, 2, msg{id: 1, body: []byte("x")})
	require.Len(t, ds, 2)
	require.NotEqual(t, ds[0].ID, ds[1].ID)
	ds[0].Msg.body[0] = 'y'
	require.Equal(t, "x", string(ds[1].Msg.body), "each copy is its own clone")
	require.NoError(t, nw.SetLink(1, 2, LinkOptions{Loss: prng.R(1, 2)}))
	for range 10000 {
		nw.Send(0, 1, 2, msg{})
	}
	c := nw.Counters(1, 2)
	require.Equal(t, uint64(1), c.Duplicated)
	require.InDelta(t, 5000, c.DroppedLoss, 300)
	require.True(t, c.Balanced(), c.String())
}

func TestLatencyTail(t *testing.T) {
	o := LinkOptions{LatencyMinNs: 1_000, LatencyMaxNs: 101_000, Tail: prng.R(1, 10)}
	r := prng.New(5)
	knee := int64(26_000)
	var body, tail, far int
	for range 100_000 {
		l := o.latency(r)
		require.True(t, l >= o.LatencyMinNs && l <= o.LatencyMaxNs, l)
		switch {
		case l <= knee:
			body++
		case l > 60_000:
			far++
			tail++
		default:
			tail++
		}
	}
	require.InDelta(t, 90_000, body, 1_000, "about 1-Tail of messages under the knee")
	require.Greater(t, far, 100, "the tail stretches toward max")
	require.Less(t, far, tail/2, "but thins out")
	require.Equal(t, int64(7), (&LinkOptions{LatencyMinNs: 7, LatencyMaxNs: 7}).latency(r))
}

func TestPartitionBlocksExactlyCutLinks(t *testing.T) {
	w := newWorld(newNet(t, 5, fast))
	require.NoError(t, w.nw.Partition([][]int{{1, 2}, {3, 4, 5}}))
	side := []int{0, 1, 1, 2, 2, 2}
	id := 0
	for from := 1; from <= 5; from++ {
		for to := 1; to <= 5; to++ {
			id++
			w.send(from, to, id)
		}
	}
	w.run(1e9)
	id = 0
	for from := 1; from <= 5; from++ {
		for to := 1; to <= 5; to++ {
			id++
			want := 0
			if side[from] == side[to] {
				want = 1
			}
			require.Equal(t, want, w.got[id], "%d->%d", from, to)
			require.Equal(t, want == 1, w.nw.Up(from, to, 0))
		}
	}
	require.Equal(t, uint64(12), w.nw.Totals().DroppedPartition)
	w.nw.HealAll()
	require.True(t, w.nw.Up(1, 5, 0))
}

func TestOneWayCut(t *testing.T) {
	w := newWorld(newNet(t, 3, fast))
	require.NoError(t, w.nw.Cut(1, 2))
	w.send(1, 2, 1)
	w.send(2, 1, 2)
	w.send(1, 3, 3)
	w.run(1e9)
	require.Equal(t, map[int]int{2: 1, 3: 1}, w.got)
	require.Equal(t, uint64(1), w.nw.Counters(1, 2).DroppedPartition)
	require.NoError(t, w.nw.Heal(1, 2))
	w.send(1, 2, 4)
	w.run(2e9)
	require.Equal(t, 1, w.got[4])
}

func TestIsolate(t *testing.T) {
	nw := newNet(t, 4, fast)
	require.NoError(t, nw.Isolate(3))
	for a := 1; a <= 4; a++ {
		for b := 1; b <= 4; b++ {
			require.Equal(t, a == b || (a != 3 && b != 3), nw.Up(a, b, 0), "%d->%d", a, b)
		}
	}
}

func TestUncutKeepsFlap(t *testing.T) {
	nw, err := New[msg](2, Options{Link: LinkOptions{LatencyMinNs: 1, LatencyMaxNs: 1}}, prng.New(1))
	require.NoError(t, err)
	require.NoError(t, nw.Flap(1, 2, 100, 10_000, 50, 50))
	require.NoError(t, nw.Cut(2, 1))
	nw.UncutAll()
	require.True(t, nw.Up(2, 1, 0))
	require.False(t, nw.Up(1, 2, 100), "the flap still holds the link down")
	require.NoError(t, nw.Cut(1, 2))
	require.NoError(t, nw.Uncut(1, 2))
	require.True(t, nw.Up(1, 2, 0))
}
