package sim

import (
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/clock"
	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/faultline-sim/faultline/replica"
	"github.com/faultline-sim/faultline/simnet"
)

// linTimeout bounds the linearizability check of one run (wall time); past
// it the verdict is Inconclusive, never a pass.
const linTimeout = 20 * time.Second

// Run simulates one seed. Options are drawn (Options.Draw) and validated
// first; a bad option or schedule is an error, never a panic.
func Run(seed uint64, o Options) (*Result, error) {
	start := time.Now() // wall time is reported, never used by the simulation
	given := o
	given.Schedule, given.KeepTrace = nil, false
	o = o.Draw(seed)
	if err := o.Validate(); err != nil {
		return nil, err
	}
	w, err := newWorld(seed, o)
	if err != nil {
		return nil, err
	}
	if v := w.run(); v != nil {
		r := w.result()
		r.fail(Violation, v)
		r.Given, r.WallNs = given, time.Since(start).Nanoseconds()
		return r, nil
	}
	r := w.result()
	r.Given = given
	r.WallNs = time.Since(start).Nanoseconds()
	return r, nil
}

func newWorld(seed uint64, o Options) (*world, error) {
	root := prng.New(seed)
	w := &world{o: o, seed: seed, rng: root, faultRng: root.Fork("faults-runtime")}
	w.proto = replica.Lookup(o.protocol())
	if w.proto == nil {
		return nil, fmt.Errorf("protocol: unknown protocol %q (simrun protocols lists them)", o.Protocol)
	}
	w.caps = w.proto.Caps()
	modes, _ := parseReadModes(o.ReadModes) // validated by Options.Validate
	w.leaseReads = slices.Contains(modes, checker.ModeLease)
	w.defects = defectsOf(o.Defect)
	w.tr.Keep = o.KeepTrace
	sched, err := w.buildSchedule(root)
	if err != nil {
		return nil, err
	}
	w.sched = sched
	w.lease.beyondDrift = maxDriftPPM(sched) > int64(o.MaxDriftPPM)
	w.rt = newRuntimeFaults(w, len(sched.Actions))
	w.linkOpts = simnet.LinkOptions{LatencyMinNs: o.LatencyMinNs, LatencyMaxNs: o.LatencyMaxNs, Tail: prng.R(1, 20)}
	w.net, err = simnet.New[packet](o.hosts()+o.Clients, simnet.Options{Link: w.linkOpts}, root.Fork("simnet"))
	if err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	w.loop = clock.NewLoop[event](queueCapacity)
	w.inv = checker.NewInvariants(o.hosts())
	if !w.caps.LogChecks {
		w.inv.ProtocolNeutral()
	}
	if cp, ok := w.proto.(replica.CheckedProtocol); ok {
		w.pcheck = cp.NewChecker(o.hosts())
	}
	w.live = checker.NewLiveness(w.liveBounds())
	for i := 1; i <= o.Nodes; i++ {
		w.peers = append(w.peers, uint64(i))
	}
	w.hosts = make([]*host, o.hosts()+1)
	for i := 1; i <= o.hosts(); i++ {
		w.hosts[i] = &host{w: w, id: i, store: w.proto.NewStore(), heard: make([]uint64, len(w.hosts))}
		w.hosts[i].boot()
	}
	w.initOperator()
	for c := range o.Clients {
		w.clients = append(w.clients, newClient(w, c))
	}
	w.scheduleFaults()
	return w, nil
}

// buildSchedule takes the explicit schedule, or draws one from the seed.
func (w *world) buildSchedule(root *prng.Rand) (faults.Schedule, error) {
	o := w.o
	if o.Schedule != nil {
		s := *o.Schedule
		voters := s.Voters
		if voters == 0 {
			voters = s.Nodes
		}
		if s.Nodes != o.hosts() || voters != o.Nodes || s.EndNs != o.DurationNs {
			return s, fmt.Errorf("schedule: it is for %d hosts (%d voters) and %s, the run has %d hosts (%d voters) and %s",
				s.Nodes, voters, fmtNs(s.EndNs), o.hosts(), o.Nodes, fmtNs(o.DurationNs))
		}
		if err := s.Validate(); err != nil {
			return s, fmt.Errorf("schedule: %w", err)
		}
		return s, nil
	}
	kinds, _ := parseFaultKinds(o.Faults)
	kinds = slices.DeleteFunc(kinds, func(k faults.Kind) bool { return !w.faultApplies(k) })
	g := faults.GenOptions{Nodes: o.hosts(), Voters: o.Nodes, DurationNs: o.DurationNs,
		ElectionTimeoutNs: int64(o.ElectionTicks) * o.TickNs, Intensity: o.Intensity, Kinds: kinds,
		MaxDriftPPM: int64(o.MaxDriftPPM), LeaseReads: w.leaseReads}
	if len(kinds) == 0 {
		g.Intensity = 0
	}
	if err := g.Validate(); err != nil {
		return faults.Schedule{}, fmt.Errorf("faults: %w", err)
	}
	return faults.Generate(root.Fork("schedule"), g), nil
}

// run drives the loop to the end of the schedule. A panic on the simulation
// path (a Raft invariant assertion, or a simulator bug) ends the run as a
// violation that names it, so it is reported, replayed and shrunk like any.
func (w *world) run() (v *checker.Violation) {
	defer func() {
		if p := recover(); p != nil {
			if os.Getenv("FAULTLINE_STACK") != "" { // debugging the simulator: where it panicked
				fmt.Fprintf(os.Stderr, "seed %d: panic: %v\n%s", w.seed, p, debug.Stack())
			}
			core := w.proto.Name() + ":" // the protocol's core asserting its own invariant
			if iv := w.safety(); iv != nil && strings.HasPrefix(fmt.Sprint(p), core) {
				v = iv // the checker saw the broken rule before a node tripped on it
				return
			}
			check := "simulator-panic"
			if msg := fmt.Sprint(p); strings.HasPrefix(msg, core) {
				check = w.proto.Name() + "-assertion"
			}
			v = &checker.Violation{Check: check, AtNs: w.now(), Msg: fmt.Sprint(p)}
		}
	}()
	// The run goes on past the schedule's end until every liveness deadline
	// of the quiet phase can be judged; in chunks of events, so that it stops
	// soon after the first safety violation.
	endNs := w.endNs()
	for budget := maxEvents; ; budget -= eventChunk {
		if budget <= 0 {
			panic(fmt.Sprintf("sim: seed %d used the whole budget of %d events before %s", w.seed, maxEvents, fmtNs(endNs)))
		}
		if w.loop.Run(endNs, min(budget, eventChunk), w.handle) != clock.StopBudget || w.safety() != nil {
			break
		}
	}
	w.leaderTick(endNs)
	return nil
}

// endNs is when the run ends: the schedule's end, or later if the quiet
// phase is shorter than the liveness bounds.
func (w *world) endNs() int64 {
	return max(w.sched.EndNs, w.sched.QuietAtNs+w.liveBounds().OpNs+1)
}

// protocolFaults are the run-time fault kinds a protocol must declare
// (Caps.Faults); the others need only a leader, crashes and the network.
var protocolFaults = []faults.Kind{faults.CrashVoter, faults.CrashNewLeader, faults.ReplayLeader, faults.ConfigSplit, faults.JointSplit, faults.LeaderRemoval}

// faultApplies reports whether the run's protocol supports fault kind k.
func (w *world) faultApplies(k faults.Kind) bool {
	return !slices.Contains(protocolFaults, k) || w.caps.HasFault(string(k))
}

// checkerLog converts a replica's log entries for the log checks.
// safety is the first safety violation: the neutral invariants', else the
// protocol's own checker's.
func (w *world) safety() *checker.Violation {
	if v := w.inv.Violation(); v != nil || w.pcheck == nil {
		return v
	}
	pv := w.pcheck.Violation()
	if pv == nil {
		return nil
	}
	v := &checker.Violation{Check: pv.Check, AtNs: pv.AtNs, Msg: pv.Msg}
	for _, n := range pv.Nodes {
		v.Nodes = append(v.Nodes, int(n))
	}
	return v
}

// committedLog is the log mirror of a protocol without log checks.
func committedLog(es []replica.Entry) []checker.LogEntry {
	out := make([]checker.LogEntry, len(es))
	for i, e := range es {
		out[i] = checker.LogEntry{Index: e.Index, Term: e.Epoch, Hash: e.Hash}
	}
	return out
}

func checkerLog(es []replica.LogEntry) []checker.LogEntry {
	out := make([]checker.LogEntry, len(es))
	for i, e := range es {
		out[i] = checker.LogEntry{Index: e.Index, Term: e.Epoch, Hash: e.Hash}
	}
	return out
}

// parseFaultKinds reads "all", "none" or a comma list of episode kinds, in
// which "all" stands for every kind.
func parseFaultKinds(s string) ([]faults.Kind, error) {
	all := slices.Clone(faults.EpisodeKinds) // callers may edit it
	switch s {
	case "all", "":
		return all, nil
	case "none":
		return nil, nil
	}
	var out []faults.Kind
	for _, name := range strings.Split(s, ",") {
		k := faults.Kind(strings.TrimSpace(name))
		if k == "all" {
			out = append(out, all...)
			continue
		}
		if !slices.Contains(faults.EpisodeKinds, k) {
			return nil, fmt.Errorf("unknown fault kind %q (want all, none, or a list of %s)", name, kindList())
		}
		out = append(out, k)
	}
	return out, nil
}

func kindList() string {
	names := make([]string, len(faults.EpisodeKinds))
	for i, k := range faults.EpisodeKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ",")
}
