package raft

// MemoryStorage is the unit tests' Storage. The simulator runs the core on
// the adapter's own disk (replica/raftr), so this file is test code: it is
// not part of what make mutate mutates and the seed sweep must kill.

// MemoryStorage is an in-memory Storage. ents[0] is a dummy entry at the
// snapshot's index and term, so ents[i].Index == ents[0].Index+i.
// Not safe for concurrent use (the simulator is single-threaded).
type MemoryStorage struct {
	hard HardState
	snap Snapshot
	ents []Entry
}

// NewMemoryStorage returns an empty storage.
func NewMemoryStorage() *MemoryStorage {
	return &MemoryStorage{ents: make([]Entry, 1)}
}

// InitialState implements Storage.
func (s *MemoryStorage) InitialState() (HardState, error) { return s.hard, nil }

// SetHardState records h.
func (s *MemoryStorage) SetHardState(h HardState) error { s.hard = h; return nil }

// Entries implements Storage. The result is a copy.
func (s *MemoryStorage) Entries(lo, hi uint64) ([]Entry, error) {
	off := s.ents[0].Index
	if lo <= off {
		return nil, ErrCompacted
	}
	if hi > s.lastIndex()+1 {
		return nil, ErrUnavailable
	}
	if lo >= hi {
		return nil, nil
	}
	return append([]Entry(nil), s.ents[lo-off:hi-off]...), nil
}

// Term implements Storage.
func (s *MemoryStorage) Term(i uint64) (uint64, error) {
	off := s.ents[0].Index
	if i < off {
		return 0, ErrCompacted
	}
	if i-off >= uint64(len(s.ents)) {
		return 0, ErrUnavailable
	}
	return s.ents[i-off].Term, nil
}

// FirstIndex implements Storage.
func (s *MemoryStorage) FirstIndex() (uint64, error) { return s.ents[0].Index + 1, nil }

// LastIndex implements Storage.
func (s *MemoryStorage) LastIndex() (uint64, error) { return s.lastIndex(), nil }

func (s *MemoryStorage) lastIndex() uint64 { return s.ents[0].Index + uint64(len(s.ents)) - 1 }

// Snapshot implements Storage.
func (s *MemoryStorage) Snapshot() (Snapshot, error) { return s.snap.clone(), nil }

// ApplySnapshot replaces the whole log with snap. ErrSnapOutOfDate if snap is
// not newer than the current snapshot.
func (s *MemoryStorage) ApplySnapshot(snap Snapshot) error {
	if snap.Metadata.Index <= s.snap.Metadata.Index {
		return ErrSnapOutOfDate
	}
	s.snap = snap.clone()
	s.ents = []Entry{{Index: snap.Metadata.Index, Term: snap.Metadata.Term}}
	return nil
}

// CreateSnapshot records a snapshot at index i (<= LastIndex) with data, for
// later compaction. ErrSnapOutOfDate if i is not past the current snapshot.
// cs is the configuration at i; nil derives it from the last configuration
// entry at or below i, else the current snapshot's.
//
// Compaction is the host's job, etcd style: after applying index i it calls
// CreateSnapshot(i, nil, stateMachineImage) then Compact(i) (keeping a
// suffix, if it likes, for slow followers). The leader then sends
// InstallSnapshot to a follower whose next entry was compacted away.
func (s *MemoryStorage) CreateSnapshot(i uint64, cs *ConfState, data []byte) (Snapshot, error) {
	if i <= s.snap.Metadata.Index {
		return Snapshot{}, ErrSnapOutOfDate
	}
	if i > s.lastIndex() {
		panic("raft: MemoryStorage.CreateSnapshot index " + u64(i) + " > last index " + u64(s.lastIndex()))
	}
	t, _ := s.Term(i)
	conf := s.snap.Metadata.ConfState
	if cs != nil {
		conf = *cs
	} else {
		for k := i - s.ents[0].Index; k > 0; k-- {
			if e := s.ents[k]; e.Type == EntryConfChange {
				c, err := DecodeConfState(e.Data)
				if err != nil {
					return Snapshot{}, err
				}
				conf = c
				break
			}
		}
	}
	s.snap = Snapshot{Data: cloneBytes(data), Metadata: SnapshotMetadata{Index: i, Term: t, ConfState: conf.clone()}}
	return s.snap.clone(), nil
}

// Compact drops entries before compactIndex; the entry at compactIndex becomes
// the dummy. ErrCompacted if already compacted past it.
func (s *MemoryStorage) Compact(compactIndex uint64) error {
	off := s.ents[0].Index
	if compactIndex <= off {
		return ErrCompacted
	}
	if compactIndex > s.lastIndex() {
		panic("raft: MemoryStorage.Compact index " + u64(compactIndex) + " > last index " + u64(s.lastIndex()))
	}
	i := compactIndex - off
	ents := make([]Entry, 1, uint64(len(s.ents))-i)
	ents[0] = Entry{Index: s.ents[i].Index, Term: s.ents[i].Term}
	s.ents = append(ents, s.ents[i+1:]...)
	return nil
}

// Append stores entries with truncation semantics: entries starting at index
// i replace everything from i on. Entries already compacted are skipped.
// Entries must be contiguous and must not leave a gap after LastIndex.
func (s *MemoryStorage) Append(entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	first := s.ents[0].Index + 1
	last := entries[0].Index + uint64(len(entries)) - 1
	if last < first {
		return nil
	}
	if first > entries[0].Index {
		entries = entries[first-entries[0].Index:]
	}
	off := entries[0].Index - s.ents[0].Index
	if off > uint64(len(s.ents)) {
		panic("raft: MemoryStorage.Append gap: last index " + u64(s.lastIndex()) + ", appending at " + u64(entries[0].Index))
	}
	s.ents = append(s.ents[:off], entries...) // Entries hands out copies, so reuse is safe
	return nil
}
