// Package clock owns virtual time: integer nanoseconds of global time, an
// event queue totally ordered by (at, seq), per-node local clocks with skew
// and drift, and the one run loop that advances time by popping events.
package clock

import (
	"errors"
	"fmt"
)

// ErrQueueFull is returned (wrapped with the capacity) by Push on a full queue.
var ErrQueueFull = errors.New("clock: event queue full")

// Handle names one pushed event so that it can be cancelled. The zero Handle
// names no event. A handle stays valid until its event is popped or cancelled.
type Handle struct {
	slot uint32
	seq  uint64
}

// entry is one queued event's key; its value waits in vals[slot], so the
// heap moves 24 bytes and holds no pointer whatever T is.
// Invariant: pos[slot] is its index in heap.
type entry struct {
	at   int64
	seq  uint64
	slot uint32
}

// Queue is a min-queue of events ordered by (at, seq), a total order: seq is
// assigned by Push in push order, so events at the same time pop in push
// order. It is a 4-ary heap over a slice of structs with handle-based cancel.
// Not safe for concurrent use.
type Queue[T any] struct {
	heap     []entry
	vals     []T      // slot -> value; zero when the slot is free
	pos      []int32  // slot -> heap index; -1 when the slot is free
	free     []uint32 // free slots
	seq      uint64   // last seq handed out; seqs start at 1
	capacity int
}

// NewQueue returns an empty queue holding at most capacity events.
// It panics if capacity is not in [1, 1<<30].
func NewQueue[T any](capacity int) *Queue[T] {
	if capacity < 1 || capacity > 1<<30 {
		panic(fmt.Sprintf("clock: NewQueue(%d): capacity must be in [1, 1<<30]", capacity))
	}
	return &Queue[T]{capacity: capacity}
}

// Len is the number of queued events.
func (q *Queue[T]) Len() int { return len(q.heap) }

// Cap is the capacity given to NewQueue.
func (q *Queue[T]) Cap() int { return q.capacity }

// Push adds v at virtual time at (ns). On a full queue it returns an error
// wrapping ErrQueueFull and the queue is unchanged.
func (q *Queue[T]) Push(at int64, v T) (Handle, error) {
	if len(q.heap) >= q.capacity {
		return Handle{}, fmt.Errorf("%w: capacity %d", ErrQueueFull, q.capacity)
	}
	q.seq++
	var slot uint32
	if n := len(q.free); n > 0 {
		slot = q.free[n-1]
		q.free = q.free[:n-1]
	} else {
		slot = uint32(len(q.pos))
		q.pos = append(q.pos, -1)
		q.vals = append(q.vals, v)
	}
	q.vals[slot] = v
	i := len(q.heap)
	q.heap = append(q.heap, entry{at: at, seq: q.seq, slot: slot})
	q.pos[slot] = int32(i)
	q.up(i)
	return Handle{slot: slot, seq: q.seq}, nil
}

// Peek returns the time of the next event without removing it.
func (q *Queue[T]) Peek() (at int64, ok bool) {
	if len(q.heap) == 0 {
		return 0, false
	}
	return q.heap[0].at, true
}

// Pop removes and returns the least event by (at, seq).
func (q *Queue[T]) Pop() (at int64, v T, ok bool) {
	if len(q.heap) == 0 {
		return 0, v, false
	}
	top := q.heap[0]
	v = q.vals[top.slot]
	q.removeAt(0)
	return top.at, v, true
}

// Cancel removes the event named by h. It reports false if that event was
// already popped or cancelled (or h is the zero Handle).
func (q *Queue[T]) Cancel(h Handle) bool {
	if h.seq == 0 || int(h.slot) >= len(q.pos) {
		return false
	}
	i := q.pos[h.slot]
	if i < 0 || q.heap[i].seq != h.seq {
		return false
	}
	q.removeAt(int(i))
	return true
}

// removeAt deletes heap[i], frees its slot and restores the heap property.
func (q *Queue[T]) removeAt(i int) {
	slot := q.heap[i].slot
	var zeroV T
	q.vals[slot] = zeroV // drop the reference for the GC
	q.pos[slot] = -1
	q.free = append(q.free, slot)
	last := len(q.heap) - 1
	if i != last {
		q.heap[i] = q.heap[last]
		q.pos[q.heap[i].slot] = int32(i)
	}
	q.heap = q.heap[:last]
	if i < last {
		if !q.up(i) {
			q.down(i)
		}
	}
}

func less(a, b *entry) bool {
	return a.at < b.at || (a.at == b.at && a.seq < b.seq)
}

// up sifts heap[i] toward the root; it reports whether it moved.
func (q *Queue[T]) up(i int) bool {
	e := q.heap[i]
	start := i
	for i > 0 {
		p := (i - 1) / 4
		if !less(&e, &q.heap[p]) {
			break
		}
		q.heap[i] = q.heap[p]
		q.pos[q.heap[i].slot] = int32(i)
		i = p
	}
	if i != start {
		q.heap[i] = e
		q.pos[e.slot] = int32(i)
	}
	return i != start
}

// down sifts heap[i] toward the leaves. A node with all four children picks
// the least in a tournament of three compares (no loop; the keys are unique,
// so the least is the same whichever way it is found).
func (q *Queue[T]) down(i int) {
	h := q.heap
	n := len(h)
	e := h[i]
	start := i
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		if c+4 <= n {
			ch := h[c : c+4 : c+4]
			a, b := 0, 2
			if less(&ch[1], &ch[0]) {
				a = 1
			}
			if less(&ch[3], &ch[2]) {
				b = 3
			}
			if less(&ch[b], &ch[a]) {
				a = b
			}
			m = c + a
		} else {
			for k := c + 1; k < n; k++ {
				if less(&h[k], &h[m]) {
					m = k
				}
			}
		}
		if !less(&h[m], &e) {
			break
		}
		h[i] = h[m]
		q.pos[h[i].slot] = int32(i)
		i = m
	}
	if i != start {
		h[i] = e
		q.pos[e.slot] = int32(i)
	}
}
