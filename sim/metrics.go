package sim

import (
	"slices"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/kv"
	"github.com/faultline-sim/faultline/replica"
)

// stats accumulates a run's counts and availability, in virtual time.
type stats struct {
	opsIssued    int
	faults       int
	latencies    []int64 // virtual ns from call to return, ok operations
	elections    int
	maxTerm      uint64
	leading      int   // hosts that currently believe they lead
	leaderlessNs int64 // total time with leading == 0
	since        int64 // start of the current leaderless stretch
	spans        []leaderSpan
	fates        map[checker.OpKey]checker.Fate
	fatesUpTo    uint64 // highest index whose fate is recorded
}

// leaderSpan is one node's leadership of one term; endNs -1 while it lasts.
type leaderSpan struct {
	node           int
	term           uint64
	startNs, endNs int64
}

func (w *world) leaderElected(node int, term uint64) {
	s := &w.stats
	s.elections++
	s.maxTerm = max(s.maxTerm, term)
	if s.leading == 0 {
		s.leaderlessNs += w.now() - s.since
	}
	s.leading++
	s.spans = append(s.spans, leaderSpan{node: node, term: term, startNs: w.now(), endNs: -1})
	if len(w.op.active) > 0 {
		w.push(w.now(), event{kind: evOperator, gen: 1}) // a new leader's first chance to change membership
	}
}

func (w *world) leaderLost(node int) {
	s := &w.stats
	s.leading--
	if s.leading == 0 {
		s.since = w.now()
	}
	for i := len(s.spans) - 1; i >= 0; i-- {
		if s.spans[i].node == node && s.spans[i].endNs < 0 {
			s.spans[i].endNs = w.now()
			break
		}
	}
}

// leaderTick closes the leaderless account at the end of the run.
func (w *world) leaderTick(endNs int64) {
	if w.stats.leading == 0 {
		w.stats.leaderlessNs += endNs - w.stats.since
		w.stats.since = endNs
	}
}

// applied records the first time any replica applied a client's request:
// the linearizability checker may use it to pin unknown operations.
func (w *world) applied(e *replica.Entry, res kv.Result) {
	if e.Index <= w.stats.fatesUpTo {
		return // applied before: state machine safety (checked) makes it the same entry
	}
	w.stats.fatesUpTo = e.Index
	op, err := kv.Decode(e.Data)
	if err != nil || op.Seq == 0 {
		return
	}
	key := checker.OpKey{Client: int(op.Client), Seq: op.Seq}
	if w.stats.fates == nil {
		w.stats.fates = map[checker.OpKey]checker.Fate{}
	}
	if _, seen := w.stats.fates[key]; seen || res.Stale {
		return
	}
	out := outputOf(op.Kind, &response{result: res})
	w.stats.fates[key] = checker.Fate{Applied: true, Output: out, AppliedAtNs: w.now()}
}

// percentile returns the p-th percentile (0..100) of sorted xs, 0 if empty.
func percentile(sorted []int64, p int) int64 {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted) - 1) * p / 100
	return sorted[i]
}

func (w *world) avail() Avail {
	lat := slices.Clone(w.stats.latencies)
	slices.Sort(lat)
	return Avail{
		LeaderlessNs: w.stats.leaderlessNs, Elections: w.stats.elections, MaxTerm: w.stats.maxTerm,
		LatencyP50Ns: percentile(lat, 50), LatencyP90Ns: percentile(lat, 90), LatencyP99Ns: percentile(lat, 99),
	}
}
