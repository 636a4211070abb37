package sim

import (
	"fmt"
)

// Shrink reduces a failing run while the same check still fails: fewer
// fault episodes and shorter windows (faults.ShrinkCandidates), fewer
// clients, fewer operations, fewer nodes where the schedule allows. Greedy:
// the first smaller candidate that still fails is taken and the search
// starts again from it. At most budget runs; progress gets one line per step.
// The returned result's Replayable options reproduce it by themselves.
func Shrink(failing *Result, budget int, progress func(string)) (*Result, error) {
	if failing.Verdict == Pass {
		return nil, fmt.Errorf("seed %d passes: nothing to shrink", failing.Seed)
	}
	best := failing
	runs := 0
	for runs < budget {
		improved := false
		for _, c := range shrinkCandidates(best) {
			if runs >= budget {
				break
			}
			runs++
			r, err := Run(best.Seed, c.opts)
			if err != nil || r.Verdict == Pass || r.Check != failing.Check {
				continue
			}
			if progress != nil {
				progress(fmt.Sprintf("shrink: run %d: %s -> %s", runs, c.what, sizeOf(r)))
			}
			r.Given = best.Given
			best, improved = r, true
			break
		}
		if !improved {
			break
		}
	}
	return best, nil
}

type candidate struct {
	what string
	opts Options
}

// sizeOf describes how big a failing case is.
func sizeOf(r *Result) string {
	return fmt.Sprintf("%d actions, %d nodes, %d clients, %d ops", len(r.Schedule.Actions),
		r.Options.Nodes, r.Options.Clients, len(r.History))
}

// shrinkCandidates lists smaller variants of r, most aggressive first.
func shrinkCandidates(r *Result) []candidate {
	base := r.Replayable()
	var out []candidate
	for _, s := range r.Schedule.ShrinkCandidates() {
		o := base
		o.Schedule = &s
		out = append(out, candidate{fmt.Sprintf("schedule of %d actions", len(s.Actions)), o})
	}
	if n := len(r.History); n > 8 {
		o := base
		o.MaxOps = n / 2
		out = append(out, candidate{fmt.Sprintf("at most %d ops", n/2), o})
	}
	if base.Clients > 1 {
		o := base
		o.Clients = base.Clients - 1
		out = append(out, candidate{fmt.Sprintf("%d clients", o.Clients), o})
	}
	if o, ok := fewerNodes(base); ok {
		out = append(out, candidate{fmt.Sprintf("%d nodes", o.Nodes), o})
	}
	if o, ok := shorterRun(base, r); ok {
		out = append(out, candidate{"a run of " + fmtNs(o.DurationNs), o})
	}
	return out
}

// shorterRun ends the run one second after the later of its last fault and
// its failure, with the quiet phase starting there. Not for liveness
// failures, which are judged in the quiet phase as it was.
func shorterRun(o Options, r *Result) (Options, bool) {
	s := *o.Schedule
	if r.Verdict == Liveness {
		return o, false
	}
	last := r.AtNs
	if n := len(s.Actions); n > 0 {
		last = max(last, s.Actions[n-1].AtNs)
	}
	end := (last/sNs + 2) * sNs // whole seconds, at least one past last
	if end >= s.EndNs {
		return o, false
	}
	s.QuietAtNs, s.EndNs = max(min(s.QuietAtNs, end), last), end
	if s.Validate() != nil {
		return o, false
	}
	o.DurationNs, o.Schedule = end, &s
	return o, o.Validate() == nil
}

// fewerNodes drops the highest node when the schedule does not use it.
func fewerNodes(o Options) (Options, bool) {
	s := *o.Schedule
	if o.Nodes <= 1 {
		return o, false
	}
	for _, n := range s.UsesNodes() {
		if n == o.Nodes {
			return o, false
		}
	}
	s.Nodes = o.Nodes - 1
	if s.Validate() != nil {
		return o, false
	}
	o.Nodes = s.Nodes
	o.Schedule = &s
	return o, true
}
