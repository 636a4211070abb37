package trace

import "fmt"

// Divergence names the first event where two traces differ. LineA/LineB
// are empty when that trace has no such event or did not keep lines.
type Divergence struct {
	Index        int
	LineA, LineB string
	LenA, LenB   int
}

func (d Divergence) String() string {
	return fmt.Sprintf("first divergence at event %d (of %d vs %d):\n  a: %s\n  b: %s",
		d.Index, d.LenA, d.LenB, orMissing(d.LineA), orMissing(d.LineB))
}

func orMissing(s string) string {
	if s == "" {
		return "<no line>"
	}
	return s
}

// FirstDivergence compares a and b event by event through their line hashes.
// ok is false when the traces are identical.
func FirstDivergence(a, b *Trace) (d Divergence, ok bool) {
	n := min(a.Len(), b.Len())
	i := 0
	for i < n && a.LineHash(i) == b.LineHash(i) {
		i++
	}
	if i == a.Len() && i == b.Len() {
		return Divergence{}, false
	}
	d = Divergence{Index: i, LenA: a.Len(), LenB: b.Len()}
	d.LineA, _ = a.Line(i)
	d.LineB, _ = b.Line(i)
	return d, true
}

// CheckDeterminism runs the same seeded run twice and compares the traces.
// On a mismatch it runs both again keeping lines, so the error names the
// first divergent event and both lines.
func CheckDeterminism(run func(t *Trace)) error {
	var a, b Trace
	run(&a)
	run(&b)
	first, ok := FirstDivergence(&a, &b)
	if !ok {
		return nil
	}
	ka, kb := Trace{Keep: true}, Trace{Keep: true}
	run(&ka)
	run(&kb)
	if d, ok := FirstDivergence(&ka, &kb); ok {
		return fmt.Errorf("trace: nondeterministic run: %s", d)
	}
	return fmt.Errorf("trace: nondeterministic run: first divergence at event %d "+
		"(%016x vs %016x); the rerun with lines kept did not diverge", first.Index, a.Hash(), b.Hash())
}
