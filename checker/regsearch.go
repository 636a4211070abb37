package checker

import (
	"slices"
	"sync/atomic"
	"time"

	"github.com/anishathalye/porcupine"
)

// The decision search of one key: the Wing & Gong / Lowe depth-first search
// that porcupine runs (linearize a minimal operation, remember each set of
// linearized operations with the state it reached, back up when no minimal
// operation fits), with a memo whose entries stay small. porcupine remembers
// a copy of a bitset over all n operations of the key at every step, so a key
// with n operations and no quiet moment costs O(n²) bits (a 21,000-operation
// key took 237 MB). Here a set of linearized operations is written as a high
// mark and its holes: every operation below high (in call order) is
// linearized except the holes. Holes are operations still open at the
// frontier, so they number about the clients plus the unknown operations,
// and an entry costs O(clients) whatever n is.

// regOp is one operation of the key, in call order.
type regOp struct {
	call, ret int64 // virtual ns; ret is MaxInt64 for an unknown operation
	in        modelInput
	out       modelOutput
}

// memoEntry is one remembered (linearized set, state): ops [0, high) are
// linearized except holes arena[off : off+n], ascending.
type memoEntry struct {
	high, off, n int32
	next         int32 // next entry with the same hash, -1 at the end
	state        keyState
}

// frame is one level of the search: op was linearized from the set (high,
// holes) and state.
type frame struct {
	op, high, off, n int32
	state            keyState
}

// regSearch searches one key. Invariant: every operation below high that is
// not a hole is linearized; every operation at or above high is not.
type regSearch struct {
	ops     []regOp
	arena   []int32 // holes of every set, appended, never changed
	entries []memoEntry
	memo    map[uint64]int32 // hash -> first entry
	stack   []frame
	scratch []int32 // the holes of a set being built
}

// checkStride is how many search steps pass between looks at the stop flag
// and the deadline.
const checkStride = 256

// searchRegister decides whether one key's operations are linearizable.
// It returns porcupine.Unknown when deadline (zero: none) passes first, and
// keyStopped when stop is set.
func searchRegister(part []porcupine.Operation, stop *atomic.Bool, deadline time.Time) porcupine.CheckResult {
	s := newRegSearch(part)
	for steps := 0; ; steps++ {
		if steps%checkStride == 0 {
			if stop.Load() {
				return keyStopped
			}
			if !deadline.IsZero() && time.Now().After(deadline) {
				return porcupine.Unknown
			}
		}
		done, ok := s.step()
		if done {
			if ok {
				return porcupine.Ok
			}
			return porcupine.Illegal
		}
	}
}

func newRegSearch(part []porcupine.Operation) *regSearch {
	ops := make([]regOp, len(part))
	for i, op := range part {
		ops[i] = regOp{call: op.Call, ret: op.Return, in: op.Input.(modelInput), out: op.Output.(modelOutput)}
	}
	slices.SortStableFunc(ops, func(a, b regOp) int {
		switch {
		case a.call < b.call:
			return -1
		case a.call > b.call:
			return 1
		}
		return 0
	})
	s := &regSearch{ops: ops, memo: map[uint64]int32{}}
	s.stack = append(s.stack, frame{op: -1}) // the root: nothing linearized, op -1 so the first try is op 0
	return s
}

// step tries the next candidate at the top frame's set. done is true when
// the search is over; ok then says whether every operation was linearized.
func (s *regSearch) step() (done, ok bool) {
	top := &s.stack[len(s.stack)-1]
	cur := s.current()
	if int(cur.high) == len(s.ops) && cur.n == 0 {
		return true, true
	}
	i, found := s.candidate(cur, top.op+1)
	if !found {
		if len(s.stack) == 1 {
			return true, false
		}
		s.stack = s.stack[:len(s.stack)-1] // back up: the next try is after this op
		return false, false
	}
	top.op = i
	next, swapped := step(cur.state, s.ops[i].in)
	if !s.ops[i].out.matches(next, swapped) {
		return false, false
	}
	set := s.linearize(cur, i, next)
	if !s.remember(set) {
		return false, false
	}
	s.stack = append(s.stack, frame{op: -1, high: set.high, off: set.off, n: set.n, state: next})
	return false, false
}

// current is the set and state of the top frame (the last op linearized).
func (s *regSearch) current() memoEntry {
	f := s.stack[len(s.stack)-1]
	return memoEntry{high: f.high, off: f.off, n: f.n, state: f.state}
}

// candidate is the first minimal operation of set at or after from: not
// linearized and called no later than every unlinearized operation returns
// (a call at the same ns as a return counts as concurrent, as in porcupine).
func (s *regSearch) candidate(set memoEntry, from int32) (int32, bool) {
	minRet := int64(1<<63 - 1)
	try := func(i int32) (int32, bool, bool) { // op, found, stop scanning
		op := s.ops[i]
		if op.call > minRet {
			return 0, false, true
		}
		minRet = min(minRet, op.ret)
		return i, i >= from, false
	}
	for _, h := range s.arena[set.off : set.off+set.n] {
		if i, found, stop := try(h); found || stop {
			return i, found
		}
	}
	for i := set.high; int(i) < len(s.ops); i++ {
		if i, found, stop := try(i); found || stop {
			return i, found
		}
	}
	return 0, false
}

// linearize is set with op i added; its holes go to the arena.
func (s *regSearch) linearize(set memoEntry, i int32, state keyState) memoEntry {
	holes := append(s.scratch[:0], s.arena[set.off:set.off+set.n]...)
	high := set.high
	if i < high {
		holes = slices.DeleteFunc(holes, func(h int32) bool { return h == i })
	} else {
		for h := high; h < i; h++ {
			holes = append(holes, h)
		}
		high = i + 1
	}
	s.scratch = holes
	off := int32(len(s.arena))
	s.arena = append(s.arena, holes...)
	return memoEntry{high: high, off: off, n: int32(len(holes)), next: -1, state: state}
}

// remember adds set to the memo; false if it was there already (its arena
// space is then given back).
func (s *regSearch) remember(set memoEntry) bool {
	holes := s.arena[set.off : set.off+set.n]
	h := mix64(fnvOffset64, uint64(set.high))
	for _, x := range holes {
		h = mix64(h, uint64(x))
	}
	h = mix64(h, hashKeyState(set.state))
	first, seen := s.memo[h]
	for e := first; seen && e >= 0; e = s.entries[e].next {
		o := s.entries[e]
		if o.high == set.high && o.state == set.state && slices.Equal(s.arena[o.off:o.off+o.n], holes) {
			s.arena = s.arena[:set.off]
			return false
		}
	}
	if !seen {
		first = -1
	}
	set.next = first
	s.memo[h] = int32(len(s.entries))
	s.entries = append(s.entries, set)
	return true
}

const fnvOffset64, fnvPrime64 = 14695981039346656037, 1099511628211

// mix64 folds one word into h (FNV-1a on a word, high bits folded down).
func mix64(h, w uint64) uint64 {
	h = (h ^ w) * fnvPrime64
	return h ^ h>>29
}
