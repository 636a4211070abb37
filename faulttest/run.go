package faulttest

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/faultline-sim/faultline/sim"
)

// Run runs the sweep as subtests of t, one per seed. A failing seed fails
// its subtest with the violation, the shrunk schedule's size, the artifact
// directory and the go test line that replays it.
func (s Sweep) Run(t *testing.T) {
	t.Helper()
	if err := register(s.Protocol); err != nil {
		t.Fatal(err)
	}
	o, err := s.options()
	if err != nil {
		t.Fatal(err)
	}
	if *flagReplay != "" {
		s.replay(t, *flagReplay)
		return
	}
	seeds, err := s.seeds()
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range seeds {
		t.Run("seed="+strconv.FormatUint(seed, 10), func(t *testing.T) {
			if !s.Serial {
				t.Parallel()
			}
			r, err := sim.Run(seed, o)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err) // bad options: every seed would say so
			}
			if r.Verdict != sim.Pass {
				t.Fatal(s.failure(t, r))
			}
		})
	}
}

// replay runs an artifact directory written by a failing seed.
func (s Sweep) replay(t *testing.T, dir string) {
	seed, o, err := sim.LoadArtifacts(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := sim.Run(seed, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seed %d: %s, trace hash %s", seed, r.Verdict, r.TraceHash)
	if r.Verdict != sim.Pass {
		t.Fatalf("%s: %s", r.Check, r.Violation)
	}
}

// failure shrinks r, writes its artifacts and says how to replay it.
func (s Sweep) failure(t *testing.T, r *sim.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d: %s (%s): %s\noptions: %s\n", r.Seed, r.Verdict, r.Check, r.Violation, r.Options)
	fmt.Fprintf(&b, "replay:  %s\n", goTestLine(t, r))
	best := r
	if n := s.shrinkRuns(); n > 0 {
		if sr, err := sim.Shrink(r, n, nil); err == nil {
			best = sr
			fmt.Fprintf(&b, "shrunk:  %d fault actions -> %d\n", len(r.Schedule.Actions), len(sr.Schedule.Actions))
		}
	}
	dir := filepath.Join(s.artifactsDir(), s.Protocol.Name(), "seed-"+strconv.FormatUint(r.Seed, 10))
	if err := sim.WriteArtifacts(dir, best); err != nil {
		fmt.Fprintf(&b, "artifacts: %v\n", err)
		return b.String()
	}
	fmt.Fprintf(&b, "artifacts: %s (schedule.txt, history.jsonl, trace.txt, visualization.html)\n", dir)
	fmt.Fprintf(&b, "replay the shrunk run: go test -run '^%s$' . -faulttest.replay=%s\n", topName(t), dir)
	return b.String()
}

func (s Sweep) shrinkRuns() int {
	if s.ShrinkRuns == 0 {
		return 100
	}
	return s.ShrinkRuns
}

func (s Sweep) artifactsDir() string {
	if s.ArtifactsDir == "" {
		return filepath.Join("testdata", "faulttest")
	}
	return s.ArtifactsDir
}

// goTestLine is the command, run in the package under test, that replays r.
func goTestLine(t *testing.T, r *sim.Result) string {
	seed := strconv.FormatUint(r.Seed, 10)
	parts := append([]string{"go test -run '^" + topName(t) + "$/^seed=" + seed + "$' .", "-faulttest.seed=" + seed},
		r.Given.Flags("faulttest.")...)
	return strings.Join(parts, " ")
}

// topName is the name of the test that called Run (t is one of its seeds).
func topName(t *testing.T) string {
	name, _, _ := strings.Cut(t.Name(), "/")
	return name
}

// Report counts the verdicts of a sweep run by Check.
type Report struct {
	Passed, Failed int
	Failures       []*sim.Result // in seed order
}

// Check runs the sweep without a testing.T, one seed after another (for
// commands and examples). Bad options or seeds are an error.
func (s Sweep) Check() (Report, error) {
	var rep Report
	if err := register(s.Protocol); err != nil {
		return rep, err
	}
	o, err := s.options()
	if err != nil {
		return rep, err
	}
	seeds, err := s.seeds()
	if err != nil {
		return rep, err
	}
	for _, seed := range seeds {
		r, err := sim.Run(seed, o)
		if err != nil {
			return rep, fmt.Errorf("seed %d: %w", seed, err)
		}
		if r.Verdict == sim.Pass {
			rep.Passed++
		} else {
			rep.Failed++
			rep.Failures = append(rep.Failures, r)
		}
	}
	return rep, nil
}
