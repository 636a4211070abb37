package sim

import (
	"flag"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/faultline-sim/faultline/faults"
)

// scenario is one parsed testdata/scenarios/*.txt file; scenario_test.go
// describes the format.
type scenario struct {
	seed    uint64
	opts    Options // every option fixed; Schedule points at sched
	sched   faults.Schedule
	expects []scExpect
	// protocols the scenario runs on, in order ("protocols raft etcd"; by
	// default the -protocol option's, raft). The first one's observed block
	// is "observed", the others' "observed NAME".
	protocols []string
	seeds     map[string]uint64   // "seed NAME N": the seed of protocol NAME, if not seed
	golden    map[string][]string // each protocol's observed lines, without blanks and comments
	head      string              // the file up to the first observed block, kept by -update
}

// hasObs reports whether the file has an observed block for protocol p.
func (sc *scenario) hasObs(p string) bool { _, ok := sc.golden[p]; return ok }

// scExpect is one line of the expect block: "<metric> [<arg>] [<op>] <want>".
type scExpect struct {
	line   int
	text   string
	proto  string // the protocol it applies to ("expect NAME" block), "" for every one
	metric string
	argNs  int64 // the time argument of a windowed metric
	op     string
	want   string
}

// Sections of a scenario file, in the order they must appear.
const (
	secHeader = iota
	secSchedule
	secExpect
	secObserved
)

var sectionNames = map[string]int{"schedule": secSchedule, "expect": secExpect, "observed": secObserved}

// parseScenario reads a scenario file. Errors name the line.
func parseScenario(text string) (*scenario, error) {
	sc := &scenario{golden: map[string][]string{}, seeds: map[string]uint64{}}
	lines := strings.Split(text, "\n")
	schedLines := make([]string, len(lines)) // same numbering as the file
	sec, seenSeed := secHeader, false
	var optArgs []string
	proto, obsProto := "", "" // the protocol of the current expect and observed block
	for i, raw := range lines {
		body, _, _ := strings.Cut(raw, "#")
		f := strings.Fields(body)
		if len(f) == 0 {
			continue
		}
		if next, ok := sectionNames[f[0]]; ok && (len(f) == 1 || len(f) == 2 && next != secSchedule) {
			named := len(f) == 2 // "expect NAME", "observed NAME": that protocol's block
			if next < sec || next == sec && !named {
				return nil, fmt.Errorf("line %d: section %q out of order (want header, schedule, expect [NAME]..., observed [NAME]...)", i+1, f[0])
			}
			if next == secObserved && sec != secObserved {
				sc.head = strings.TrimRight(strings.Join(lines[:i], "\n"), "\n \t") + "\n\n"
			}
			sec, proto = next, ""
			if named {
				proto = f[1]
			}
			if sec == secObserved {
				obsProto = proto
				if _, dup := sc.golden[proto]; dup {
					return nil, fmt.Errorf("line %d: a second observed block for %q", i+1, proto)
				}
				sc.golden[proto] = nil
			}
			continue
		}
		var err error
		switch sec {
		case secHeader:
			switch {
			case f[0] == "options":
				optArgs = append(optArgs, f[1:]...)
			case f[0] == "protocols" && len(f) > 1 && sc.protocols == nil:
				sc.protocols = f[1:]
			case f[0] == "seed" && len(f) == 3: // "seed NAME N": protocol NAME's seed (whose elections fit the premises)
				var n uint64
				if n, err = strconv.ParseUint(f[2], 10, 64); err != nil {
					err = fmt.Errorf("seed %s: want an unsigned integer, got %q", f[1], f[2])
				}
				sc.seeds[f[1]] = n
			case f[0] == "seed" && len(f) == 2 && !seenSeed:
				seenSeed = true
				if sc.seed, err = strconv.ParseUint(f[1], 10, 64); err != nil {
					err = fmt.Errorf("seed: want an unsigned integer, got %q", f[1])
				}
			default:
				err = fmt.Errorf("want \"options -flag=value ...\", \"protocols NAME...\", one \"seed N\" or \"seed NAME N\" before the schedule, got %q", strings.TrimSpace(body))
			}
		case secSchedule:
			schedLines[i] = raw
		case secExpect:
			var e scExpect
			e, err = parseExpectation(f)
			e.line, e.proto = i+1, proto
			sc.expects = append(sc.expects, e)
		case secObserved:
			sc.golden[obsProto] = append(sc.golden[obsProto], strings.Join(f, " "))
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	if !seenSeed || sec < secExpect {
		return nil, fmt.Errorf("want a seed line, a schedule block and an expect block")
	}
	if len(sc.golden) == 0 {
		sc.head = strings.TrimRight(text, "\n \t") + "\n\n"
	}
	if err := sc.setOptions(optArgs); err != nil {
		return nil, err
	}
	if err := sc.setProtocols(); err != nil {
		return nil, err
	}
	s, err := faults.ParseText(strings.Join(schedLines, "\n"))
	if err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	if s.Nodes != sc.opts.hosts() || s.EndNs != sc.opts.DurationNs {
		return nil, fmt.Errorf("schedule: nodes %d and end %s must equal -nodes=%d and -duration=%s (nodes counts -spares too)",
			s.Nodes, fmtNs(s.EndNs), sc.opts.hosts(), fmtNs(sc.opts.DurationNs))
	}
	sc.sched = s
	sc.opts.Schedule = &sc.sched
	return sc, nil
}

// setOptions parses the options lines as simrun flags. Every option but
// -defect and -protocol (raft) must be given, so nothing is drawn from the seed.
func (sc *scenario) setOptions(args []string) error {
	fs := flag.NewFlagSet("options", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	RegisterFlags(fs, "", &sc.opts)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("options: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("options: unexpected argument %q (want -flag=value)", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var missing []string
	for _, f := range optionFlags {
		if !given[f.name] && f.name != "defect" && f.name != "protocol" {
			missing = append(missing, "-"+f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("options: set every option, missing %s", strings.Join(missing, " "))
	}
	sc.opts.Protocol = sc.opts.protocol() // a scenario without -protocol is our Raft's
	if drawn := sc.opts.Draw(sc.seed); !reflect.DeepEqual(drawn, sc.opts) {
		return fmt.Errorf("options: some option is still drawn from the seed: %s", drawn)
	}
	if err := sc.opts.Validate(); err != nil {
		return fmt.Errorf("options: %w", err)
	}
	return nil
}

// setProtocols checks the protocols line against the registry and the
// options, and names the first protocol's observed block by it.
func (sc *scenario) setProtocols() error {
	if sc.protocols == nil {
		sc.protocols = []string{sc.opts.Protocol}
	}
	for _, p := range sc.protocols {
		o := sc.opts
		o.Protocol = p
		if err := o.Validate(); err != nil {
			return fmt.Errorf("protocols: %s: %w", p, err)
		}
	}
	if g, ok := sc.golden[""]; ok {
		delete(sc.golden, "")
		sc.golden[sc.protocols[0]] = g
	}
	for p := range sc.golden {
		if !slices.Contains(sc.protocols, p) {
			return fmt.Errorf("observed %s: %q is not in the protocols line", p, p)
		}
	}
	for p := range sc.seeds {
		if !slices.Contains(sc.protocols, p) {
			return fmt.Errorf("seed %s: %q is not in the protocols line", p, p)
		}
	}
	return nil
}

// seedOf is protocol p's seed.
func (sc *scenario) seedOf(p string) uint64 {
	if n, ok := sc.seeds[p]; ok {
		return n
	}
	return sc.seed
}

var scOps = []string{"==", "!=", "<=", ">=", "<", ">"}

// parseExpectation reads "<metric> [<arg>] [<op>] <want>"; without an op the
// metric must equal want.
func parseExpectation(f []string) (scExpect, error) {
	e := scExpect{text: strings.Join(f, " "), op: "=="}
	switch len(f) {
	case 2:
		e.metric, e.want = f[0], f[1]
	case 3:
		e.metric, e.op, e.want = f[0], f[1], f[2]
	case 4:
		e.metric, e.op, e.want = f[0], f[2], f[3]
		d, err := time.ParseDuration(f[1])
		if err != nil || d < 0 {
			return e, fmt.Errorf("%s: want a time like 12s as its argument, got %q", f[0], f[1])
		}
		e.argNs = int64(d)
	default:
		return e, fmt.Errorf("want \"<metric> [<time>] <op> <value>\", got %q", e.text)
	}
	m, ok := scenarioMetrics[e.metric]
	if !ok {
		return e, fmt.Errorf("unknown metric %q (want one of %s)", e.metric, strings.Join(scMetricNames(), ", "))
	}
	if m.windowed != (len(f) == 4) {
		return e, fmt.Errorf("%s: %s", e.metric, m.usage())
	}
	if !slices.Contains(scOps, e.op) || (m.kind == scStr && e.op != "==" && e.op != "!=") {
		return e, fmt.Errorf("%s: operator %q does not apply (want %s)", e.metric, e.op, m.ops())
	}
	if _, err := m.parse(e.want); err != nil {
		return e, fmt.Errorf("%s: %w", e.metric, err)
	}
	return e, nil
}

// TestParseScenarioErrors: a bad scenario file is one clear error naming
// the line or the option, never a run with drawn options.
func TestParseScenarioErrors(t *testing.T) {
	const opts = "options -nodes=3 -duration=5s -tick=10ms -election-ticks=10 -heartbeat-ticks=1 " +
		"-prevote=on -checkquorum=on -clients=1 -keys=1 -request-gap=10ms -client-timeout=100ms " +
		"-latency-min=1ms -latency-max=2ms -fsync=1ms -max-entries=64 -max-inflight=64 -snapshot-entries=never -read-modes=log -intensity=1 -faults=none -spares=none -membership=joint -max-drift=100000 -max-ops=10\n"
	const sched = "schedule\nnodes 3\nquiet 4s\nend 5s\n1s crash n1\n2s restart n1\n"
	good := opts + "seed 1\n" + sched + "expect\nverdict pass\nleader-at 2s != none\n"
	sc, err := parseScenario(good)
	if err != nil {
		t.Fatalf("good file: %v", err)
	}
	if sc.hasObs("raft") || len(sc.expects) != 2 || sc.opts.Schedule == nil || len(sc.sched.Actions) != 2 {
		t.Fatalf("good file parsed wrong: %+v", sc)
	}
	for _, tc := range []struct{ text, want string }{
		{strings.Replace(good, " -max-ops=10", "", 1), "missing -max-ops"},
		{strings.Replace(good, "-nodes=3", "-nodes=x", 1), "nodes"},
		{strings.Replace(good, "nodes 3", "nodes 4", 1), "must equal -nodes=3"},
		{strings.Replace(good, "end 5s", "end 6s", 1), "must equal -nodes=3 and -duration=5s"},
		{strings.Replace(good, "seed 1", "seed -1", 1), "line 2: seed"},
		{strings.Replace(good, "1s crash n1", "1s crash n9", 1), "line 7: action 0"},
		{strings.Replace(good, "verdict pass", "votes >= 2", 1), "unknown metric \"votes\""},
		{strings.Replace(good, "verdict pass", "verdict >= pass", 1), "operator \">=\" does not apply"},
		{strings.Replace(good, "verdict pass", "elections 2s >= 1", 1), "no time argument"},
		{strings.Replace(good, "leader-at 2s != none", "leader-at != none", 1), "<time>"},
		{strings.Replace(good, "verdict pass", "leaderless <= soon", 1), "want a duration"},
		{opts + "seed 1\nexpect\nverdict pass\n" + sched, "out of order"},
		{opts + sched + "expect\nverdict pass\n", "want a seed line"},
	} {
		_, err := parseScenario(tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("want an error containing %q, got %v", tc.want, err)
		}
	}
}
