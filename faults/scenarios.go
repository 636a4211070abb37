package faults

import "slices"

// Named scenarios return actions to Merge into a schedule. They do not
// check their arguments: Validate the resulting schedule.

// TermInflation isolates node for durationNs (choose many election
// timeouts) while the rest keep serving, then heals exactly that isolation
// (heallink n<->*, so other faults in force stay). The isolated node keeps
// campaigning and returns with a high term (unless PreVote stops it).
func TermInflation(node int, atNs, durationNs int64) []Action {
	return []Action{
		{AtNs: atNs, Kind: Isolate, Node: node},
		{AtNs: atNs + durationNs, Kind: HealLink, From: node},
	}
}

// LeaderFlap flaps the links between node and each of a and b over
// [atNs, atNs+durationNs): node keeps losing and regaining a quorum.
func LeaderFlap(node, a, b int, atNs, durationNs, minUpNs, minDownNs int64) []Action {
	flap := func(peer int) Action {
		return Action{AtNs: atNs, Kind: Flap, From: node, To: peer,
			UntilNs: atNs + durationNs, MinUpNs: minUpNs, MinDownNs: minDownNs}
	}
	return []Action{flap(a), flap(b)}
}

// SplitBrain partitions nodes into a minority {1..m}, m = max(1, (nodes-1)/2),
// and the majority {m+1..nodes} (5 nodes: {1,2} | {3,4,5}), then heals all
// cuts after durationNs.
func SplitBrain(nodes int, atNs, durationNs int64) []Action {
	m := max(1, (nodes-1)/2)
	var minority, majority []int
	for id := 1; id <= nodes; id++ {
		if id <= m {
			minority = append(minority, id)
		} else {
			majority = append(majority, id)
		}
	}
	return []Action{
		{AtNs: atNs, Kind: Partition, Groups: [][]int{minority, majority}},
		{AtNs: atNs + durationNs, Kind: HealLink},
	}
}

// RollingRestart crashes nodes 1..nodes one at a time: each is down for
// downNs, and the next crashes gapNs after the previous restart.
func RollingRestart(nodes int, atNs, downNs, gapNs int64) []Action {
	var out []Action
	t := atNs
	for id := 1; id <= nodes; id++ {
		out = append(out, Action{AtNs: t, Kind: Crash, Node: id},
			Action{AtNs: t + downNs, Kind: Restart, Node: id})
		t += downNs + gapNs
	}
	return out
}

// Merge returns the actions of all lists in one new slice, stably sorted by
// AtNs: on equal times, earlier lists (and earlier positions) come first.
func Merge(lists ...[]Action) []Action {
	var out []Action
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.SortStableFunc(out, func(x, y Action) int {
		switch {
		case x.AtNs < y.AtNs:
			return -1
		case x.AtNs > y.AtNs:
			return 1
		}
		return 0
	})
	return out
}

// Quiesce returns s with the actions appended at QuietAtNs that end every
// fault still in force then: heal (if any link is cut or has options), then
// for each node in id order restart, resume and drift 0ppm as needed, then
// unclog every clogged link. Skew offsets are kept. Quiesce does not
// validate; an invalid s stays invalid.
func Quiesce(s Schedule) Schedule {
	if s.Nodes < 1 || s.Nodes > MaxNodes {
		return s
	}
	st := newState(s.Nodes)
	for _, a := range s.Actions {
		if s.checkAction(a, 0) == nil {
			_ = st.apply(a) // best effort: Validate reports the problem
		}
	}
	out := s
	out.Actions = slices.Clone(s.Actions)
	add := func(a Action) {
		a.AtNs = s.QuietAtNs
		out.Actions = append(out.Actions, a)
	}
	if slices.Contains(st.cut, true) || slices.Contains(st.opts, true) {
		add(Action{Kind: Heal})
	}
	for n := 1; n <= s.Nodes; n++ {
		if st.crashed[n] {
			add(Action{Kind: Restart, Node: n})
		}
		if st.paused[n] {
			add(Action{Kind: Resume, Node: n})
		}
		if st.drift[n] != 0 {
			add(Action{Kind: Drift, Node: n})
		}
	}
	st.eachLink(0, 0, func(i int) {
		if st.clog[i] {
			add(Action{Kind: Unclog, From: i / (s.Nodes + 1), To: i % (s.Nodes + 1)})
		}
	})
	return out
}
