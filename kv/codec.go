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
	v, err := decodeView(b)
	if err != nil {
		return Op{}, err
	}
	return Op{Kind: v.kind, Key: string(v.key), Value: string(v.value), Expect: string(v.expect),
		Client: v.client, Seq: v.seq}, nil
}

// opView is an Op decoded in place: its strings are views of the encoding,
// so Apply copies only the strings the state keeps (Decode's rules hold).
type opView struct {
	kind               Kind
	client, seq        uint64
	key, value, expect []byte
}

func decodeView(b []byte) (opView, error) {
	if len(b) < 2 || b[0] != codecVersion {
		return opView{}, fmt.Errorf("%w: bad header", ErrCorrupt)
	}
	v := opView{kind: Kind(b[1])}
	r := reader{b: b[2:]}
	v.client = r.uvarint()
	v.seq = r.uvarint()
	v.key = r.bytes()
	v.value = r.bytes()
	v.expect = r.bytes()
	if err := r.done(); err != nil {
		return opView{}, err
	}
	if err := validate(v.kind, len(v.value) > 0, len(v.expect) > 0); err != nil {
		return opView{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return v, nil
}

// validate checks that a kind carries only the fields it may.
func validate(k Kind, value, expect bool) error {
	switch k {
	case Get:
		if value || expect {
			return errors.New("get carries a value or expect")
		}
	case Put, Append:
		if expect {
			return fmt.Errorf("%v carries an expect", k)
		}
	case Cas:
	default:
		return fmt.Errorf("unknown kind %d", uint8(k))
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

func (r *reader) string() string { return string(r.bytes()) }

// bytes reads a length-prefixed string as a view of the input.
func (r *reader) bytes() []byte {
	n := r.uvarint()
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = fmt.Errorf("%w: string length %d exceeds %d remaining bytes", ErrCorrupt, n, len(r.b))
		return nil
	}
	s := r.b[:n:n]
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
