package study

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/faultline-sim/faultline/replica"
	"github.com/faultline-sim/faultline/sim"
)

// RunOptions are how to run a study, not what it is.
type RunOptions struct {
	Workers  int       // parallel runs; results do not depend on it
	OutDir   string    // failing runs' artifacts go to OutDir/failures
	Progress io.Writer // a line per finished point; nil for none
}

// PointResult is one point's runs and their statistics.
type PointResult struct {
	Point
	Runs    []runMetrics // by seed, 1..Seeds
	Stats   []stat       // in metricNames order
	NotPass int          // runs whose verdict was not pass (artifacts written)
}

// Outcome is a finished study.
type Outcome struct {
	Study     Study
	Points    []PointResult
	Skipped   []string // protocol/variant pairs the protocol cannot run, with why
	Failures  []string // artifact dirs of runs that did not pass
	Timelines []Drawn
}

// Drawn is one line's representative run, for the timeline plot.
type Drawn struct {
	Line   string
	Point  Point
	Seed   uint64
	Result *sim.Result
}

// Points expands the grid in a fixed order, after checking that every
// protocol is registered; skipped names pairs a protocol lacks the
// capabilities for.
func (s Study) Points() (pts []Point, skipped []string, err error) {
	if err := s.Validate(); err != nil {
		return nil, nil, err
	}
	for _, name := range s.Protocols {
		p := replica.Lookup(name)
		if p == nil {
			var have []string
			for _, q := range replica.Protocols() {
				have = append(have, q.Name())
			}
			return nil, nil, fmt.Errorf("study %s: protocol %q is not registered (registered: %s)", s.Name, name, strings.Join(have, ", "))
		}
		for _, v := range s.Variants {
			if why := lacks(p.Caps(), v); why != "" {
				skipped = append(skipped, name+" "+v.Name+": "+why)
				continue
			}
			for _, n := range s.Nodes {
				if s.Baseline {
					pts = append(pts, Point{Protocol: name, Variant: v, Nodes: n, Shape: none})
				}
				for _, sh := range s.Shapes {
					for _, pr := range s.Params {
						pts = append(pts, Point{Protocol: name, Variant: v, Nodes: n, Shape: sh, ParamNs: pr})
					}
				}
			}
		}
	}
	return pts, skipped, nil
}

func lacks(c replica.Caps, v Variant) string {
	switch {
	case v.PreVote == sim.On && !c.PreVote:
		return "no Pre-Vote"
	case v.CheckQuorum == sim.On && !c.CheckQuorum:
		return "no CheckQuorum"
	}
	return ""
}

// options are the run options of point p for seed.
func (s Study) options(p Point, seed uint64) sim.Options {
	w := s.Window
	g := Gen{Nodes: p.Nodes, W: w, ParamNs: p.ParamNs, Rng: prng.New(seed).Fork("study-shape")}
	acts := p.Shape.Gen(g)
	sort.SliceStable(acts, func(i, j int) bool { return acts[i].AtNs < acts[j].AtNs })
	sched := faults.Schedule{Nodes: p.Nodes, QuietAtNs: w.EndNs, EndNs: w.EndNs + w.TailNs, Actions: acts}
	o := s.Base
	o.Protocol, o.Nodes, o.PreVote, o.CheckQuorum = p.Protocol, p.Nodes, p.Variant.PreVote, p.Variant.CheckQuorum
	o.DurationNs, o.Schedule = sched.EndNs, &sched
	return o
}

// Run runs every point's seeds, then each line's representative seed again
// for its timeline. An error is a bad study or option, never a verdict.
func (s Study) Run(ro RunOptions) (*Outcome, error) {
	pts, skipped, err := s.Points()
	if err != nil {
		return nil, err
	}
	out := &Outcome{Study: s, Skipped: skipped}
	for _, p := range pts {
		out.Points = append(out.Points, PointResult{Point: p, Runs: make([]runMetrics, s.Seeds)})
	}
	if err := s.runAll(out, ro); err != nil {
		return nil, err
	}
	for i := range out.Points {
		pr := &out.Points[i]
		for m := range metricNames {
			xs := make([]float64, len(pr.Runs))
			for j, r := range pr.Runs {
				xs[j] = r.m[m]
				if m == 0 && r.verdict != sim.Pass {
					pr.NotPass++
				}
			}
			pr.Stats = append(pr.Stats, summarize(xs))
		}
	}
	slices.Sort(out.Failures)
	return out, s.drawTimelines(out)
}

// job is one run: point index and seed.
type job struct {
	pt   int
	seed uint64
}

// runAll runs the jobs on ro.Workers goroutines; each run is independent
// and writes only its own slot, so the results do not depend on the order.
func (s Study) runAll(out *Outcome, ro RunOptions) error {
	jobs := make(chan job)
	var mu sync.Mutex
	var firstErr error
	left := make([]int, len(out.Points)) // seeds still running per point
	for i := range left {
		left[i] = s.Seeds
	}
	var wg sync.WaitGroup
	for range max(ro.Workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				p := out.Points[j.pt].Point
				r, err := sim.Run(j.seed, s.options(p, j.seed))
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("study %s: %s seed %d: %w", s.Name, pointName(p), j.seed, err)
				}
				if err == nil {
					out.Points[j.pt].Runs[j.seed-1] = measure(r, s.Window)
					if r.Verdict != sim.Pass && ro.OutDir != "" {
						dir := filepath.Join(ro.OutDir, "failures", fmt.Sprintf("%s-seed-%d", pointName(p), j.seed))
						if werr := sim.WriteArtifacts(dir, r); werr == nil {
							out.Failures = append(out.Failures, dir+" ("+string(r.Verdict)+" "+r.Check+")")
						}
					}
				}
				if left[j.pt]--; left[j.pt] == 0 && ro.Progress != nil {
					fmt.Fprintf(ro.Progress, "study %s: %s done\n", s.Name, pointName(p))
				}
				mu.Unlock()
			}
		}()
	}
	for i := range out.Points {
		for seed := 1; seed <= s.Seeds; seed++ {
			jobs <- job{pt: i, seed: uint64(seed)}
		}
	}
	close(jobs)
	wg.Wait()
	return firstErr
}

// pointName is a file-safe name of p.
func pointName(p Point) string {
	return fmt.Sprintf("%s-%s-%s-n%d-%s", p.Shape.Name, p.Protocol, p.Variant.Name, p.Nodes, fmtParam(p.ParamNs))
}

// fmtParam writes a parameter in ms, as CSV and names use it.
func fmtParam(ns int64) string {
	return fmt.Sprintf("%gms", float64(ns)/1e6)
}

// drawTimelines reruns, for each line, the seed of the TimelinePick point
// whose availability is nearest that point's median (lowest seed on ties).
func (s Study) drawTimelines(out *Outcome) error {
	for _, pr := range out.Points {
		if pr.Shape.Name != s.Timeline.Shape || pr.ParamNs != s.Timeline.ParamNs {
			continue
		}
		av := make([]float64, len(pr.Runs))
		for i, r := range pr.Runs {
			av[i] = r.m[0]
		}
		sorted := slices.Clone(av)
		slices.Sort(sorted)
		med := sorted[(len(sorted)-1)/2]
		best := 0
		for i := range av {
			if abs(av[i]-med) < abs(av[best]-med) {
				best = i
			}
		}
		seed := uint64(best + 1)
		r, err := sim.Run(seed, s.options(pr.Point, seed))
		if err != nil {
			return err
		}
		out.Timelines = append(out.Timelines, Drawn{Line: pr.Line(len(s.Nodes)), Point: pr.Point, Seed: seed, Result: r})
	}
	return nil
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
