package checker

import (
	"fmt"
	"maps"
	"slices"

	"github.com/anishathalye/porcupine"
)

// The porcupine model: one register per key (histories are partitioned by
// key, and a history is linearizable iff every key's sub-history is).
//
// State per key is (value, version, exists); a missing key has value "" and
// version 0. put sets the value, append concatenates, cas sets the value if the
// current value equals expect (a missing key compares as ""). Each write that
// changes the key adds one to the version. A key whose outputs never carry a
// version keeps version 0 (input.versioned false): more states compare equal,
// so the search's memo prunes more of it.

type modelInput struct {
	kind      string
	key       string
	value     string
	expect    string
	versioned bool // some output of this key carries a version
}

// modelOutput is an Output flattened to a comparable value. unknown accepts
// every state: the client never saw a reply.
type modelOutput struct {
	unknown                               bool
	value                                 string
	found, ok                             bool
	version                               uint64
	hasValue, hasFound, hasVersion, hasOK bool
}

type keyState struct {
	value   string
	version uint64
	exists  bool
}

func flatten(o Output) modelOutput {
	var m modelOutput
	if o.Value != nil {
		m.value, m.hasValue = *o.Value, true
	}
	if o.Found != nil {
		m.found, m.hasFound = *o.Found, true
	}
	if o.Version != nil {
		m.version, m.hasVersion = *o.Version, true
	}
	if o.OK != nil {
		m.ok, m.hasOK = *o.OK, true
	}
	return m
}

// step returns the state after in and whether a cas swapped.
func step(st keyState, in modelInput) (keyState, bool) {
	next := keyState{version: st.version, exists: true}
	if in.versioned {
		next.version++
	}
	switch in.kind {
	case "put":
		next.value = in.value
	case "append":
		next.value = st.value + in.value
	case "cas":
		if st.value != in.expect {
			return st, false
		}
		next.value = in.value
		return next, true
	default: // get
		return st, false
	}
	return next, false
}

// matches reports whether out is what a client could see after reaching st.
func (out modelOutput) matches(st keyState, swapped bool) bool {
	return out.unknown ||
		(!out.hasValue || out.value == st.value) &&
			(!out.hasFound || out.found == st.exists) &&
			(!out.hasVersion || out.version == st.version) &&
			(!out.hasOK || out.ok == swapped)
}

// modelStep hands back the state it was given when nothing changed (a get, a
// cas that failed): no new interface value, so no allocation on most steps.
func modelStep(state, input, output any) (bool, any) {
	st := state.(keyState)
	next, swapped := step(st, input.(modelInput))
	ok := output.(modelOutput).matches(next, swapped)
	if next == st {
		return ok, state
	}
	return ok, next
}

// hashState is FNV-1a over the version (8 bytes, little endian), exists (one
// byte) and the value, without allocating.
func hashState(state any) uint64 { return hashKeyState(state.(keyState)) }

func hashKeyState(st keyState) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := range 8 {
		h = (h ^ (st.version >> (8 * i) & 0xff)) * prime
	}
	if st.exists {
		h = (h ^ 1) * prime
	} else {
		h *= prime
	}
	for i := 0; i < len(st.value); i++ {
		h = (h ^ uint64(st.value[i])) * prime
	}
	return h
}

// kvModel is the porcupine model; Partition groups operations by key in
// ascending key order (partitionByKey).
var kvModel = porcupine.Model{
	Partition: func(h []porcupine.Operation) [][]porcupine.Operation {
		_, parts := partitionByKey(h)
		return parts
	},
	Init:              func() any { return keyState{} },
	Step:              modelStep,
	Hash:              hashState,
	DescribeOperation: describeOp,
	DescribeState:     describeState,
	DescribeOperationMetadata: func(info any) string {
		if info == nil {
			return ""
		}
		return fmt.Sprintf("history op %d", info.(int))
	},
}

func partitionByKey(h []porcupine.Operation) ([]string, [][]porcupine.Operation) {
	byKey := map[string][]porcupine.Operation{}
	for _, op := range h {
		k := op.Input.(modelInput).key
		byKey[k] = append(byKey[k], op)
	}
	keys := slices.Sorted(maps.Keys(byKey))
	parts := make([][]porcupine.Operation, len(keys))
	for i, k := range keys {
		parts[i] = byKey[k]
	}
	return keys, parts
}

func describeOp(input, output any) string {
	in, out := input.(modelInput), output.(modelOutput)
	var call string
	switch in.kind {
	case "get":
		call = fmt.Sprintf("get(%q)", in.key)
	case "cas":
		call = fmt.Sprintf("cas(%q, %q -> %q)", in.key, in.expect, in.value)
	default:
		call = fmt.Sprintf("%s(%q, %q)", in.kind, in.key, in.value)
	}
	return call + " -> " + out.String()
}

func (out modelOutput) String() string {
	if out.unknown {
		return "unknown"
	}
	s := ""
	if out.hasOK {
		s += fmt.Sprintf(" ok=%t", out.ok)
	}
	if out.hasFound {
		s += fmt.Sprintf(" found=%t", out.found)
	}
	if out.hasValue {
		s += fmt.Sprintf(" %q", out.value)
	}
	if out.hasVersion {
		s += fmt.Sprintf(" v%d", out.version)
	}
	if s == "" {
		return "done"
	}
	return s[1:]
}

func describeState(state any) string {
	st := state.(keyState)
	if !st.exists {
		return "(missing)"
	}
	return fmt.Sprintf("%q v%d", st.value, st.version)
}
