package trace

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLineFormatAndHash(t *testing.T) {
	tr := Trace{Keep: true}
	tr.Add(1_000_000_123, 2, "send", "to=3 m=ping")
	tr.Begin(42, 0, "tick").End()
	tr.Begin(5_000_000_000, 1, "recv").Int("from", -3).Str("m", "pong").End()
	want := "1.000000123 n2 send to=3 m=ping\n0.000000042 n0 tick\n5.000000000 n1 recv from=-3 m=pong\n"
	var buf bytes.Buffer
	_, err := tr.WriteTo(&buf)
	require.NoError(t, err)
	require.Equal(t, want, buf.String())
	// The hash is of the fields: pinned, so a change to it is deliberate.
	require.Equal(t, "be7c218b89b53b7e", tr.HashString())
	l, ok := tr.Line(1)
	require.True(t, ok)
	require.Equal(t, "0.000000042 n0 tick", l)
	require.Len(t, tr.HashString(), 16)
}

func TestHashWithoutKeep(t *testing.T) {
	var a Trace
	b := Trace{Keep: true}
	for _, tr := range []*Trace{&a, &b} {
		tr.Add(7, 1, "x", "y")
		tr.Begin(8, 2, "z").Int("k", 9).End()
	}
	require.Equal(t, a.Hash(), b.Hash())
	_, ok := a.Line(0)
	require.False(t, ok)
	_, err := a.WriteTo(&bytes.Buffer{})
	require.Error(t, err)
	require.Panics(t, func() { a.Begin(1, 1, "a"); a.Begin(1, 1, "b") })
}

// Lines that differ in one field, or whose fields split the same text
// differently, hash differently; the hash chains every line.
func TestHashSeparatesFields(t *testing.T) {
	lines := []func(*Trace){
		func(tr *Trace) { tr.Begin(1, 1, "recv").Str("k", "ab").Str("c", "").End() },
		func(tr *Trace) { tr.Begin(1, 1, "recv").Str("k", "a").Str("bc", "").End() },
		func(tr *Trace) { tr.Begin(1, 1, "recv").Int("k", 1).End() },
		func(tr *Trace) { tr.Begin(1, 1, "recv").Int("k", 2).End() },
		func(tr *Trace) { tr.Begin(1, 1, "recv").Str("k", "1").End() },
		func(tr *Trace) { tr.Begin(1, 1, "recv").Raw("k=1").End() },
		func(tr *Trace) { tr.Begin(1, 2, "recv").Int("k", 1).End() },
		func(tr *Trace) { tr.Begin(2, 1, "recv").Int("k", 1).End() },
		func(tr *Trace) { tr.Begin(1, 1, "recvk").End() },
	}
	seen := map[uint64]int{}
	for i, add := range lines {
		var tr Trace
		add(&tr)
		prev, dup := seen[tr.Hash()]
		require.False(t, dup, "lines %d and %d hash alike", prev, i)
		seen[tr.Hash()] = i
	}
	var ab, ba Trace
	lines[2](&ab)
	lines[3](&ab)
	lines[3](&ba)
	lines[2](&ba)
	require.NotEqual(t, ab.Hash(), ba.Hash(), "order of lines counts")
	require.Equal(t, ab.LineHash(0), ba.LineHash(1))
}

func TestFirstDivergence(t *testing.T) {
	a, b := Trace{Keep: true}, Trace{Keep: true}
	a.Add(1, 1, "a", "")
	b.Add(1, 1, "a", "")
	_, ok := FirstDivergence(&a, &b)
	require.False(t, ok)
	a.Add(2, 1, "b", "x=1")
	b.Add(2, 1, "b", "x=2")
	d, ok := FirstDivergence(&a, &b)
	require.True(t, ok)
	require.Equal(t, 1, d.Index)
	require.Equal(t, "0.000000002 n1 b x=1", d.LineA)
	require.Equal(t, "0.000000002 n1 b x=2", d.LineB)
	// A prefix diverges at its end.
	c := Trace{Keep: true}
	c.Add(1, 1, "a", "")
	d, ok = FirstDivergence(&a, &c)
	require.True(t, ok)
	require.Equal(t, 1, d.Index)
	require.Equal(t, "", d.LineB)
}

func TestCheckDeterminism(t *testing.T) {
	require.NoError(t, CheckDeterminism(func(tr *Trace) { tr.Add(1, 1, "same", "") }))
	calls := 0
	err := CheckDeterminism(func(tr *Trace) {
		calls++
		tr.Add(1, 1, "same", "")
		tr.Begin(2, 1, "flaky").Int("parity", int64(calls%2)).End()
	})
	require.ErrorContains(t, err, "first divergence at event 1")
	require.ErrorContains(t, err, "0.000000002 n1 flaky parity=1")
	require.ErrorContains(t, err, "0.000000002 n1 flaky parity=0")
}

// TestNoAllocWithoutKeep: recording an event builds no string when lines are
// not kept.
func TestNoAllocWithoutKeep(t *testing.T) {
	var tr Trace
	tr.Begin(1, 1, "warm").Int("x", 1).End()
	allocs := testing.AllocsPerRun(1000, func() {
		tr.Begin(123_456_789, 3, "recv").Int("from", 2).Str("m", "ping").End()
	})
	require.LessOrEqual(t, allocs, 0.1) // only the amortized per-line hash slice growth
}

func BenchmarkTraceLine(b *testing.B) {
	var tr Trace
	for i := 0; i < b.N; i++ {
		tr.Begin(int64(i), 3, "recv").Int("from", 2).Int("id", int64(i)).Str("m", "ping").End()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
