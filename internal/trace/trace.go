// Package trace records a simulation run as one stable text line per event,
//
//	<seconds>.<9-digit ns> n<node> <kind> <payload>
//
// (the space before an empty payload is left out) and hashes it. A line's
// hash is computed from its fields as they are added (time, node, kind, then
// each key and value, tagged by type, strings length-prefixed), not from its
// text, so a run that keeps no lines never formats one; the trace hash chains
// the line hashes. Same fields in the same order, same hash, whether or not
// lines are kept. A per-line hash is always kept (8 bytes an event), so two
// runs can be compared event by event; the lines themselves only when Keep
// is set.
package trace

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// Trace is an append-only event log. The zero Trace is ready to use and does
// not keep lines. Not safe for concurrent use.
type Trace struct {
	// Keep keeps the rendered lines for Line and WriteTo. Set it before the
	// first Add.
	Keep bool

	hash  uint64     // the line hashes so far, chained by mix
	lines [][]uint64 // hash of each line, in chunks of lineChunk (no copying as it grows)
	n     int        // lines recorded
	text  []byte     // kept lines, '\n'-terminated, when Keep
	ends  []int      // end offset in text of each kept line
	buf   []byte     // the line being built, when Keep
	lh    uint64     // hash of the line being built
	open  bool       // a Line is being built
}

// lineChunk is how many line hashes one chunk holds.
const lineChunk = 1 << 13

// Field tags, mixed in before a field's value.
const (
	tagInt = iota + 1
	tagStr
	tagRaw
)

// mix folds one 64-bit word into h (an FNV-1a step on a word, then a shift
// so that high bits reach low ones).
func mix(h, w uint64) uint64 {
	h = (h ^ w) * fnvPrime
	return h ^ h>>29
}

// mixString folds s, length first, into h.
func mixString(h uint64, s string) uint64 {
	h = mix(h, uint64(len(s)))
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

// Len is the number of events recorded.
func (t *Trace) Len() int { return t.n }

// Hash is the running trace hash (trace_hash).
func (t *Trace) Hash() uint64 {
	if t.n == 0 {
		return fnvOffset
	}
	return t.hash
}

// HashString is Hash as 16 hex digits.
func (t *Trace) HashString() string { return fmt.Sprintf("%016x", t.Hash()) }

// LineHash is the hash of event i's line.
func (t *Trace) LineHash(i int) uint64 { return t.lines[i/lineChunk][i%lineChunk] }

// Line returns event i's text; ok is false when lines are not kept.
func (t *Trace) Line(i int) (line string, ok bool) {
	if !t.Keep || i < 0 || i >= len(t.ends) {
		return "", false
	}
	start := 0
	if i > 0 {
		start = t.ends[i-1]
	}
	return string(t.text[start : t.ends[i]-1]), true
}

// Add records one event with a preformatted payload.
func (t *Trace) Add(atNs int64, node int, kind, payload string) {
	t.Begin(atNs, node, kind).Raw(payload).End()
}

// WriteTo writes every kept line, '\n'-terminated. It fails if Keep is off
// and events were recorded.
func (t *Trace) WriteTo(w io.Writer) (int64, error) {
	if !t.Keep && t.n > 0 {
		return 0, fmt.Errorf("trace: %d events recorded without Keep: no lines to write", t.n)
	}
	bw := bufio.NewWriter(w)
	n, err := bw.Write(t.text)
	if err == nil {
		err = bw.Flush()
	}
	return int64(n), err
}

// Line builds one event's line in place, without allocating: Begin, then
// Int/Str/Raw fields, then End. Only one Line is open at a time.
type Line struct{ t *Trace }

// Begin starts the line of an event at atNs (global virtual ns) on node.
func (t *Trace) Begin(atNs int64, node int, kind string) Line {
	if t.open {
		panic("trace: Begin while a line is open (missing End)")
	}
	t.open = true
	t.lh = mixString(mix(mix(fnvOffset, uint64(atNs)), uint64(node)), kind)
	if t.Keep {
		t.buf = appendHead(t.buf[:0], atNs, node, kind)
	}
	return Line{t}
}

func appendHead(b []byte, atNs int64, node int, kind string) []byte {
	if atNs < 0 {
		b = append(b, '-')
		atNs = -atNs
	}
	b = strconv.AppendInt(b, atNs/1e9, 10)
	b = append(b, '.')
	ns := atNs % 1e9
	for p := int64(1e8); p > 1 && ns < p; p /= 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, ns, 10)
	b = append(b, " n"...)
	b = strconv.AppendInt(b, int64(node), 10)
	b = append(b, ' ')
	return append(b, kind...)
}

// Int appends " key=v".
func (l Line) Int(key string, v int64) Line {
	t := l.t
	t.lh = mix(mix(mixString(t.lh, key), tagInt), uint64(v))
	if t.Keep {
		b := append(t.buf, ' ')
		b = append(b, key...)
		b = append(b, '=')
		t.buf = strconv.AppendInt(b, v, 10)
	}
	return l
}

// Str appends " key=v".
func (l Line) Str(key, v string) Line {
	t := l.t
	t.lh = mixString(mix(mixString(t.lh, key), tagStr), v)
	if t.Keep {
		b := append(t.buf, ' ')
		b = append(b, key...)
		b = append(b, '=')
		t.buf = append(b, v...)
	}
	return l
}

// Raw appends " s" (nothing if s is empty).
func (l Line) Raw(s string) Line {
	t := l.t
	if s != "" {
		t.lh = mixString(mix(t.lh, tagRaw), s)
		if t.Keep {
			t.buf = append(append(t.buf, ' '), s...)
		}
	}
	return l
}

// End records the line.
func (l Line) End() {
	t := l.t
	t.open = false
	t.hash = mix(t.Hash(), t.lh)
	if t.n%lineChunk == 0 {
		t.lines = append(t.lines, make([]uint64, 0, lineChunk))
	}
	last := len(t.lines) - 1
	t.lines[last] = append(t.lines[last], t.lh)
	t.n++
	if t.Keep {
		t.text = append(append(t.text, t.buf...), '\n')
		t.ends = append(t.ends, len(t.text))
	}
}
