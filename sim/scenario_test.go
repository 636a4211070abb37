package sim

// Scripted scenarios: testdata/scenarios/*.txt, one subtest each.
//
//	go test ./sim -run TestScenarios -v          judge every scenario
//	go test ./sim -run TestScenarios/split -update   refresh observed blocks
//
// A scenario file is plain text; '#' starts a comment. In order:
//
//	options -nodes=5 -prevote=on ...  every simrun option flag but -defect,
//	                                  so nothing is drawn from the seed (several
//	                                  options lines are joined)
//	seed 7
//	schedule                          the fault schedule in faults' text form:
//	nodes 5                           nodes must equal -nodes, end -duration
//	quiet 10s
//	end 12s
//	2.000s partition {1,2} | {3,4,5}
//	expect                            one bound a line: <metric> [<time>] <op> <value>
//	verdict pass                      (no op means ==)
//	elections >= 2
//	leaderless <= 2s
//	leader-at 11s != none
//	observed                          written by -update, compared otherwise
//	...
//
// Metrics (scenarioMetrics has the list): verdict, check, elections,
// max-term, leaderless, ops-ok, ops-fail, ops-unknown come from the Result;
// max-leaders, lost-campaigns, leaders-after <time> and leader-at <time> are
// read from the trace (leaderships as their peers saw them: a node leads a
// term from the first to the last App/Heartbeat/Snap of that term delivered).
//
// The observed block pins the run: verdict, check, availability, operation
// counts, every leadership, the event count and the trace hash. The test
// fails if an scExpect does not hold or the observed block differs from
// the run; -update rewrites the observed block (everything above it is kept
// byte for byte) and still fails on a broken scExpect.

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const scenarioDir = "../testdata/scenarios"

func TestScenarios(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(scenarioDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no scenarios in %s", scenarioDir)
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runScenario(t, path)
		})
	}
}

func runScenario(t *testing.T, path string) {
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := parseScenario(string(text))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := sc.head
	try, _, _ := strings.Cut(os.Getenv("FAULTLINE_SCENARIO_SEED"), "=")
	for i, p := range sc.protocols {
		if try != "" && try != p {
			continue // finding a seed for protocol try only
		}
		got := runScenarioOn(t, path, sc, p)
		if i == 0 {
			out += "observed\n" + strings.Join(got, "\n") + "\n"
		} else {
			out += "\nobserved " + p + "\n" + strings.Join(got, "\n") + "\n"
		}
	}
	if *update && try == "" {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runScenarioOn runs sc on protocol p, checks the expectations for p and
// the observed block of p, and returns the observed lines.
func runScenarioOn(t *testing.T, path string, sc *scenario, p string) []string {
	o := sc.opts
	o.Protocol, o.KeepTrace = p, true
	seed := sc.seedOf(p)
	// FAULTLINE_SCENARIO_SEED=NAME=N runs protocol NAME alone, on seed N:
	// how a "seed NAME N" line is found whose elections fit the premises.
	if name, v, ok := strings.Cut(os.Getenv("FAULTLINE_SCENARIO_SEED"), "="); ok && name == p {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	r, err := Run(seed, o)
	if err != nil {
		t.Fatalf("%s: run on %s: %v", path, p, err)
	}
	ob, err := scObserve(r)
	if err != nil {
		t.Fatalf("%s: %s: %v", path, p, err)
	}
	got := ob.observedBlock()
	name := strings.TrimSuffix(filepath.Base(path), ".txt")
	replay := "replay: go test ./sim -run 'TestScenarios/" + name + "$' -v\n" +
		"simrun: " + r.ReplayCommand() + " -schedule=<a file with the schedule block of " + filepath.Base(path) + ">"
	for _, e := range sc.expects {
		if e.proto != "" && e.proto != p {
			continue
		}
		if err := ob.check(e); err != nil {
			t.Errorf("%s:%d: %s: %v\n%s", path, e.line, p, err, replay)
		}
	}
	if r.Verdict != Pass {
		t.Logf("%s: %s: verdict %s: %s\n%s", path, p, r.Verdict, r.Violation, replay)
	}
	if *update {
		return got
	}
	if !sc.hasObs(p) {
		t.Fatalf("%s: no observed block for %s; run go test ./sim -run 'TestScenarios/%s$' -update", path, p, name)
	}
	if want := sc.golden[p]; !slices.Equal(want, got) {
		t.Errorf("%s: %s: the run differs from the observed block (determinism pin); if the change is intended, "+
			"rerun with -update and review the diff\n%s", path, p, lineDiff(want, got))
	}
	return got
}

// lineDiff is a line diff of the observed block: "-" the file, "+" the run.
func lineDiff(want, got []string) string {
	// lcs[i][j] is the longest common subsequence of want[i:] and got[j:].
	lcs := make([][]int, len(want)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(got)+1)
	}
	for i := len(want) - 1; i >= 0; i-- {
		for j := len(got) - 1; j >= 0; j-- {
			if want[i] == got[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var b strings.Builder
	i, j := 0, 0
	for i < len(want) || j < len(got) {
		switch {
		case i < len(want) && j < len(got) && want[i] == got[j]:
			i, j = i+1, j+1
		case i < len(want) && (j == len(got) || lcs[i+1][j] >= lcs[i][j+1]):
			b.WriteString("  - " + want[i] + "\n")
			i++
		default:
			b.WriteString("  + " + got[j] + "\n")
			j++
		}
	}
	return b.String()
}

// TestSingleServerRaceDefect runs the single-server-race scenario with the
// planted defect: the same schedule that the safe core survives loses a
// committed entry (a leader of term 4 lacks it).
func TestSingleServerRaceDefect(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(scenarioDir, "single-server-race.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := parseScenario(string(text))
	if err != nil {
		t.Fatal(err)
	}
	o := sc.opts
	o.Defect = "single-server-unsafe"
	r, err := Run(sc.seed, o)
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != Violation || r.Check != "leader-completeness" {
		t.Fatalf("want a leader-completeness violation, got %s: %v", r.Verdict, r.Violation)
	}
	t.Logf("%s", r.Violation)
}
