package checker

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// staleChecker holds a history indexed for CheckStaleReads.
type staleChecker struct {
	ops    []Operation
	writes map[string][]int // key -> ok and unknown writes, in history order
	reads  []int            // stale-mode gets with status ok, in history order
	// unsorted holds the keys whose writes are not in call order (a
	// simulator's history is: it records an operation when it is called).
	unsorted map[string]bool
}

// keyState with unknown fields (nil): what a read saw.
type seenState struct {
	value   *string
	version *uint64
}

// memoKey names a prefix (by length) of the value of the read being judged,
// at a version (-1: unknown). Valid for one read only.
type memoKey struct {
	length  int
	version int64
}

func newStaleChecker(ops []Operation) *staleChecker {
	sc := &staleChecker{ops: ops, writes: map[string][]int{}, unsorted: map[string]bool{}}
	for i := range ops {
		op := &ops[i]
		switch {
		case op.Status == StatusFail:
		case op.Kind != "get":
			ws := sc.writes[op.Key]
			if n := len(ws); n > 0 && ops[ws[n-1]].Call > op.Call {
				sc.unsorted[op.Key] = true
			}
			sc.writes[op.Key] = append(ws, i)
		case op.Mode == ModeStale && op.Status == StatusOK:
			sc.reads = append(sc.reads, i)
		}
	}
	return sc
}

func (sc *staleChecker) run() (StaleReport, *Violation) {
	rep := StaleReport{Reads: len(sc.reads), MaxOp: -1}
	var first *Violation
	var sum int64
	for _, i := range sc.reads {
		initial, ws := sc.witnesses(i, sc.ops[i].Return)
		if !initial && len(ws) == 0 {
			rep.Invalid++
			first = earlier(first, sc.invalid(i))
			continue
		}
		behind, nsBehind := sc.staleness(i, ws)
		sum += int64(behind)
		if behind > 0 {
			rep.Behind++
			rep.MaxNsBehind = max(rep.MaxNsBehind, nsBehind)
		}
		if behind > rep.MaxVersionsBehind {
			rep.MaxVersionsBehind, rep.MaxOp = behind, i
		}
	}
	if valid := rep.Reads - rep.Invalid; valid > 0 {
		rep.MeanVersionsBehindMilli = sum * 1000 / int64(valid)
	}
	return rep, earlier(first, sc.regression())
}

// earlier keeps the violation with the lower AtNs (a on ties).
func earlier(a, b *Violation) *Violation {
	if a == nil || b != nil && b.AtNs < a.AtNs {
		return b
	}
	return a
}

// witnesses: whether the initial missing state explains what read r saw, and
// which writes called before `before` could have produced it.
func (sc *staleChecker) witnesses(r int, before int64) (bool, []int) {
	o := sc.ops[r].Output
	initial := (o.Found == nil || !*o.Found) && (o.Value == nil || *o.Value == "") &&
		(o.Version == nil || *o.Version == 0)
	if o.Found != nil && !*o.Found {
		return initial, nil
	}
	st := seenState{value: o.Value, version: o.Version}
	memo := map[memoKey]bool{}
	var ws []int
	for _, w := range sc.writesBefore(sc.ops[r].Key, before) {
		if sc.produced(w, st, before, memo) {
			ws = append(ws, w)
		}
	}
	return initial, ws
}

// produced reports whether write w, called before `before`, could have left
// the key in st, every write it builds on also called before `before`.
func (sc *staleChecker) produced(w int, st seenState, before int64, memo map[memoKey]bool) bool {
	op := &sc.ops[w]
	out := op.Output
	switch {
	case op.Call >= before, op.Kind == "cas" && out.OK != nil && !*out.OK:
		return false
	case out.Version != nil && st.version != nil && *out.Version != *st.version:
		return false
	case out.Value != nil:
		return st.value == nil || *out.Value == *st.value
	case st.value == nil:
		return true
	case op.Kind != "append":
		return op.Value == *st.value
	case !strings.HasSuffix(*st.value, op.Value):
		return false
	}
	// An append of unknown result: the state before it is a prefix of what
	// the read saw, one version lower, and must itself have been produced.
	prev := seenState{value: Ptr(strings.TrimSuffix(*st.value, op.Value))}
	if v := cmp.Or(out.Version, st.version); v != nil {
		if *v == 0 {
			return false
		}
		prev.version = Ptr(*v - 1)
	}
	return sc.reachable(op.Key, prev, before, memo)
}

// reachable reports whether the key was in st (value known) at some point,
// produced by writes called before `before`, or initially.
func (sc *staleChecker) reachable(key string, st seenState, before int64, memo map[memoKey]bool) bool {
	k := memoKey{length: len(*st.value), version: -1}
	if st.version != nil {
		k.version = int64(*st.version)
	}
	if ok, done := memo[k]; done {
		return ok
	}
	memo[k] = false // an append of "" leads back here: that path adds nothing
	ok := *st.value == "" && k.version <= 0
	for _, w := range sc.writesBefore(key, before) {
		if ok {
			break
		}
		ok = sc.produced(w, st, before, memo)
	}
	memo[k] = ok
	return ok
}

// staleness counts the acknowledged writes read r missed (see
// CheckStaleReads) and how long before r's call the oldest returned.
func (sc *staleChecker) staleness(r int, ws []int) (int, int64) {
	read := &sc.ops[r]
	latest := int64(math.MinInt64) // latest return of a possible producer; the initial state's is -inf
	for _, w := range ws {
		latest = max(latest, returnOrInf(&sc.ops[w]))
	}
	behind, oldest := 0, int64(math.MaxInt64)
	for _, w := range sc.writesBefore(read.Key, read.Call) { // a later call returned after read.Call
		op := &sc.ops[w]
		if op.Status != StatusOK || op.Return >= read.Call || !changedKey(op) {
			continue
		}
		newer := op.Call > latest
		if op.Output.Version != nil && read.Output.Version != nil {
			newer = *op.Output.Version > *read.Output.Version
		}
		if newer {
			behind++
			oldest = min(oldest, op.Return)
		}
	}
	if behind == 0 {
		return 0, 0
	}
	return behind, read.Call - oldest
}

// writesBefore is key's writes, or, when they are in call order, the prefix
// of them called before `before` (the others cannot matter to a caller).
func (sc *staleChecker) writesBefore(key string, before int64) []int {
	ws := sc.writes[key]
	if sc.unsorted[key] {
		return ws
	}
	n, _ := slices.BinarySearchFunc(ws, before, func(w int, t int64) int { return cmp.Compare(sc.ops[w].Call, t) })
	return ws[:n]
}

func returnOrInf(op *Operation) int64 {
	if op.Status == StatusUnknown {
		return math.MaxInt64
	}
	return op.Return
}

// changedKey: a write known to have changed the key.
func changedKey(op *Operation) bool {
	return op.Kind != "cas" || op.Output.OK != nil && *op.Output.OK
}

func (sc *staleChecker) invalid(r int) *Violation {
	read := sc.ops[r]
	why := "no write produced it"
	if _, later := sc.witnesses(r, math.MaxInt64); len(later) > 0 {
		w := sc.ops[later[0]]
		why = fmt.Sprintf("only client %d's %s called at %d (history op %d), after the read returned, produced it",
			w.Client, w.Kind, w.Call, later[0])
	}
	return &Violation{Check: CheckStaleInvalid, AtNs: read.Return, Nodes: nodeList(read.Node),
		Msg: fmt.Sprintf("client %d stale get(%q) -> %s served by node %d called at %d returned at %d (history op %d): %s",
			read.Client, read.Key, flatten(read.Output), read.Node, read.Call, read.Return, r, why)}
}

func nodeList(node int) []int {
	if node == 0 {
		return nil
	}
	return []int{node}
}

// regression finds the earliest stale read that saw a lower version than
// the same client's previous stale read of the key from the same node.
func (sc *staleChecker) regression() *Violation {
	type stream struct {
		client int
		key    string
		node   int
	}
	reads := slices.Clone(sc.reads)
	slices.SortStableFunc(reads, func(a, b int) int { return cmp.Compare(sc.ops[a].Call, sc.ops[b].Call) })
	prev := map[stream]int{}
	var first *Violation
	for _, i := range reads {
		op := sc.ops[i]
		if op.Node == 0 || op.Output.Version == nil {
			continue
		}
		s := stream{client: op.Client, key: op.Key, node: op.Node}
		if p, ok := prev[s]; ok && *op.Output.Version < *sc.ops[p].Output.Version {
			first = earlier(first, &Violation{Check: CheckStaleRegressed, AtNs: op.Return, Nodes: []int{op.Node},
				Msg: fmt.Sprintf("client %d stale get(%q) from node %d saw version %d (history op %d, returned at %d), "+
					"then version %d from the same node (history op %d, returned at %d)",
					op.Client, op.Key, op.Node, *sc.ops[p].Output.Version, p, sc.ops[p].Return,
					*op.Output.Version, i, op.Return)})
		}
		prev[s] = i
	}
	return first
}
