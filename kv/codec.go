package kv

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// codecVersion is the first byte of every encoded Op.
const codecVersion = 1

// ErrCorrupt is wrapped by every Decode and Restore error.
var ErrCorrupt = errors.New("kv: corrupt encoding")

// Encode returns the canonical binary form of op: version byte, kind byte,
// uvarint client and seq, then key, value and expect as uvarint length + bytes.
// Equal Ops encode to equal bytes.
func Encode(op Op) []byte {
	b := make([]byte, 0, 2+4*binary.MaxVarintLen64+len(op.Key)+len(op.Value)+len(op.Expect))
	b = append(b, codecVersion, byte(op.Kind))
	b = binary.AppendUvarint(b, op.Client)
	b = binary.AppendUvarint(b, op.Seq)
	b = appendString(b, op.Key)
	b = appendString(b, op.Value)
	return appendString(b, op.Expect)
}

// Decode parses bytes made by Encode. Any other input (truncated, trailing
// bytes, non-canonical varints, unknown kind, fields a kind must not carry)
// returns an error wrapping ErrCorrupt; it never panics. Canonical: every
// varint is in its shortest form (strings are length-prefixed, so with that
// the bytes are exactly Encode's), checked without encoding again.
func Decode(b []byte) (Op, error) {
	if len(b) < 2 || b[0] != codecVersion {
		return Op{}, fmt.Errorf("%w: bad header", ErrCorrupt)
	}
	op := Op{Kind: Kind(b[1])}
	r := reader{b: b[2:]}
	op.Client = r.uvarint()
	op.Seq = r.uvarint()
	op.Key = r.string()
	op.Value = r.string()
	op.Expect = r.string()
	if err := r.done(); err != nil {
		return Op{}, err
	}
	if err := op.validate(); err != nil {
		return Op{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return op, nil
}

func (op Op) validate() error {
	switch op.Kind {
	case Get:
		if op.Value != "" || op.Expect != "" {
			return errors.New("get carries a value or expect")
		}
	case Put, Append:
		if op.Expect != "" {
			return fmt.Errorf("%v carries an expect", op.Kind)
		}
	case Cas:
	default:
		return fmt.Errorf("unknown kind %d", uint8(op.Kind))
	}
	return nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// reader decodes uvarints and strings; the first error sticks and later reads
// return zero values, so callers check once with done.
type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = fmt.Errorf("%w: bad varint", ErrCorrupt)
		return 0
	}
	var short [binary.MaxVarintLen64]byte
	if binary.PutUvarint(short[:], v) != n {
		r.err = fmt.Errorf("%w: non-canonical encoding (varint of %d bytes for %d)", ErrCorrupt, n, v)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) string() string {
	n := r.uvarint()
	if r.err != nil {
		return ""
	}
	if n > uint64(len(r.b)) {
		r.err = fmt.Errorf("%w: string length %d exceeds %d remaining bytes", ErrCorrupt, n, len(r.b))
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *reader) bool() bool {
	v := r.uvarint()
	if r.err == nil && v > 1 {
		r.err = fmt.Errorf("%w: bool %d", ErrCorrupt, v)
	}
	return v == 1
}

func (r *reader) done() error {
	if r.err == nil && len(r.b) != 0 {
		r.err = fmt.Errorf("%w: %d trailing bytes", ErrCorrupt, len(r.b))
	}
	return r.err
}
