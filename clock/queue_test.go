package clock

import (
	"errors"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestQueueOrderAndTies(t *testing.T) {
	q := NewQueue[string](8)
	for _, p := range []struct {
		at int64
		v  string
	}{{5, "a"}, {1, "b"}, {5, "c"}, {3, "d"}, {1, "e"}} {
		_, err := q.Push(p.at, p.v)
		require.NoError(t, err)
	}
	var got []string
	for q.Len() > 0 {
		_, v, ok := q.Pop()
		require.True(t, ok)
		got = append(got, v)
	}
	require.Equal(t, []string{"b", "e", "d", "a", "c"}, got)
	_, _, ok := q.Pop()
	require.False(t, ok)
	_, ok = q.Peek()
	require.False(t, ok)
}

func TestQueueFull(t *testing.T) {
	q := NewQueue[int](2)
	_, err := q.Push(1, 1)
	require.NoError(t, err)
	_, err = q.Push(1, 2)
	require.NoError(t, err)
	_, err = q.Push(1, 3)
	require.True(t, errors.Is(err, ErrQueueFull))
	require.ErrorContains(t, err, "capacity 2")
	require.Equal(t, 2, q.Len())
	require.Panics(t, func() { NewQueue[int](0) })
}

func TestQueueCancel(t *testing.T) {
	q := NewQueue[int](8)
	h1, _ := q.Push(1, 1)
	h2, _ := q.Push(2, 2)
	require.True(t, q.Cancel(h1))
	require.False(t, q.Cancel(h1), "double cancel")
	require.False(t, q.Cancel(Handle{}), "zero handle")
	_, v, _ := q.Pop()
	require.Equal(t, 2, v)
	require.False(t, q.Cancel(h2), "cancel after pop")
	h3, _ := q.Push(3, 3) // reuses a freed slot
	require.False(t, q.Cancel(h1), "stale handle on a reused slot")
	require.True(t, q.Cancel(h3))
}

type qev struct {
	at  int64
	seq int
}

// TestQueueProperty: for any sequence of pushes, pops and cancels the queue
// pops exactly the live events, in (at, push order).
func TestQueueProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		q := NewQueue[int](64)
		var live []qev
		handles := map[int]Handle{}
		next := 0
		ops := rapid.SliceOfN(rapid.IntRange(0, 9), 1, 300).Draw(t, "ops")
		for _, op := range ops {
			switch {
			case op < 5: // push
				at := rapid.Int64Range(0, 20).Draw(t, "at")
				h, err := q.Push(at, next)
				if len(live) >= 64 {
					require.ErrorIs(t, err, ErrQueueFull)
					continue
				}
				require.NoError(t, err)
				handles[next] = h
				live = append(live, qev{at, next})
				next++
			case op < 7 && next > 0: // cancel any id, live or not
				id := rapid.IntRange(0, next-1).Draw(t, "cancel")
				idx := indexOf(live, id)
				require.Equal(t, idx >= 0, q.Cancel(handles[id]))
				if idx >= 0 {
					live = append(live[:idx], live[idx+1:]...)
				}
			default: // pop
				sort.SliceStable(live, func(i, j int) bool { return live[i].at < live[j].at })
				at, v, ok := q.Pop()
				require.Equal(t, len(live) > 0, ok)
				if ok {
					require.Equal(t, live[0], qev{at, v})
					live = live[1:]
				}
			}
			require.Equal(t, len(live), q.Len())
		}
	})
}

func indexOf(evs []qev, id int) int {
	for i, e := range evs {
		if e.seq == id {
			return i
		}
	}
	return -1
}
