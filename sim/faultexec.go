package sim

import (
	"fmt"

	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/replica"
)

// scheduleFaults puts every action of the schedule on the queue.
func (w *world) scheduleFaults() {
	for i, a := range w.sched.Actions {
		w.push(a.AtNs, event{kind: evFault, idx: i})
		if a.Kind == faults.IsolateLeader || a.Kind == faults.CrashLeader || a.Kind == faults.PartitionLeader || a.Kind == faults.PauseLeader ||
			a.Kind == faults.CrashVoter || a.Kind == faults.CrashNewLeader || a.Kind == faults.ReplayLeader || a.Kind == faults.ConfigSplit ||
			a.Kind == faults.LeaderLink {
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
		if h := w.hosts[a.Node]; h.up {
			h.pause()
		}
	case faults.Resume:
		if h := w.hosts[a.Node]; h.up && h.paused {
			h.resume()
		}
	case faults.Skew:
		h := w.hosts[a.Node]
		h.clk.SetOffset(w.now(), a.OffsetNs)
		h.clockChanged()
	case faults.Drift:
		h := w.hosts[a.Node]
		h.clk.SetDriftPPM(w.now(), a.DriftPPM)
		h.clockChanged()
	case faults.CrashVoter:
		w.voter.untilNs = a.UntilNs
	case faults.CrashNewLeader:
		w.newLeader.untilNs = a.UntilNs
	case faults.ReplayLeader:
		w.startReplay(a.AtNs, a.UntilNs)
	case faults.ConfigSplit:
		w.startSplit(a.UntilNs)
	case faults.LeaderLink:
		w.leaderLinkStart(i, a.From, a.To)
	case faults.IsolateLeader, faults.CrashLeader, faults.PartitionLeader, faults.PauseLeader:
		n := w.currentLeader()
		w.leaderOf[i] = n
		w.tr.Begin(w.now(), n, "resolve").Int("leader", int64(n)).End()
		if n == 0 {
			return
		}
		switch a.Kind {
		case faults.CrashLeader:
			w.crash(n, false)
		case faults.IsolateLeader:
			_ = w.net.Isolate(n)
		case faults.PauseLeader:
			w.partitionLeader(n, 0)
			w.hosts[n].pause()
			w.push(a.AtNs+(a.UntilNs-a.AtNs)*2/3, event{kind: evLeaderResume, node: n})
		default:
			w.partitionLeader(n, a.DriftPPM)
		}
	default:
		panic(fmt.Sprintf("sim: action %d: unknown kind %q", i, a.Kind))
	}
}

// endLeaderFault ends the window of a *-leader action: heal or restart.
func (w *world) endLeaderFault(i int) {
	a := w.sched.Actions[i]
	switch a.Kind {
	case faults.CrashVoter:
		w.endWindow(&w.voter.crashWindow)
		return
	case faults.CrashNewLeader:
		w.endWindow(&w.newLeader.crashWindow)
		return
	case faults.ReplayLeader:
		w.endReplay()
		return
	case faults.ConfigSplit:
		w.endSplit()
		return
	case faults.LeaderLink:
		w.leaderLinkEnd(i)
		return
	}
	n := w.leaderOf[i]
	w.tr.Begin(w.now(), n, "fault-end").Str("kind", string(a.Kind)).End()
	if n == 0 {
		return
	}
	if a.Kind == faults.CrashLeader {
		w.restart(n)
		return
	}
	w.healLink(n, 0)
	if a.Kind == faults.PartitionLeader && a.DriftPPM != 0 {
		w.setDrifts(0, 0, 0)
	}
}

// partitionLeader cuts leader n off from the other servers (clients still
// reach it) and, if ppm != 0, sets its clock's drift to ppm and every
// other one's to -ppm.
func (w *world) partitionLeader(n int, ppm int64) {
	for m := 1; m <= w.o.hosts(); m++ {
		if m != n {
			_ = w.net.CutBoth(n, m)
		}
	}
	if ppm != 0 {
		w.setDrifts(n, ppm, -ppm)
	}
}

// setDrifts sets node n's clock drift to ppm and every other's to others.
func (w *world) setDrifts(n int, ppm, others int64) {
	for _, h := range w.hosts[1:] {
		d := others
		if h.id == n {
			d = ppm
		}
		h.clk.SetDriftPPM(w.now(), d)
		h.clockChanged()
	}
}

func (w *world) crash(n int, torn bool) {
	if h := w.hosts[n]; h.up {
		h.crash(torn)
	}
}

func (w *world) restart(n int) {
	if h := w.hosts[n]; !h.up && !w.op.retired[n] {
		h.restart()
	}
}

// currentLeader is the highest-term leader that is up and running; 0 if none.
func (w *world) currentLeader() int {
	best, term := 0, uint64(0)
	for _, h := range w.hosts[1:] {
		if h.up && !h.paused && h.role == replica.Leader {
			if t := h.node.Status().Epoch; t > term {
				best, term = h.id, t
			}
		}
	}
	return best
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
