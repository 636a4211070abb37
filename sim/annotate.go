package sim

import (
	"fmt"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/faults"
)

// annotations marks, for the visualization, every node's leadership of
// each term and every fault window of the schedule.
func (w *world) annotations() []checker.Annotation {
	var out []checker.Annotation
	for _, s := range w.stats.spans {
		end := s.endNs
		if end < 0 {
			end = w.now()
		}
		out = append(out, checker.Annotation{Node: s.node, Label: fmt.Sprintf("leader t%d", s.term),
			StartNs: s.startNs, EndNs: end, Description: fmt.Sprintf("node %d leads term %d", s.node, s.term)})
	}
	acts := w.sched.Actions
	for i, a := range acts {
		if isEnd(a) {
			continue
		}
		end := faultEnd(acts, i)
		if end < 0 {
			end = a.AtNs - 1 // a point: a step with no window
		}
		out = append(out, checker.Annotation{Label: string(a.Kind), StartNs: a.AtNs, EndNs: end, Description: a.String()})
	}
	return out
}

// isEnd reports actions that only close a window opened earlier.
func isEnd(a faults.Action) bool {
	switch a.Kind {
	case faults.Heal, faults.HealLink, faults.Restart, faults.Resume, faults.Unclog:
		return true
	}
	return false
}

// faultEnd is when the window opened by acts[i] closes; -1 for a point.
func faultEnd(acts []faults.Action, i int) int64 {
	a := acts[i]
	if a.UntilNs > 0 {
		return a.UntilNs
	}
	closes := func(b faults.Action) bool {
		switch a.Kind {
		case faults.Crash:
			return b.Kind == faults.Restart && b.Node == a.Node
		case faults.Pause:
			return b.Kind == faults.Resume && b.Node == a.Node
		case faults.Clog:
			return b.Kind == faults.Unclog && b.From == a.From && b.To == a.To
		case faults.Partition, faults.OneWay, faults.Cut, faults.Isolate:
			return b.Kind == faults.Heal || b.Kind == faults.HealLink
		}
		return false
	}
	for _, b := range acts[i+1:] {
		if closes(b) {
			return b.AtNs
		}
	}
	return -1
}
