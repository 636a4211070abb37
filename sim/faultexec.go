package sim

import (
	"fmt"

	"github.com/faultline-sim/faultline/faults"
)

// scheduleFaults puts every action of the schedule on the queue.
func (w *world) scheduleFaults() {
	for i, a := range w.sched.Actions {
		w.push(a.AtNs, event{kind: evFault, idx: i})
		if w.rt.of(a.Kind) != nil { // a run-time fault's window ends
			w.push(a.UntilNs, event{kind: evFaultEnd, idx: i})
		}
	}
	w.push(w.sched.QuietAtNs, event{kind: evQuiet})
	// The quiet phase's leader bound, also in the calm spans of the fault
	// phase long enough to judge it.
	leaderNs := w.liveBounds().LeaderNs
	for _, sp := range w.sched.CalmSpans() {
		if sp[1]-sp[0] > leaderNs {
			w.push(sp[0], event{kind: evCalm})
			w.push(sp[0]+leaderNs, event{kind: evCalmJudge})
		}
	}
}

// applyFault carries out action i of the schedule at its time.
func (w *world) applyFault(i int) {
	a := w.sched.Actions[i]
	w.tr.Begin(w.now(), a.Node, "fault").Raw(a.String()).End()
	w.stats.faults++
	must := func(err error) {
		if err != nil {
			panic(fmt.Sprintf("sim: action %d (%s): %v", i, a.String(), err))
		}
	}
	switch a.Kind {
	case faults.Partition:
		w.partition(a.Groups)
	case faults.OneWay:
		must(w.net.Cut(a.From, a.To))
	case faults.Cut:
		must(w.net.CutBoth(a.From, a.To))
	case faults.Isolate:
		must(w.net.Isolate(a.Node))
	case faults.Heal:
		w.healAll()
	case faults.HealLink:
		w.healLink(a.From, a.To)
	case faults.Link:
		w.setLinks(a)
	case faults.Flap:
		must(w.net.Flap(a.From, a.To, a.AtNs, a.UntilNs, a.MinUpNs, a.MinDownNs))
		must(w.net.Flap(a.To, a.From, a.AtNs, a.UntilNs, a.MinUpNs, a.MinDownNs))
	case faults.Clog:
		must(w.net.Clog(a.From, a.To))
	case faults.Unclog:
		ds, err := w.net.Unclog(w.now(), a.From, a.To)
		must(err)
		for _, d := range ds {
			w.schedule(d)
		}
	case faults.AddNode, faults.RemoveNode, faults.ReplaceNode:
		w.startRequest(i)
	default:
		w.applyNodeFault(i, a)
	}
}

// applyNodeFault handles the actions on one node's process or clock.
func (w *world) applyNodeFault(i int, a faults.Action) {
	switch a.Kind {
	case faults.Crash:
		w.crash(a.Node, a.Torn)
	case faults.Restart:
		w.restart(a.Node)
	case faults.Pause:
		w.pause(a.Node)
	case faults.Resume:
		w.resume(a.Node)
	case faults.Skew:
		h := w.hosts[a.Node]
		h.clk.SetOffset(w.now(), a.OffsetNs)
		h.clockChanged()
	case faults.Drift:
		h := w.hosts[a.Node]
		h.clk.SetDriftPPM(w.now(), a.DriftPPM)
		h.clockChanged()
	default:
		ex := w.rt.of(a.Kind)
		if ex == nil {
			panic(fmt.Sprintf("sim: action %d: unknown kind %q", i, a.Kind))
		}
		ex.start(i, a)
	}
}

// endFault ends the window of run-time fault action i.
func (w *world) endFault(i int) {
	a := w.sched.Actions[i]
	w.rt.of(a.Kind).end(i, a)
}

// partition cuts every server link between different groups; a server in
// no group is cut from all others. Clients keep reaching every server.
func (w *world) partition(groups [][]int) {
	group := make([]int, len(w.hosts))
	for gi, g := range groups {
		for _, n := range g {
			group[n] = gi + 1
		}
	}
	for a := 1; a <= w.o.hosts(); a++ {
		for b := 1; b <= w.o.hosts(); b++ {
			if a != b && (group[a] == 0 || group[a] != group[b]) {
				_ = w.net.Cut(a, b)
			}
		}
	}
}

// healAll removes every cut and resets every server link's options; flaps
// end at their own time and clogs at their unclog.
func (w *world) healAll() {
	w.net.UncutAll()
	for a := 1; a <= w.o.hosts(); a++ {
		for b := 1; b <= w.o.hosts(); b++ {
			if a != b {
				_ = w.net.SetLink(a, b, w.linkOpts)
			}
		}
	}
}

// healLink removes the cuts between a and b in both directions; 0 is any
// node (clients included, so an isolated node is reachable again).
func (w *world) healLink(a, b int) {
	all := w.net.Nodes()
	for x := 1; x <= all; x++ {
		for y := 1; y <= all; y++ {
			if x != y && (a == 0 || x == a || y == a) && (b == 0 || x == b || y == b) {
				_ = w.net.Uncut(x, y)
			}
		}
	}
}

// setLinks changes the options of From->To (0: every server link).
func (w *world) setLinks(a faults.Action) {
	o := w.linkOpts
	o.Loss, o.Duplicate = a.Loss, a.Dup
	if a.LatencyMaxNs > 0 {
		o.LatencyMinNs, o.LatencyMaxNs = a.LatencyMinNs, a.LatencyMaxNs
	}
	for x := 1; x <= w.o.hosts(); x++ {
		for y := 1; y <= w.o.hosts(); y++ {
			if x != y && (a.From == 0 || a.From == x) && (a.To == 0 || a.To == y) {
				if err := w.net.SetLink(x, y, o); err != nil {
					panic(fmt.Sprintf("sim: link %d->%d: %v", x, y, err))
				}
			}
		}
	}
}
