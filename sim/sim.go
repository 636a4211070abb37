// Package sim is the world: a cluster of consensus replicas (any protocol
// behind package replica), clients and a simulated network on one virtual
// clock, driven by one seed through one event loop. Run(seed, opts) is a
// pure function of its arguments: same seed, same options, same binary give
// the same Result and trace hash. sim knows the replica contract, never a
// protocol.
//
// The rooms, by file:
//   - loop and run: world.go (the event loop, dispatch), run.go (building a
//     world, running it), verdict.go (judging it; stuck.go names a stuck
//     configuration), options.go, draw.go, flags.go;
//   - hosts and disk: host.go (a replica on its Store: persist, sync, send,
//     apply), snapshot.go, packet.go, defects.go (host-side defects);
//   - clients and workload: client.go, reads.go;
//   - faults: faultexec.go (the schedule's actions), runtime.go (the
//     run-time fault room and its face faultEnv, implemented in faultenv.go),
//     one file per run-time fault: faultleader.go, faultvoter.go,
//     faultnewleader.go, faultreplay.go, faultsplit.go, faultjoint.go,
//     faultleaderlink.go, faultremoval.go, faultwindow.go;
//   - membership operator: admin.go (requests, polls, retirement),
//     adminplan.go (the next change of a request);
//   - metrics and artifacts: metrics.go, timeline.go, annotate.go, artifacts.go,
//     regress.go, shrink.go.
package sim

import (
	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/faults"
)

// Verdict is the outcome of one run.
type Verdict string

const (
	Pass         Verdict = "pass"
	Violation    Verdict = "violation"    // a safety invariant or linearizability failed
	Inconclusive Verdict = "inconclusive" // the checker timed out: never a pass
	Liveness     Verdict = "liveness"     // the cluster did not recover after faults healed
)

// ExitCode maps a verdict to simrun's exit code.
func (v Verdict) ExitCode() int {
	switch v {
	case Pass:
		return 0
	case Violation:
		return 1
	case Inconclusive:
		return 3
	case Liveness:
		return 4
	}
	return 1
}

// Result is what one run reports. Fields after History are for artifacts.
type Result struct {
	Seed      uint64              `json:"seed"`
	Verdict   Verdict             `json:"verdict"`
	Check     string              `json:"check,omitempty"`     // which check failed, e.g. "election-safety"
	Violation string              `json:"violation,omitempty"` // why, with virtual time and nodes
	AtNs      int64               `json:"at_ns,omitempty"`     // virtual time of the failure
	TraceHash string              `json:"trace_hash"`          // 16 hex digits
	VirtualNs int64               `json:"virtual_ns"`
	WallNs    int64               `json:"wall_ns"`       // whole run, checking included
	CheckNs   int64               `json:"check_wall_ns"` // wall time of the linearizability check
	Events    int                 `json:"events"`
	Messages  Traffic             `json:"messages"`
	Ops       OpCount             `json:"ops"`
	Avail     Avail               `json:"availability"`
	Stale     checker.StaleReport `json:"stale_reads"` // staleness of the stale-mode gets
	Options   Options             `json:"options"`     // as drawn
	Given     Options             `json:"-"`           // as given: the fixed ones, which replays must repeat

	History  []checker.Operation  `json:"-"`
	Schedule faults.Schedule      `json:"-"`
	Trace    []string             `json:"-"` // kept only with Options.KeepTrace
	Annot    []checker.Annotation `json:"-"`
	Timeline Timeline             `json:"-"` // leaders and leader-link cuts over time
}

// Traffic counts network messages over the whole run.
type Traffic struct {
	Sent       int `json:"sent"`
	Delivered  int `json:"delivered"`
	Dropped    int `json:"dropped"`
	Duplicated int `json:"duplicated"`
}

// OpCount counts client operations by outcome.
type OpCount struct {
	OK      int `json:"ok"`
	Fail    int `json:"fail"`
	Unknown int `json:"unknown"`
}

// Avail holds availability metrics, all in virtual time.
type Avail struct {
	LeaderlessNs int64  `json:"leaderless_ns"` // time with no node leading
	Elections    int    `json:"elections"`     // leaders elected (one per term won)
	MaxTerm      uint64 `json:"max_term"`
	LatencyP50Ns int64  `json:"latency_p50_ns"`
	LatencyP90Ns int64  `json:"latency_p90_ns"`
	LatencyP99Ns int64  `json:"latency_p99_ns"`
}
