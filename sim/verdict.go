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
		Avail: w.avail(), Annot: w.annotations(), Timeline: w.timeline(w.now()),
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
	if v := w.safety(); v != nil {
		r.fail(Violation, v)
		return r
	}
	w.checkLinearizable(r)
	if r.Verdict == Pass {
		if v := w.live.Check(w.now()); v != nil {
			if why := w.stuckConfig(); why != "" {
				c := *v
				c.Msg += "; " + why
				v = &c
			}
			r.fail(Liveness, v)
		} else if v := w.catchUpCheck(); v != nil {
			r.fail(Liveness, v)
		} else if v := w.solo.v; v != nil {
			r.fail(Liveness, v)
		} else if v := w.deaf; v != nil {
			r.fail(Liveness, v)
		} else if v := w.outbid; v != nil {
			r.fail(Liveness, v)
		} else if v := w.leaseUseCheck(); v != nil {
			r.fail(Liveness, v)
		}
	}
	return r
}

func (r *Result) fail(verdict Verdict, v *checker.Violation) {
	r.Verdict, r.Check, r.AtNs = verdict, v.Check, v.AtNs
	r.Violation = v.Error()
}

// checkLinearizable checks the tightened history whole: every get but the
// stale-mode ones (and every write) for linearizability, the stale-mode gets
// by the weaker stale-read rule, whose staleness the Result reports.
func (w *world) checkLinearizable(r *Result) {
	ops := checker.Tighten(w.history, w.stats.fates)
	start := time.Now()
	hr := checker.CheckHistory(ops, linTimeout)
	r.CheckNs = time.Since(start).Nanoseconds()
	r.Stale = hr.Stale
	lr := hr.Lin
	if lr.Verdict == checker.Illegal { // name the operation that cannot be placed (failing runs only)
		lr.Explain(checker.DefaultExplainBudget)
	}
	switch {
	case lr.Verdict == checker.Illegal:
		check, note := w.staleLeaseCheck(ops)
		r.fail(Violation, &checker.Violation{Check: check, AtNs: w.now(), Msg: note + lr.Msg})
	case hr.StaleViolation != nil:
		r.fail(Violation, hr.StaleViolation)
	case lr.Verdict == checker.Inconclusive:
		r.fail(Inconclusive, &checker.Violation{Check: "linearizability", AtNs: w.now(), Msg: lr.Msg})
	}
}

// liveBounds are the liveness bounds of checker.DeriveBounds: ten election
// rounds (the longest randomized timeout plus a vote round trip, fsyncs
// included) for a leader, and two client timeouts more for an operation.
// Raft's liveness is only probabilistic: without Pre-Vote a node with a stale
// log keeps deposing candidates (seen: 2 nodes, 13 lost elections in a row),
// so a tighter bound would report slowness that no fix can remove.
func (w *world) liveBounds() checker.LivenessBounds {
	b := checker.DeriveBounds(checker.Timeouts{TickNs: w.o.TickNs, ElectionTicks: w.o.ElectionTicks,
		HeartbeatTicks: w.o.HeartbeatTicks, MaxLatencyNs: w.o.LatencyMaxNs + w.o.FsyncNs,
		ClientRetryNs: w.o.ClientTimeoutNs})
	b.OpNs += int64(w.o.hosts()) * redirectBackoffNs
	return b
}
