package sim

import (
	"time"

	"github.com/faultline-sim/faultline/checker"
)

// result judges the finished run: safety first (the online invariants), then
// linearizability of the history, then liveness after the quiet phase.
func (w *world) result() *Result {
	tot := w.net.Totals()
	r := &Result{
		Seed: w.seed, Verdict: Pass, TraceHash: w.tr.HashString(), VirtualNs: w.now(),
		Events: int(w.loop.Events()), Options: w.o, Schedule: w.sched, History: w.history,
		Messages: Traffic{Sent: int(tot.Sent), Delivered: int(tot.Delivered),
			Dropped: int(tot.DroppedLoss + tot.DroppedPartition), Duplicated: int(tot.Duplicated)},
		Avail: w.avail(), Annot: w.annotations(),
	}
	for _, op := range w.history {
		switch op.Status {
		case checker.StatusOK:
			r.Ops.OK++
		case checker.StatusFail:
			r.Ops.Fail++
		default:
			r.Ops.Unknown++
		}
	}
	if w.tr.Keep {
		r.Trace = make([]string, w.tr.Len())
		for i := range r.Trace {
			r.Trace[i], _ = w.tr.Line(i)
		}
	}
	if v := w.inv.Violation(); v != nil {
		r.fail(Violation, v)
		return r
	}
	w.checkLinearizable(r)
	if r.Verdict == Pass {
		if v := w.live.Check(w.now()); v != nil {
			r.fail(Liveness, v)
		}
	}
	return r
}

func (r *Result) fail(verdict Verdict, v *checker.Violation) {
	r.Verdict, r.Check, r.AtNs = verdict, v.Check, v.AtNs
	r.Violation = v.Error()
}

func (w *world) checkLinearizable(r *Result) {
	ops := checker.Tighten(w.history, w.stats.fates)
	start := time.Now()
	lr := checker.CheckLinearizable(ops, linTimeout)
	r.CheckNs = time.Since(start).Nanoseconds()
	switch lr.Verdict {
	case checker.Illegal:
		r.fail(Violation, &checker.Violation{Check: "linearizability", AtNs: w.now(), Msg: lr.Msg})
	case checker.Inconclusive:
		r.fail(Inconclusive, &checker.Violation{Check: "linearizability", AtNs: w.now(), Msg: lr.Msg})
	}
}

// Liveness bounds, in base election timeouts (ElectionTicks * TickNs):
// after the quiet phase starts a leader of the highest term must exist within
// leaderBoundET, and every operation must finish within that plus two client
// timeouts and a redirect per node, from the later of its call and the quiet
// start. Tighter than checker.DeriveBounds, so short quiet phases are judged.
const leaderBoundET = 8

func (w *world) liveBounds() checker.LivenessBounds {
	et := int64(w.o.ElectionTicks) * w.o.TickNs
	leaderNs := leaderBoundET*et + 4*w.o.FsyncNs
	return checker.LivenessBounds{LeaderNs: leaderNs,
		OpNs: leaderNs + 2*w.o.ClientTimeoutNs + int64(w.o.Nodes)*redirectBackoffNs}
}
