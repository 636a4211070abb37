package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/faultline-sim/faultline/sim"
)

// sweepStats accumulates over the finished seeds.
type sweepStats struct {
	seeds, pass, violation, inconclusive, liveness, nondet int
	virtualNs                                              int64
	events                                                 int64
	ops                                                    sim.OpCount
	codes                                                  map[int]bool
}

// seedLine is the JSON object of one seed (-json).
type seedLine struct {
	Seed      uint64       `json:"seed"`
	Verdict   sim.Verdict  `json:"verdict"`
	Check     string       `json:"check"`
	Violation string       `json:"violation"`
	TraceHash string       `json:"trace_hash"`
	VirtualMs int64        `json:"virtual_ms"`
	WallMs    int64        `json:"wall_ms"`
	Events    int          `json:"events"`
	Ops       sim.OpCount  `json:"ops"`
	Avail     sim.Avail    `json:"availability"` // elections, leaderless time, client latency
	Nondet    *nondetLine  `json:"nondeterminism,omitempty"`
	Options   *sim.Options `json:"options,omitempty"` // failing seeds, or all with -v
	Artifacts string       `json:"artifacts,omitempty"`
	Replay    string       `json:"replay,omitempty"` // failing seeds
}

// nondetLine is the second run of a seed that did not repeat itself.
type nondetLine struct {
	TraceHash       string      `json:"trace_hash"`
	Verdict         sim.Verdict `json:"verdict"`
	FirstDivergence string      `json:"first_divergence"`
}

// summaryLine is the last JSON object of a sweep.
type summaryLine struct {
	Summary        bool        `json:"summary"`
	Seeds          int         `json:"seeds"`
	Planned        int         `json:"planned"`
	Pass           int         `json:"pass"`
	Violation      int         `json:"violation"`
	Inconclusive   int         `json:"inconclusive"`
	Liveness       int         `json:"liveness"`
	Nondet         int         `json:"nondeterministic"`
	Interrupted    bool        `json:"interrupted"`
	WallMs         int64       `json:"wall_ms"`
	SeedsPerS      float64     `json:"seeds_per_s"`
	VirtualPerWall float64     `json:"virtual_per_wall"`
	Events         int64       `json:"events"`
	Ops            sim.OpCount `json:"ops"`
	ExitCode       int         `json:"exit_code"`
}

// reporter writes per-seed output in seed order, progress and the summary.
type reporter struct {
	cfg            sweepConfig
	stdout, stderr io.Writer
	st             sweepStats
	start          time.Time
	progress       bool // stderr is a terminal
	lastProgress   time.Time
	enc            *json.Encoder
}

func newReporter(cfg sweepConfig, stdout, stderr io.Writer) *reporter {
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	return &reporter{
		cfg: cfg, stdout: stdout, stderr: stderr,
		st:       sweepStats{codes: map[int]bool{}},
		start:    time.Now(),
		progress: !cfg.json && isTerminal(stderr),
		enc:      enc,
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *reporter) count(r seedResult) {
	st := &p.st
	st.seeds++
	st.virtualNs += r.res.VirtualNs
	st.events += int64(r.res.Events)
	st.ops.OK += r.res.Ops.OK
	st.ops.Fail += r.res.Ops.Fail
	st.ops.Unknown += r.res.Ops.Unknown
	switch r.res.Verdict {
	case sim.Pass:
		st.pass++
	case sim.Violation:
		st.violation++
	case sim.Inconclusive:
		st.inconclusive++
	case sim.Liveness:
		st.liveness++
	}
	st.codes[r.res.Verdict.ExitCode()] = true
	if r.second != nil {
		st.nondet++
		st.codes[exitNondet] = true
	}
}

// result reports one seed; calls come in seed order.
func (p *reporter) result(r seedResult) {
	p.count(r)
	show := r.failed() || p.cfg.verbose
	replay := ""
	if r.failed() {
		replay = replayLine(r.seed, p.cfg.opts, p.cfg.schedule, r.artifactDir)
	}
	if p.cfg.json {
		line := seedLine{
			Seed: r.seed, Verdict: r.res.Verdict, Check: r.res.Check, Violation: r.res.Violation,
			TraceHash: r.res.TraceHash, VirtualMs: r.res.VirtualNs / 1e6, WallMs: r.res.WallNs / 1e6,
			Events: r.res.Events, Ops: r.res.Ops, Avail: r.res.Avail, Artifacts: r.artifactDir, Replay: replay,
		}
		if show {
			line.Options = &r.res.Options
		}
		if r.second != nil {
			line.Nondet = &nondetLine{r.second.TraceHash, r.second.Verdict, r.divergence}
		}
		_ = p.enc.Encode(line) // a closed stdout ends the sweep's output, not the sweep
	} else if show {
		p.clearProgress()
		p.text(r, replay)
	}
	if r.artifactErr != nil {
		p.clearProgress()
		fmt.Fprintf(p.stderr, "simrun: seed %d: writing artifacts: %v\n", r.seed, r.artifactErr)
	}
	if pf := p.cfg.prof; pf != nil && pf.memEvery > 0 && p.st.seeds%pf.memEvery == 0 {
		p.clearProgress()
		memLine(p.stderr, p.st.seeds)
	}
	p.tick()
}

func (p *reporter) text(r seedResult, replay string) {
	res := r.res
	if !r.failed() {
		fmt.Fprintf(p.stdout, "seed %d: pass trace=%s virtual=%s wall=%s events=%d ops=%d/%d/%d\n",
			r.seed, res.TraceHash, fmtDur(res.VirtualNs), fmtDur(res.WallNs), res.Events, res.Ops.OK, res.Ops.Fail, res.Ops.Unknown)
		fmt.Fprintf(p.stdout, "seed %d: options %s\n", r.seed, res.Options)
		return
	}
	what := string(res.Verdict) // Violation names the check, time and nodes itself
	switch {
	case res.Violation != "":
		what += ": " + res.Violation
	case res.Check != "" && res.Check != what:
		what += " " + res.Check
	}
	if r.second != nil {
		what += fmt.Sprintf(" NONDETERMINISTIC: run 1 %s trace=%s, run 2 %s trace=%s; first divergence: %s",
			res.Verdict, res.TraceHash, r.second.Verdict, r.second.TraceHash, r.divergence)
	}
	fmt.Fprintf(p.stdout, "FAIL seed %d: %s\n", r.seed, what)
	fmt.Fprintf(p.stdout, "seed %d: options %s\n", r.seed, res.Options)
	if r.stack != "" && p.cfg.verbose {
		fmt.Fprintf(p.stdout, "seed %d: panic stack:\n%s", r.seed, r.stack)
	}
	fmt.Fprintf(p.stdout, "  replay: %s\n", replay)
}

// tick rewrites the progress line at most four times a second.
func (p *reporter) tick() {
	if !p.progress {
		return
	}
	now := time.Now()
	if now.Sub(p.lastProgress) < 250*time.Millisecond && p.st.seeds < p.cfg.seeds.Len() {
		return
	}
	p.lastProgress = now
	fails := p.st.seeds - p.st.pass + p.st.nondet
	fmt.Fprintf(p.stderr, "\r\033[K%d/%d seeds  %.1f seeds/s  %d failing",
		p.st.seeds, p.cfg.seeds.Len(), p.rate(now), fails)
}

func (p *reporter) clearProgress() {
	if p.progress && !p.lastProgress.IsZero() {
		fmt.Fprint(p.stderr, "\r\033[K")
	}
}

func (p *reporter) rate(now time.Time) float64 {
	s := now.Sub(p.start).Seconds()
	if s <= 0 {
		return 0
	}
	return float64(p.st.seeds) / s
}

// summary prints the table (or the JSON summary) and returns the exit code.
func (p *reporter) summary(interrupted bool) int {
	now := time.Now()
	p.clearProgress()
	st := &p.st
	if interrupted {
		st.codes[exitInterrupted] = true
	}
	code := worstExit(st.codes)
	wall := now.Sub(p.start)
	vpw := 0.0
	if wall > 0 {
		vpw = float64(st.virtualNs) / float64(wall)
	}
	if p.cfg.json {
		_ = p.enc.Encode(summaryLine{
			Summary: true, Seeds: st.seeds, Planned: p.cfg.seeds.Len(), Pass: st.pass, Violation: st.violation,
			Inconclusive: st.inconclusive, Liveness: st.liveness, Nondet: st.nondet, Interrupted: interrupted,
			WallMs: wall.Milliseconds(), SeedsPerS: round2(p.rate(now)), VirtualPerWall: round2(vpw),
			Events: st.events, Ops: st.ops, ExitCode: code,
		})
		return code
	}
	tw := tabwriter.NewWriter(p.stdout, 0, 0, 2, ' ', 0)
	seeds := fmt.Sprintf("%d", st.seeds)
	if interrupted {
		seeds = fmt.Sprintf("%d of %d (INTERRUPTED: the sweep did not finish)", st.seeds, p.cfg.seeds.Len())
	}
	fmt.Fprintf(tw, "seeds\t%s\n", seeds)
	fmt.Fprintf(tw, "pass\t%d\nviolation\t%d\ninconclusive\t%d\nliveness\t%d\n", st.pass, st.violation, st.inconclusive, st.liveness)
	if p.cfg.checkDet {
		fmt.Fprintf(tw, "nondeterministic\t%d\n", st.nondet)
	}
	fmt.Fprintf(tw, "seeds/s\t%.1f\t(wall %s, %d workers)\n", p.rate(now), wall.Round(time.Millisecond), p.cfg.jobs)
	fmt.Fprintf(tw, "virtual/wall\t%.1f\t(%s virtual)\n", vpw, fmtDur(st.virtualNs))
	fmt.Fprintf(tw, "events\t%d\n", st.events)
	fmt.Fprintf(tw, "ops\t%d\t(ok %d, fail %d, unknown %d)\n", st.ops.OK+st.ops.Fail+st.ops.Unknown, st.ops.OK, st.ops.Fail, st.ops.Unknown)
	fmt.Fprintf(tw, "exit\t%d\n", code)
	_ = tw.Flush()
	return code
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

// fmtDur prints nanoseconds as a Go duration rounded to the microsecond.
func fmtDur(ns int64) string {
	d := time.Duration(ns)
	if d >= time.Millisecond {
		d = d.Round(time.Microsecond)
	}
	return d.String()
}
