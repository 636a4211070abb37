package raft

// unstable holds what Raft has accepted but the host has not yet persisted:
// entries from offset on and possibly an incoming snapshot. entries[i] has
// index offset+i. The host learns them through Ready and confirms through
// Advance (stableTo / stableSnapTo).
type unstable struct {
	snapshot *Snapshot
	entries  []Entry
	offset   uint64
	gen      uint64 // bumped whenever entries are replaced rather than extended
}

func (u *unstable) maybeFirstIndex() (uint64, bool) {
	if u.snapshot != nil {
		return u.snapshot.Metadata.Index + 1, true
	}
	return 0, false
}

func (u *unstable) maybeLastIndex() (uint64, bool) {
	if n := len(u.entries); n > 0 {
		return u.offset + uint64(n) - 1, true
	}
	if u.snapshot != nil {
		return u.snapshot.Metadata.Index, true
	}
	return 0, false
}

func (u *unstable) maybeTerm(i uint64) (uint64, bool) {
	if i < u.offset {
		if u.snapshot != nil && u.snapshot.Metadata.Index == i {
			return u.snapshot.Metadata.Term, true
		}
		return 0, false
	}
	last, ok := u.maybeLastIndex()
	if !ok || i > last {
		return 0, false
	}
	return u.entries[i-u.offset].Term, true
}

// stableTo marks entries up to i durable, if entry i still has term t (it
// may have been replaced since the Ready that carried it).
func (u *unstable) stableTo(i, t uint64) {
	gt, ok := u.maybeTerm(i)
	if !ok || gt != t || i < u.offset {
		return
	}
	u.entries = u.entries[i+1-u.offset:]
	u.offset = i + 1
	if len(u.entries) == 0 {
		u.entries = nil // release the array
	}
}

func (u *unstable) stableSnapTo(i uint64) {
	if u.snapshot != nil && u.snapshot.Metadata.Index == i {
		u.snapshot = nil
	}
}

func (u *unstable) restore(s Snapshot) {
	u.offset = s.Metadata.Index + 1
	u.entries = nil
	u.gen++
	u.snapshot = &s
}

// truncateAndAppend: ents[0] replaces everything from its index on. A
// truncation builds a new array, so a slice handed out in a Ready is never
// overwritten.
func (u *unstable) truncateAndAppend(ents []Entry) {
	after := ents[0].Index
	if after != u.offset+uint64(len(u.entries)) {
		u.gen++
	}
	switch {
	case after == u.offset+uint64(len(u.entries)):
		u.entries = append(u.entries, ents...)
	case after <= u.offset:
		u.offset = after
		u.entries = append([]Entry(nil), ents...)
	default:
		kept := u.slice(u.offset, after)
		u.entries = append(append(make([]Entry, 0, len(kept)+len(ents)), kept...), ents...)
	}
}

func (u *unstable) slice(lo, hi uint64) []Entry {
	if lo < u.offset || hi > u.offset+uint64(len(u.entries)) || lo > hi {
		panic("raft: unstable.slice [" + u64(lo) + ", " + u64(hi) + ") outside offset " + u64(u.offset))
	}
	return u.entries[lo-u.offset : hi-u.offset : hi-u.offset]
}
