package faults

import (
	"fmt"
	"slices"
)

// Size measures s for shrinking (see Size).
func (s Schedule) Size() Size {
	z := Size{Actions: len(s.Actions)}
	for _, a := range s.Actions {
		switch {
		case isEnding(a):
			z.EndWeightNs += a.AtNs
		case isWindow(a):
			z.EndWeightNs += a.UntilNs - a.AtNs
		}
	}
	return z
}

// isEnding reports whether a only ends faults (heals, restarts, resets).
func isEnding(a Action) bool { return isHealing(a) }

// UsesNodes returns the node ids the actions name, sorted and distinct.
// Wildcards (0) and leader-resolved actions may touch other nodes too.
func (s Schedule) UsesNodes() []int {
	var ids []int
	for _, a := range s.Actions {
		ids = append(ids, a.Node, a.From, a.To)
		for _, g := range a.Groups {
			ids = append(ids, g...)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) > 0 && ids[0] == 0 {
		ids = ids[1:]
	}
	return ids
}

// episode is a fault-starting action and the action that ends it
// (end -1: a window action, a membership request, or no end found).
type episode struct{ start, end int }

// episodes pairs each fault-starting action with the first later action
// that ends it.
func episodes(acts []Action) []episode {
	var out []episode
	for i, a := range acts {
		if isEnding(a) || a.Kind == Skew && a.OffsetNs == 0 || a.Kind == Drift && a.DriftPPM == 0 {
			continue
		}
		e := episode{i, -1}
		for j := i + 1; j < len(acts) && !isWindow(a) && !IsRequest(a.Kind); j++ {
			if ends(a, acts[j]) {
				e.end = j
				break
			}
		}
		out = append(out, e)
	}
	return out
}

func isWindow(a Action) bool {
	return a.Kind == Flap || a.Kind == IsolateLeader || a.Kind == CrashLeader || a.Kind == CrashVoter ||
		a.Kind == CrashNewLeader || a.Kind == ReplayLeader || a.Kind == PartitionLeader || a.Kind == PauseLeader || a.Kind == ConfigSplit ||
		a.Kind == JointSplit || a.Kind == LeaderRemoval || a.Kind == LeaderLink || a.Kind == LeaseSplit || a.Kind == DiskStall
}

// ends reports whether e ends the fault that s started.
func ends(s, e Action) bool {
	healsAll := e.Kind == Heal || e.Kind == HealLink && e.From == 0 && e.To == 0
	covers := func(a, b int) bool { // e is a heallink covering a<->b
		m := func(x, y int) bool { return (e.From == 0 || e.From == x) && (e.To == 0 || e.To == y) }
		return e.Kind == HealLink && (m(a, b) || m(b, a))
	}
	switch s.Kind {
	case Crash:
		return e.Kind == Restart && e.Node == s.Node
	case Pause:
		return e.Kind == Resume && e.Node == s.Node
	case Clog:
		return e.Kind == Unclog && e.From == s.From && e.To == s.To
	case Skew, Drift:
		return e.Kind == s.Kind && e.Node == s.Node
	case Link:
		return e.Kind == Heal || e.Kind == Link && e.From == s.From && e.To == s.To
	case Partition:
		return healsAll
	case OneWay, Cut:
		return healsAll || covers(s.From, s.To)
	case Isolate:
		return healsAll || e.Kind == HealLink && (e.From == s.Node && e.To == 0 || e.From == 0 && e.To == s.Node)
	}
	return false
}

// ShrinkCandidates returns smaller valid schedules, most aggressive first:
// drop half of the episodes, drop one episode (start and end), drop one
// action, then halve one episode (move its end earlier or halve a window).
// Each candidate passes Validate and has a strictly smaller Size. Nodes,
// QuietAtNs and EndNs are kept; dropping nodes is the simulator's job
// (see UsesNodes).
func (s Schedule) ShrinkCandidates() []Schedule {
	size := s.Size()
	var out []Schedule
	seen := map[string]bool{}
	keep := func(c Schedule, key string) {
		if !seen[key] && c.Validate() == nil && c.Size().Less(size) {
			seen[key] = true
			out = append(out, c)
		}
	}
	for _, drop := range s.dropSets() {
		keep(s.without(drop), fmt.Sprint("drop", drop))
	}
	for i, e := range episodes(s.Actions) {
		if c, ok := s.halve(e); ok {
			keep(c, fmt.Sprint("halve", i))
		}
	}
	return out
}

// dropSets lists sets of action indices to remove, most aggressive first.
func (s Schedule) dropSets() [][]int {
	eps := episodes(s.Actions)
	idx := func(es []episode) []int {
		var out []int
		for _, e := range es {
			out = append(out, e.start)
			if e.end >= 0 {
				out = append(out, e.end)
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	var sets [][]int
	if len(eps) >= 2 {
		sets = append(sets, idx(eps[:len(eps)/2]), idx(eps[len(eps)/2:]))
	}
	for _, e := range eps {
		sets = append(sets, idx([]episode{e}))
	}
	for i := range s.Actions {
		sets = append(sets, []int{i})
	}
	return sets
}

// without returns s minus the actions at the sorted indices drop.
func (s Schedule) without(drop []int) Schedule {
	c := s
	c.Actions = nil
	for i, a := range s.Actions {
		if _, found := slices.BinarySearch(drop, i); !found {
			c.Actions = append(c.Actions, a)
		}
	}
	return c
}

// halve moves e's ending action to the middle of the episode, or halves a
// window. ok is false when nothing would change.
func (s Schedule) halve(e episode) (Schedule, bool) {
	start := s.Actions[e.start]
	if isWindow(start) {
		until := start.AtNs + (start.UntilNs-start.AtNs)/2
		if until <= start.AtNs {
			return s, false
		}
		c := s
		c.Actions = slices.Clone(s.Actions)
		c.Actions[e.start].UntilNs = until
		return c, true
	}
	if e.end < 0 || !isEnding(s.Actions[e.end]) {
		return s, false
	}
	end := s.Actions[e.end]
	end.AtNs = start.AtNs + (end.AtNs-start.AtNs)/2
	if end.AtNs == s.Actions[e.end].AtNs {
		return s, false
	}
	c := s.without([]int{e.end})
	at := slices.IndexFunc(c.Actions, func(a Action) bool { return a.AtNs > end.AtNs })
	if at < 0 {
		at = len(c.Actions)
	}
	c.Actions = slices.Insert(c.Actions, at, end)
	return c, true
}
