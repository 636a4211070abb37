package kv

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
)

// Store is one replica's state machine. Not safe for concurrent use.
// Invariant: applied only increases; every key in data has version >= 1.
type Store struct {
	Defects
	data     map[string]*entry // a write changes its entry in place: no key copy
	sessions map[uint64]session
	applied  uint64 // index of the last applied entry
}

type entry struct {
	value   string
	version uint64
}

type session struct {
	seq    uint64 // last applied request of the client
	result Result // what that request returned
}

// New returns an empty Store at applied index 0.
func New() *Store {
	return &Store{data: map[string]*entry{}, sessions: map[uint64]session{}}
}

// Apply applies the committed entry at index. Empty data (a no-op or
// configuration entry) only advances the applied index. Indexes must strictly
// increase (gaps are allowed for entries the host does not hand over); data
// must come from Encode. Either broken is a host bug and panics.
func (s *Store) Apply(index uint64, data []byte) Result {
	if index <= s.applied {
		panic(fmt.Sprintf("kv: apply index %d not above applied index %d", index, s.applied))
	}
	s.applied = index
	if len(data) == 0 {
		return Result{}
	}
	v, err := decodeView(data)
	if err != nil {
		panic(fmt.Sprintf("kv: committed entry %d does not decode: %v", index, err))
	}
	return s.applyOp(v)
}

func (s *Store) applyOp(v opView) Result {
	if v.seq == 0 || s.NoDedup { // defect no-dedup: sessions ignored
		return s.exec(v)
	}
	if last, ok := s.sessions[v.client]; ok {
		if v.seq == last.seq {
			return last.result
		}
		if v.seq < last.seq {
			return Result{Stale: true}
		}
	}
	res := s.exec(v)
	s.sessions[v.client] = session{seq: v.seq, result: res}
	return res
}

// exec runs v on the data, ignoring sessions.
func (s *Store) exec(v opView) Result {
	cur := s.data[string(v.key)]
	var old entry
	if cur != nil {
		old = *cur
	}
	switch v.kind {
	case Get:
		return Result{Value: old.value, Found: cur != nil, Version: old.version}
	case Put:
		return s.write(v.key, cur, string(v.value), false)
	case Append:
		return s.write(v.key, cur, old.value+string(v.value), false)
	case Cas:
		if old.value != string(v.expect) {
			return Result{Value: old.value, Found: cur != nil, Version: old.version}
		}
		return s.write(v.key, cur, string(v.value), true)
	}
	panic(fmt.Sprintf("kv: exec of invalid op kind %d", uint8(v.kind)))
}

// write sets key (whose entry is cur, nil if missing) to value.
func (s *Store) write(key []byte, cur *entry, value string, cas bool) Result {
	if cur == nil {
		cur = &entry{}
		s.data[string(key)] = cur
	}
	cur.value, cur.version = value, cur.version+1
	return Result{Value: cur.value, Found: true, Version: cur.version, OK: cas}
}

// Read returns the key's value and version from this replica's state (a local
// read: linearizable only if the caller made sure this replica is up to date).
func (s *Store) Read(key string) Result {
	cur := s.data[key]
	if cur == nil {
		return Result{}
	}
	return Result{Value: cur.value, Found: true, Version: cur.version}
}

// AppliedIndex is the index of the last applied entry (0 if none).
func (s *Store) AppliedIndex() uint64 { return s.applied }

// Hash is a 64-bit FNV-1a hash of Snapshot: equal states hash equally on every
// machine. Costs O(state).
func (s *Store) Hash() uint64 {
	h := fnv.New64a()
	h.Write(s.Snapshot())
	return h.Sum64()
}

// Snapshot returns the canonical encoding of the whole state (applied index,
// data sorted by key, sessions sorted by client).
func (s *Store) Snapshot() []byte {
	b := []byte{codecVersion}
	b = binary.AppendUvarint(b, s.applied)
	keys := slices.Sorted(maps.Keys(s.data))
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = appendString(b, k)
		b = appendString(b, s.data[k].value)
		b = binary.AppendUvarint(b, s.data[k].version)
	}
	clients := slices.Sorted(maps.Keys(s.sessions))
	b = binary.AppendUvarint(b, uint64(len(clients)))
	for _, c := range clients {
		b = binary.AppendUvarint(b, c)
		b = binary.AppendUvarint(b, s.sessions[c].seq)
		b = appendResult(b, s.sessions[c].result)
	}
	return b
}

func appendResult(b []byte, r Result) []byte {
	b = appendString(b, r.Value)
	b = binary.AppendUvarint(b, r.Version)
	return append(b, boolByte(r.Found), boolByte(r.OK), boolByte(r.Stale))
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}
