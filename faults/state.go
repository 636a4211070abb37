package faults

import "fmt"

// state is what the actions so far have done, as far as it is known
// statically. Leader-resolved actions are tracked only as windows: their
// effects end by themselves at UntilNs. Matrices are (n+1)*(n+1), indexed
// [from*(n+1)+to], node ids 1..n.
type state struct {
	n                int
	crashed, paused  []bool
	drift            []int64 // ppm per node
	cut, opts, clog  []bool  // directed links
	flapUntil        []int64 // per link, from < to; busy while AtNs <= until (-1: never)
	leaderCrashUntil int64   // a crash-leader window is busy while AtNs <= this (-1: never)
	voterCrashUntil  int64   // a crash-voter window is busy while AtNs <= this (-1: never)
	newLeaderUntil   int64   // a crash-new-leader window is busy while AtNs <= this (-1: never)
	replayUntil      int64   // a replay-leader window is busy while AtNs <= this (-1: never)
	splitUntil       int64   // a config-split window is busy while AtNs <= this (-1: never)
	jointUntil       int64   // a joint-split window is busy while AtNs <= this (-1: never)
	leaseUntil       int64   // a lease-split window is busy while AtNs <= this (-1: never)
	stallUntil       int64   // a disk-stall window is busy while AtNs <= this (-1: never)
	removalUntil     int64   // a leader-removal window is busy while AtNs <= this (-1: never)
	driftLeaderUntil int64   // a drifting partition-leader window holds every clock while AtNs <= this (-1: never)
}

func newState(n int) *state {
	m := (n + 1) * (n + 1)
	st := &state{n: n, crashed: make([]bool, n+1), paused: make([]bool, n+1),
		drift: make([]int64, n+1), cut: make([]bool, m), opts: make([]bool, m),
		clog: make([]bool, m), flapUntil: make([]int64, m), leaderCrashUntil: -1, voterCrashUntil: -1,
		newLeaderUntil: -1, replayUntil: -1, splitUntil: -1, jointUntil: -1, leaseUntil: -1, stallUntil: -1, removalUntil: -1, driftLeaderUntil: -1}
	for i := range st.flapUntil {
		st.flapUntil[i] = -1
	}
	return st
}

func (st *state) idx(from, to int) int { return from*(st.n+1) + to }

// eachLink calls f for every directed link matching from->to, where 0 is a
// wildcard.
func (st *state) eachLink(from, to int, f func(i int)) {
	for a := 1; a <= st.n; a++ {
		for b := 1; b <= st.n; b++ {
			if a != b && (from == 0 || from == a) && (to == 0 || to == b) {
				f(st.idx(a, b))
			}
		}
	}
}

// apply records a checked action, or reports why it cannot happen now.
func (st *state) apply(a Action) error {
	switch a.Kind {
	case Partition:
		group := make([]int, st.n+1)
		for gi, g := range a.Groups {
			for _, id := range g {
				group[id] = gi
			}
		}
		st.eachLink(0, 0, func(i int) { st.cut[i] = group[i/(st.n+1)] != group[i%(st.n+1)] || st.cut[i] })
	case OneWay:
		st.cut[st.idx(a.From, a.To)] = true
	case Cut:
		st.cut[st.idx(a.From, a.To)], st.cut[st.idx(a.To, a.From)] = true, true
	case Isolate:
		st.eachLink(a.Node, 0, func(i int) { st.cut[i] = true })
		st.eachLink(0, a.Node, func(i int) { st.cut[i] = true })
	case Heal:
		clear(st.cut)
		clear(st.opts)
	case HealLink:
		st.eachLink(a.From, a.To, func(i int) { st.cut[i] = false })
		st.eachLink(a.To, a.From, func(i int) { st.cut[i] = false })
	case Link:
		on := hasLinkOptions(a)
		st.eachLink(a.From, a.To, func(i int) { st.opts[i] = on })
	case Drift:
		if a.AtNs <= st.driftLeaderUntil {
			return fmt.Errorf("a drifting partition-leader window holds every clock until %s",
				formatFixed(st.driftLeaderUntil, 9))
		}
		st.drift[a.Node] = a.DriftPPM
	case PartitionLeader:
		return st.driftLeader(a)
	case Skew, IsolateLeader, PauseLeader, LeaderLink, AddNode, RemoveNode, ReplaceNode:
		// Skew keeps no state; isolate-leader, pause-leader and leader-link
		// heal themselves at UntilNs.
	default:
		return st.applyOther(a)
	}
	return nil
}

// applyOther handles the kinds whose preconditions can fail.
func (st *state) applyOther(a Action) error {
	switch a.Kind {
	case Crash, Pause, CrashLeader:
		if a.AtNs <= st.leaderCrashUntil { // at UntilNs too: the restart may race
			return fmt.Errorf("a crash-leader window is open until %s",
				formatFixed(st.leaderCrashUntil, 9))
		}
		if a.Kind == CrashLeader {
			st.leaderCrashUntil = a.UntilNs
			return nil
		}
		return st.stop(a)
	case CrashVoter:
		return exclusiveWindow(&st.voterCrashUntil, a)
	case CrashNewLeader:
		return exclusiveWindow(&st.newLeaderUntil, a)
	case ReplayLeader:
		return exclusiveWindow(&st.replayUntil, a)
	case ConfigSplit:
		return exclusiveWindow(&st.splitUntil, a)
	case JointSplit:
		return exclusiveWindow(&st.jointUntil, a)
	case LeaseSplit:
		return exclusiveWindow(&st.leaseUntil, a)
	case DiskStall:
		return exclusiveWindow(&st.stallUntil, a)
	case LeaderRemoval:
		return exclusiveWindow(&st.removalUntil, a)
	case Restart:
		if !st.crashed[a.Node] {
			return fmt.Errorf("node %d is not crashed", a.Node)
		}
		st.crashed[a.Node] = false
	case Resume:
		if !st.paused[a.Node] {
			return fmt.Errorf("node %d is not paused", a.Node)
		}
		st.paused[a.Node] = false
	case Clog, Unclog:
		i := st.idx(a.From, a.To)
		if st.clog[i] && a.Kind == Clog {
			return fmt.Errorf("link n%d->n%d is already clogged", a.From, a.To)
		}
		if !st.clog[i] && a.Kind == Unclog {
			return fmt.Errorf("link n%d->n%d is not clogged", a.From, a.To)
		}
		st.clog[i] = a.Kind == Clog
	case Flap:
		i := st.idx(min(a.From, a.To), max(a.From, a.To))
		if a.AtNs <= st.flapUntil[i] {
			return fmt.Errorf("link n%d<->n%d is already flapping until %s",
				a.From, a.To, formatFixed(st.flapUntil[i], 9))
		}
		st.flapUntil[i] = a.UntilNs
	default:
		panic(fmt.Sprintf("faults: state.apply: unhandled kind %q", a.Kind))
	}
	return nil
}

// driftLeader checks a partition-leader window: one that drifts needs every
// clock at rate 1 when it starts and holds them all until it ends.
func (st *state) driftLeader(a Action) error {
	if a.DriftPPM == 0 {
		return nil // heals itself at UntilNs, like isolate-leader
	}
	if a.AtNs <= st.driftLeaderUntil {
		return fmt.Errorf("a drifting partition-leader window is open until %s", formatFixed(st.driftLeaderUntil, 9))
	}
	for n := 1; n <= st.n; n++ {
		if st.drift[n] != 0 {
			return fmt.Errorf("node %d drifts %+dppm (a drifting partition-leader sets every clock)", n, st.drift[n])
		}
	}
	st.driftLeaderUntil = a.UntilNs
	return nil
}

// stop applies crash or pause of a node that must be up and running.
func (st *state) stop(a Action) error {
	n := a.Node
	switch {
	case st.crashed[n] && a.Kind == Crash:
		return fmt.Errorf("node %d is already crashed", n)
	case st.crashed[n]:
		return fmt.Errorf("node %d is crashed", n)
	case st.paused[n] && a.Kind == Pause:
		return fmt.Errorf("node %d is already paused", n)
	case st.paused[n]:
		return fmt.Errorf("node %d is paused (resume it first)", n)
	}
	if a.Kind == Crash {
		st.crashed[n] = true
	} else {
		st.paused[n] = true
	}
	return nil
}

// quietError reports the first fault still in force after all actions.
func (st *state) quietError() error {
	for n := 1; n <= st.n; n++ {
		switch {
		case st.crashed[n]:
			return fmt.Errorf("node %d is still crashed (add restart n%d)", n, n)
		case st.paused[n]:
			return fmt.Errorf("node %d is still paused (add resume n%d)", n, n)
		case st.drift[n] != 0:
			return fmt.Errorf("node %d still drifts %+dppm (add drift n%d 0ppm)", n, st.drift[n], n)
		}
	}
	var err error
	st.eachLink(0, 0, func(i int) {
		from, to := i/(st.n+1), i%(st.n+1)
		switch {
		case err != nil:
		case st.cut[i]:
			err = fmt.Errorf("link n%d->n%d is still cut (add heal)", from, to)
		case st.opts[i]:
			err = fmt.Errorf("link n%d->n%d still has options (add heal)", from, to)
		case st.clog[i]:
			err = fmt.Errorf("link n%d->n%d is still clogged (add unclog n%d->n%d)", from, to, from, to)
		}
	})
	return err
}

// CalmSpans returns the spans [from, to) of the fault phase in which no
// fault is in force: after the actions at from (and once every window open
// then has ended), every node is up and running, no link is cut, clogged or
// has options, no node drifts and no window is open, until the next action
// at to (QuietAtNs after the last one). Sorted and disjoint. s must be valid.
func (s Schedule) CalmSpans() [][2]int64 {
	st := newState(s.Nodes)
	var out [][2]int64
	if len(s.Actions) == 0 || s.Actions[0].AtNs > 0 {
		out = append(out, [2]int64{0, s.QuietAtNs})
		if len(s.Actions) > 0 {
			out[0][1] = s.Actions[0].AtNs
		}
	}
	until := int64(-1) // latest end of the windows opened so far
	for i := 0; i < len(s.Actions); {
		t := s.Actions[i].AtNs
		for ; i < len(s.Actions) && s.Actions[i].AtNs == t; i++ {
			a := s.Actions[i]
			if err := st.apply(a); err != nil {
				panic(fmt.Sprintf("faults: CalmSpans of an invalid schedule: action %d: %v", i, err))
			}
			if isWindow(a) {
				until = max(until, a.UntilNs)
			}
		}
		next := s.QuietAtNs
		if i < len(s.Actions) {
			next = s.Actions[i].AtNs
		}
		if from := max(t, until); from < next && st.quietError() == nil {
			out = append(out, [2]int64{from, next})
		}
	}
	return out
}

// exclusiveWindow opens window a of a kind whose windows may not overlap;
// *until is the end of the last one opened (-1: none).
func exclusiveWindow(until *int64, a Action) error {
	if a.AtNs <= *until {
		return fmt.Errorf("a %s window is open until %s", a.Kind, formatFixed(*until, 9))
	}
	*until = a.UntilNs
	return nil
}
