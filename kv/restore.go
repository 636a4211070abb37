package kv

import (
	"bytes"
	"fmt"
)

// Restore replaces the state with a Snapshot. Input that Snapshot could not
// have produced returns an error wrapping ErrCorrupt and leaves s unchanged.
// Defects are kept: they belong to the replica, not to the state.
func (s *Store) Restore(b []byte) error {
	if len(b) < 1 || b[0] != codecVersion {
		return fmt.Errorf("%w: bad snapshot header", ErrCorrupt)
	}
	r := reader{b: b[1:]}
	next := New()
	next.applied = r.uvarint()
	if err := next.readData(&r); err != nil {
		return err
	}
	if err := next.readSessions(&r); err != nil {
		return err
	}
	if err := r.done(); err != nil {
		return err
	}
	if !bytes.Equal(next.Snapshot(), b) {
		return fmt.Errorf("%w: non-canonical snapshot", ErrCorrupt)
	}
	s.data, s.sessions, s.applied = next.data, next.sessions, next.applied
	return nil
}

func (s *Store) readData(r *reader) error {
	n := r.uvarint()
	for i := uint64(0); i < n && r.err == nil; i++ {
		k := r.string()
		e := entry{value: r.string(), version: r.uvarint()}
		if _, dup := s.data[k]; dup || e.version == 0 {
			return fmt.Errorf("%w: key %q repeated or version 0", ErrCorrupt, k)
		}
		s.data[k] = &e
	}
	return r.err
}

func (s *Store) readSessions(r *reader) error {
	n := r.uvarint()
	for i := uint64(0); i < n && r.err == nil; i++ {
		c := r.uvarint()
		ss := session{seq: r.uvarint()}
		ss.result = Result{Value: r.string(), Version: r.uvarint()}
		ss.result.Found, ss.result.OK, ss.result.Stale = r.bool(), r.bool(), r.bool()
		if _, dup := s.sessions[c]; dup {
			return fmt.Errorf("%w: client %d repeated", ErrCorrupt, c)
		}
		s.sessions[c] = ss
	}
	return r.err
}
