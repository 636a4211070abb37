package raft

import "errors"

// raftLog is the log as Raft sees it: the durable prefix in Storage followed
// by unstable entries not yet persisted (and possibly a pending snapshot).
// Invariants: snapshot index <= applied <= committed <= lastIndex;
// committed never decreases; nothing at or below committed is ever replaced.
type raftLog struct {
	storage   Storage
	unstable  unstable
	committed uint64   // highest index known committed
	applied   uint64   // highest index handed to the host for applying and acknowledged by Advance
	peers     []uint64 // Config.Peers: the configuration when neither snapshot nor log sets one
	base      confAt   // configuration in force at or below committed
	confs     []confAt // uncommitted configuration entries, in log order (see conf)
}

func newLog(s Storage, peers []uint64) *raftLog {
	first, err := s.FirstIndex()
	mustStorage(err, "FirstIndex")
	last, err := s.LastIndex()
	mustStorage(err, "LastIndex")
	l := &raftLog{storage: s, peers: peers}
	l.unstable.offset = last + 1
	l.committed = first - 1
	l.applied = first - 1
	l.replayConfs()
	return l
}

// mustStorage panics on storage failures other than the expected sentinels:
// a storage that cannot be read is a host bug Raft cannot work around.
func mustStorage(err error, op string) {
	if err != nil {
		panic("raft: storage " + op + " failed: " + err.Error())
	}
}

func (l *raftLog) firstIndex() uint64 {
	if i, ok := l.unstable.maybeFirstIndex(); ok {
		return i
	}
	i, err := l.storage.FirstIndex()
	mustStorage(err, "FirstIndex")
	return i
}

func (l *raftLog) lastIndex() uint64 {
	if i, ok := l.unstable.maybeLastIndex(); ok {
		return i
	}
	i, err := l.storage.LastIndex()
	mustStorage(err, "LastIndex")
	return i
}

// term returns the term of entry i; ErrCompacted below firstIndex-1,
// ErrUnavailable above lastIndex.
func (l *raftLog) term(i uint64) (uint64, error) {
	if t, ok := l.unstable.maybeTerm(i); ok {
		return t, nil
	}
	if i+1 < l.firstIndex() {
		return 0, ErrCompacted
	}
	if i > l.lastIndex() {
		return 0, ErrUnavailable
	}
	t, err := l.storage.Term(i)
	if err != nil && !errors.Is(err, ErrCompacted) && !errors.Is(err, ErrUnavailable) {
		mustStorage(err, "Term")
	}
	return t, err
}

func (l *raftLog) lastTerm() uint64 {
	t, err := l.term(l.lastIndex())
	mustStorage(err, "Term(last)")
	return t
}

func (l *raftLog) matchTerm(i, term uint64) bool {
	t, err := l.term(i)
	return err == nil && t == term
}

// isUpToDate: a log ending at (lasti, term) is at least as up-to-date as
// ours (§5.4.1: compare last terms, then last indices).
func (l *raftLog) isUpToDate(lasti, term uint64) bool {
	lt := l.lastTerm()
	return term > lt || (term == lt && lasti >= l.lastIndex())
}

// append adds entries with truncation semantics and returns the last index.
func (l *raftLog) append(ents ...Entry) uint64 {
	if len(ents) == 0 {
		return l.lastIndex()
	}
	if after := ents[0].Index - 1; after < l.committed {
		panic("raft: invariant broken: append at " + u64(ents[0].Index) + " would overwrite committed " + u64(l.committed))
	}
	l.unstable.truncateAndAppend(ents)
	l.trackConfs(ents)
	return l.lastIndex()
}

// maybeAppend is the follower's AppendEntries consistency check (§5.3): if
// the entry at index has logTerm, append ents from the first conflicting one
// and return the index of the last new entry.
func (l *raftLog) maybeAppend(index, logTerm uint64, ents []Entry) (lastnewi uint64, ok bool) {
	if !l.matchTerm(index, logTerm) {
		return 0, false
	}
	lastnewi = index + uint64(len(ents))
	if ci := l.findConflict(ents); ci != 0 {
		l.append(ents[ci-ents[0].Index:]...)
	}
	return lastnewi, true
}

// findConflict returns the index of the first entry of ents whose term
// differs from ours or that we lack; 0 if all match.
func (l *raftLog) findConflict(ents []Entry) uint64 {
	for _, e := range ents {
		if !l.matchTerm(e.Index, e.Term) {
			return e.Index
		}
	}
	return 0
}

// findConflictByTerm returns the largest index <= index whose term is <=
// term, and that term: the last entry that may match a leader whose entry at
// the probed position has term (fast back-off hint).
func (l *raftLog) findConflictByTerm(index, term uint64) (uint64, uint64) {
	for ; index > 0; index-- {
		t, err := l.term(index)
		if err != nil {
			return index, 0
		}
		if t <= term {
			return index, t
		}
	}
	return 0, 0
}

// commitTo moves committed forward; it never moves back.
func (l *raftLog) commitTo(c uint64) {
	if c <= l.committed {
		return
	}
	if c > l.lastIndex() {
		panic("raft: invariant broken: commit " + u64(c) + " out of range, last index " + u64(l.lastIndex()))
	}
	l.committed = c
	l.foldConfs()
}

func (l *raftLog) appliedTo(i uint64) {
	if i == 0 {
		return
	}
	if i > l.committed || i < l.applied {
		panic("raft: invariant broken: applied " + u64(i) + " outside [" + u64(l.applied) + ", " + u64(l.committed) + "]")
	}
	l.applied = i
}

// slice returns entries [lo, hi), at most maxCount of them (0: no bound).
func (l *raftLog) slice(lo, hi uint64, maxCount int) ([]Entry, error) {
	if lo < l.firstIndex() {
		return nil, ErrCompacted
	}
	if hi > l.lastIndex()+1 || lo > hi {
		panic("raft: slice [" + u64(lo) + ", " + u64(hi) + ") out of range, last index " + u64(l.lastIndex()))
	}
	if maxCount > 0 && hi-lo > uint64(maxCount) {
		hi = lo + uint64(maxCount)
	}
	var ents []Entry
	if off := l.unstable.offset; lo < off {
		stored, err := l.storage.Entries(lo, min(hi, off))
		if err != nil {
			if errors.Is(err, ErrCompacted) {
				return nil, err
			}
			mustStorage(err, "Entries")
		}
		ents = stored
	}
	if off := l.unstable.offset; hi > off {
		ents = append(ents, l.unstable.slice(max(lo, off), hi)...)
	}
	return ents, nil
}

// entriesFrom returns up to maxCount entries from lo to the end of the log.
func (l *raftLog) entriesFrom(lo uint64, maxCount int) ([]Entry, error) {
	if lo > l.lastIndex() {
		return nil, nil
	}
	return l.slice(lo, l.lastIndex()+1, maxCount)
}

// nextCommitted returns committed entries not yet applied, at most maxCount;
// none while a snapshot is pending.
func (l *raftLog) nextCommitted(maxCount int) []Entry {
	if l.unstable.snapshot != nil {
		return nil
	}
	lo := max(l.applied+1, l.firstIndex())
	if l.committed+1 <= lo {
		return nil
	}
	ents, err := l.slice(lo, l.committed+1, maxCount)
	mustStorage(err, "Entries(committed)")
	return ents
}

func (l *raftLog) hasNextCommitted() bool {
	return l.unstable.snapshot == nil && l.committed > l.applied
}

// snapshot returns the pending snapshot, or the storage's.
func (l *raftLog) snapshot() (Snapshot, error) {
	if l.unstable.snapshot != nil {
		return *l.unstable.snapshot, nil
	}
	return l.storage.Snapshot()
}

// restore replaces the whole log with snap (follower catching up by snapshot).
func (l *raftLog) restore(snap Snapshot) {
	l.committed = snap.Metadata.Index
	l.applied = min(l.applied, snap.Metadata.Index) // only a planted rollback lowers it
	l.unstable.restore(snap)
	l.restoreConf(snap.Metadata)
}
