package kv

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func apply(t *testing.T, s *Store, op Op) Result {
	t.Helper()
	return s.Apply(s.AppliedIndex()+1, Encode(op))
}

func TestOperations(t *testing.T) {
	s := New()
	require.Equal(t, Result{}, s.Read("x"))
	require.Equal(t, Result{Value: "a", Found: true, Version: 1}, apply(t, s, Op{Kind: Put, Key: "x", Value: "a"}))
	require.Equal(t, Result{Value: "ab", Found: true, Version: 2}, apply(t, s, Op{Kind: Append, Key: "x", Value: "b"}))
	require.Equal(t, Result{Value: "ab", Found: true, Version: 2}, apply(t, s, Op{Kind: Cas, Key: "x", Expect: "zz", Value: "c"}))
	require.Equal(t, Result{Value: "c", Found: true, Version: 3, OK: true}, apply(t, s, Op{Kind: Cas, Key: "x", Expect: "ab", Value: "c"}))
	require.Equal(t, Result{Value: "c", Found: true, Version: 3}, apply(t, s, Op{Kind: Get, Key: "x"}))
	require.Equal(t, Result{}, apply(t, s, Op{Kind: Get, Key: "missing"}))
	// A missing key compares as "": cas("" -> v) creates it.
	require.Equal(t, Result{Value: "v", Found: true, Version: 1, OK: true}, apply(t, s, Op{Kind: Cas, Key: "y", Value: "v"}))
	require.Equal(t, uint64(7), s.AppliedIndex())
	require.Equal(t, s.Read("x"), Result{Value: "c", Found: true, Version: 3})
}

func TestApplyNoOpAndGapsAdvanceIndex(t *testing.T) {
	s := New()
	require.Equal(t, Result{}, s.Apply(3, nil))
	s.Apply(7, Encode(Op{Kind: Put, Key: "k", Value: "v"}))
	require.Equal(t, uint64(7), s.AppliedIndex())
}

func TestApplyPanicsOnOldIndexOrCorruptData(t *testing.T) {
	s := New()
	s.Apply(2, nil)
	require.PanicsWithValue(t, "kv: apply index 2 not above applied index 2", func() { s.Apply(2, nil) })
	require.Panics(t, func() { s.Apply(3, []byte{1, 9}) })
}

func TestSessionsDeduplicate(t *testing.T) {
	s := New()
	put := Op{Kind: Append, Key: "x", Value: "a", Client: 4, Seq: 1}
	first := apply(t, s, put)
	require.Equal(t, first, apply(t, s, put), "retry returns the recorded result")
	require.Equal(t, "a", s.Read("x").Value, "retry not applied twice")
	second := apply(t, s, Op{Kind: Append, Key: "x", Value: "b", Client: 4, Seq: 2})
	require.Equal(t, "ab", second.Value)
	require.Equal(t, Result{Stale: true}, apply(t, s, put), "older seq is stale")
	require.Equal(t, "ab", s.Read("x").Value)
	// Other clients have their own sessions; seq 0 bypasses sessions.
	require.Equal(t, "abc", apply(t, s, Op{Kind: Append, Key: "x", Value: "c", Client: 5, Seq: 1}).Value)
	require.Equal(t, "abcd", apply(t, s, Op{Kind: Append, Key: "x", Value: "d"}).Value)
	require.Equal(t, "abcdd", apply(t, s, Op{Kind: Append, Key: "x", Value: "d"}).Value)
}

func TestNoDedupDefectAppliesRetryTwice(t *testing.T) {
	s := New()
	s.NoDedup = true
	put := Op{Kind: Append, Key: "x", Value: "a", Client: 1, Seq: 1}
	apply(t, s, put)
	require.Equal(t, Result{Value: "aa", Found: true, Version: 2}, apply(t, s, put))
}

func TestSnapshotRestoreRoundTrip(t *testing.T) {
	a, b := New(), New()
	for i, op := range []Op{
		{Kind: Put, Key: "b", Value: "2", Client: 2, Seq: 1},
		{Kind: Put, Key: "a", Value: "1", Client: 1, Seq: 1},
		{Kind: Cas, Key: "a", Expect: "1", Value: "3", Client: 1, Seq: 2},
	} {
		a.Apply(uint64(i+1), Encode(op))
		b.Apply(uint64(i+1), Encode(op))
	}
	require.Equal(t, a.Snapshot(), b.Snapshot(), "same ops, same bytes")
	require.Equal(t, a.Hash(), b.Hash())
	c := New()
	require.NoError(t, c.Restore(a.Snapshot()))
	require.Equal(t, a.Snapshot(), c.Snapshot())
	require.Equal(t, uint64(3), c.AppliedIndex())
	// The session survives the snapshot: a retry is deduplicated.
	retry := Op{Kind: Cas, Key: "a", Expect: "1", Value: "3", Client: 1, Seq: 2}
	require.Equal(t, Result{Value: "3", Found: true, Version: 2, OK: true}, c.Apply(4, Encode(retry)))
	require.NotEqual(t, a.Hash(), c.Hash())
}

func TestRestoredStoreDeduplicatesRetries(t *testing.T) {
	s := New()
	first := Op{Kind: Append, Key: "x", Value: "a;", Client: 7, Seq: 1}
	second := Op{Kind: Append, Key: "x", Value: "b;", Client: 7, Seq: 2}
	apply(t, s, first)
	acked := apply(t, s, second)
	apply(t, s, Op{Kind: Append, Key: "x", Value: "c;", Client: 8, Seq: 1})
	// A new replica, or a restarted one, catches up from the snapshot.
	r := New()
	require.NoError(t, r.Restore(s.Snapshot()))
	// The retry of seq 2, applied before the snapshot, is committed again
	// after it: the recorded result, not a second append.
	require.Equal(t, acked, r.Apply(4, Encode(second)))
	require.Equal(t, Result{Stale: true}, r.Apply(5, Encode(first)), "older seq is stale")
	require.Equal(t, Result{Value: "a;b;c;", Found: true, Version: 3}, r.Read("x"))
	// The session moves on as before.
	require.Equal(t, "a;b;c;d;", r.Apply(6, Encode(Op{Kind: Append, Key: "x", Value: "d;", Client: 7, Seq: 3})).Value)
}

func TestRestoreRejectsCorruptInput(t *testing.T) {
	s := New()
	s.Apply(1, Encode(Op{Kind: Put, Key: "k", Value: "v", Client: 1, Seq: 1}))
	good := s.Snapshot()
	before := s.Snapshot()
	for i := range good {
		require.Error(t, s.Restore(good[:i]), "truncated at %d", i)
	}
	require.ErrorIs(t, s.Restore(append(good, 0)), ErrCorrupt)
	require.Equal(t, before, s.Snapshot(), "failed restore leaves state unchanged")
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	for _, op := range []Op{
		{Kind: Get, Key: "k", Client: 1 << 40, Seq: 3},
		{Kind: Put, Key: "", Value: "v"},
		{Kind: Append, Key: "k", Value: "\x00\xff"},
		{Kind: Cas, Key: "k", Value: "n", Expect: "o", Client: 7, Seq: 9},
	} {
		got, err := Decode(Encode(op))
		require.NoError(t, err)
		require.Equal(t, op, got)
	}
}

func TestDecodeErrors(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":         nil,
		"version":       {2, 1, 0, 0, 0, 0, 0},
		"kind":          {1, 9, 0, 0, 0, 0, 0},
		"truncated":     {1, 1, 0, 0, 5, 'a'},
		"trailing":      {1, 1, 0, 0, 0, 0, 0, 0},
		"get with val":  {1, 1, 0, 0, 0, 1, 'v', 0},
		"noncanonical":  {1, 1, 0x80, 0x00, 0, 0, 0, 0},
		"varint overfl": {1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
	} {
		_, err := Decode(b)
		require.ErrorIs(t, err, ErrCorrupt, name)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode(Op{Kind: Cas, Key: "k", Value: "n", Expect: "o", Client: 7, Seq: 9}))
	f.Add(Encode(Op{Kind: Get, Key: "x"}))
	f.Add([]byte{1, 1, 0x80, 0x00, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		op, err := Decode(b)
		if err != nil {
			return
		}
		require.Equal(t, b, Encode(op), "a decoded op re-encodes to the same bytes")
	})
}

func FuzzRestore(f *testing.F) {
	s := New()
	s.Apply(1, Encode(Op{Kind: Put, Key: "k", Value: "v", Client: 1, Seq: 1}))
	f.Add(s.Snapshot())
	f.Fuzz(func(t *testing.T, b []byte) {
		r := New()
		if r.Restore(b) == nil {
			require.Equal(t, b, r.Snapshot())
		}
	})
}
