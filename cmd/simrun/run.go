package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/sim"
)

// sweepConfig is one `simrun run`, parsed.
type sweepConfig struct {
	seeds    seedList
	opts     sim.Options
	schedule string // -schedule file, for replay lines
	jobs     int
	outDir   string
	saveDir  string // -save: add failing seeds to the regression corpus here
	json     bool
	verbose  bool
	checkDet bool // every seed twice
	// detSample: seeds at positions 0, N, 2N... run twice (0: none but -check-determinism)
	detSample int
	prof      *profileFlags
}

// seedResult is one finished seed. Heavy fields of res (history, trace) are
// dropped once artifacts are written, so the reorder window stays small.
type seedResult struct {
	idx         int
	seed        uint64
	res         *sim.Result
	err         error       // sim.Run refused the options: bad usage
	second      *sim.Result // a determinism re-run, when it differs
	divergence  string      // then: the first divergent trace line
	artifactDir string      // written for a failing seed with -out
	artifactErr error       // writing them failed
	stack       string      // a panic's stack, for -v
}

func (r seedResult) failed() bool {
	return r.err == nil && (r.res.Verdict != sim.Pass || r.second != nil)
}

func cmdRun(args []string, stdout, stderr io.Writer) (int, error) {
	cfg, err := parseRunFlags(args, stdout)
	if err != nil {
		return exitUsage, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hard := make(chan struct{})
	stop := notifyInterrupt(cancel, hard, stderr)
	defer stop()
	stopProf, err := cfg.prof.start()
	if err != nil {
		return exitUsage, err
	}
	code, err := runSweep(ctx, hard, cfg, stdout, stderr)
	if perr := stopProf(); perr != nil && err == nil {
		fmt.Fprintf(stderr, "simrun: %v\n", perr)
	}
	return code, err
}

func parseRunFlags(args []string, stdout io.Writer) (sweepConfig, error) {
	fs := newFlagSet("run")
	of := addOptionFlags(fs)
	seed := fs.String("seed", "", "one seed `N`")
	seedsSpec := fs.String("seeds", "", "seeds: N, A-B or a list such as 1,5,9-12 (the `spec`)")
	jobs := fs.Int("j", runtime.NumCPU(), "parallel workers; results are the same for every value")
	shardS := fs.String("shard", "", "keep every n-th seed from position i (0-based): `i/n`")
	shards := fs.Uint64("shards", 0, "shard `count` when the index comes from JOB_COMPLETION_INDEX")
	cfg := sweepConfig{prof: addProfileFlags(fs)}
	fs.StringVar(&cfg.outDir, "out", "", "write artifacts of failing seeds to `DIR`/seed-N")
	save := fs.Bool("save", false, "add every failing seed to the regression corpus (-save-dir)")
	fs.StringVar(&cfg.saveDir, "save-dir", filepath.Join("testdata", "regress"), "regression corpus `DIR` for -save")
	fs.BoolVar(&cfg.json, "json", false, "one JSON object per seed on stdout, then a summary object")
	fs.BoolVar(&cfg.verbose, "v", false, "report every seed with its options, not only failures")
	fs.BoolVar(&cfg.checkDet, "check-determinism", false, "run each seed twice; differing trace hash or verdict exits 5")
	fs.IntVar(&cfg.detSample, "determinism-sample", defaultDetSample,
		"run the seeds at every `N`-th position (the first included) twice, as -check-determinism does (0: none)")
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, "Usage: simrun run -seed N | -seeds SPEC [flags]\n\n")
		printFlags(stdout, fs)
		return cfg, err
	}
	if err != nil {
		return cfg, flagError("run", err)
	}
	if len(pos) > 0 {
		return cfg, usagef("run: unexpected argument %q (seeds go in -seed or -seeds)", pos[0])
	}
	spec, err := seedSpec(*seed, *seedsSpec)
	if err != nil {
		return cfg, err
	}
	set, err := parseSeeds(spec.value)
	if err != nil {
		return cfg, usagef("%s %q: %v", spec.flag, spec.value, err)
	}
	sh, err := resolveShard(*shardS, *shards, getenv)
	if err != nil {
		return cfg, usagef("%v", err)
	}
	if cfg.detSample < 0 || cfg.detSample > maxDetSample {
		return cfg, usagef("-determinism-sample %d: want 0 (none) to %d", cfg.detSample, maxDetSample)
	}
	if err := cfg.prof.validate(); err != nil {
		return cfg, err
	}
	if *jobs < 1 || *jobs > 4096 {
		return cfg, usagef("-j %d: want 1..4096 workers", *jobs)
	}
	cfg.seeds = listOf(set, sh)
	cfg.jobs = max(1, min(*jobs, cfg.seeds.Len()))
	if cfg.opts, err = of.options(); err != nil {
		return cfg, err
	}
	cfg.schedule = of.schedulePath
	if !*save {
		cfg.saveDir = ""
	}
	return cfg, nil
}

type specFlag struct{ flag, value string }

func seedSpec(seed, seeds string) (specFlag, error) {
	switch {
	case seed != "" && seeds != "":
		return specFlag{}, usagef("give -seed or -seeds, not both")
	case seed != "":
		if strings.ContainsAny(seed, ",-") {
			return specFlag{}, usagef("-seed %q: one seed; use -seeds for ranges and lists", seed)
		}
		return specFlag{"-seed", seed}, nil
	case seeds != "":
		return specFlag{"-seeds", seeds}, nil
	}
	return specFlag{}, usagef("run: which seeds? give -seed N or -seeds A-B")
}

// notifyInterrupt cancels on the first SIGINT/SIGTERM and closes hard on the
// second. The returned func stops listening.
func notifyInterrupt(cancel func(), hard chan struct{}, stderr io.Writer) func() {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		n := 0
		for {
			select {
			case <-sigs:
				n++
				if n == 1 {
					fmt.Fprintln(stderr, "\nsimrun: interrupted: no new seeds; finishing running ones (interrupt again to abandon them)")
					cancel()
					continue
				}
				close(hard)
				return
			case <-done:
				return
			}
		}
	}()
	return func() { signal.Stop(sigs); close(done) }
}

// runSweep runs the seeds on cfg.jobs workers and reports in seed order.
// Cancelling ctx stops new seeds; closing hard abandons running ones.
func runSweep(ctx context.Context, hard <-chan struct{}, cfg sweepConfig, stdout, stderr io.Writer) (int, error) {
	if cfg.seeds.Len() == 0 {
		return exitUsage, usagef("no seeds selected (the shard is empty)")
	}
	if err := cfg.opts.Draw(cfg.seeds.At(0)).Validate(); err != nil {
		return exitUsage, usagef("bad option: %v", err)
	}
	limitSweep(cfg.jobs)
	rep := newReporter(cfg, stdout, stderr)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var usageErr error
	emit := func(r seedResult) {
		if r.err != nil {
			if usageErr == nil {
				usageErr = usagef("seed %d: %v", r.seed, r.err)
				cancel()
			}
			return
		}
		if usageErr == nil {
			rep.result(r)
		}
	}
	interrupted := collect(ctx, hard, cfg, emit)
	if usageErr != nil {
		return exitUsage, usageErr
	}
	return rep.summary(interrupted), nil
}

// collect dispatches seeds in order to the workers and hands results to emit
// in seed order. It holds at most window results out of order. It returns
// true when seeds were left unrun.
func collect(ctx context.Context, hard <-chan struct{}, cfg sweepConfig, emit func(seedResult)) bool {
	window := make(chan struct{}, reorderWindow(cfg.jobs))
	jobs := make(chan int)
	results := make(chan seedResult, cfg.jobs)
	go func() {
		defer close(jobs)
		for i := range cfg.seeds.Len() {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			if ctx.Err() != nil {
				return
			}
			jobs <- i
		}
	}()
	var wg sync.WaitGroup
	for range cfg.jobs {
		wg.Go(func() {
			for i := range jobs {
				results <- runSeed(i, cfg.seeds.At(i), cfg)
			}
		})
	}
	go func() { wg.Wait(); close(results) }()
	pending := map[int]seedResult{}
	next := 0
	for {
		select {
		case r, ok := <-results:
			if !ok {
				return next < cfg.seeds.Len()
			}
			pending[r.idx] = r
			for {
				r, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				emit(r)
				next++
				<-window
			}
		case <-hard:
			flushPending(pending, emit)
			return true
		}
	}
}

// reorderWindow is how many results may wait out of order. A worker runs
// ahead of a slow seed by at most this many seeds, then idles: seed times
// are heavy-tailed (seed 852 of the swarm sweep takes 70 times the median),
// so the window is wide; a stripped result is about a kilobyte.
func reorderWindow(jobs int) int { return 256*jobs + 16 }

// flushPending emits finished results past a gap, in seed order.
func flushPending(pending map[int]seedResult, emit func(seedResult)) {
	idx := make([]int, 0, len(pending))
	for i := range pending {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	for _, i := range idx {
		emit(pending[i])
	}
}

// runSeed runs one seed (twice if sampled for determinism) and writes the
// artifacts of a failure.
func runSeed(idx int, seed uint64, cfg sweepConfig) seedResult {
	start := time.Now()
	out := seedResult{idx: idx, seed: seed}
	out.res, out.stack, out.err = safeRun(seed, cfg.opts)
	if out.err != nil {
		return out
	}
	if cfg.sampled(idx) {
		out.second, out.divergence = recheck(seed, cfg.opts, out.res)
	}
	if out.res.WallNs == 0 {
		out.res.WallNs = int64(time.Since(start)) // the sim did not measure it
	}
	if out.failed() && cfg.outDir != "" && out.stack == "" {
		out.artifactDir = filepath.Join(cfg.outDir, fmt.Sprintf("seed-%d", seed))
		out.artifactErr = sim.WriteArtifacts(out.artifactDir, out.res)
		if out.artifactErr != nil {
			out.artifactDir = ""
		}
	}
	if out.failed() && cfg.saveDir != "" && out.stack == "" {
		if _, err := sim.SaveRegression(cfg.saveDir, out.res, "found by simrun run"); err != nil && out.artifactErr == nil {
			out.artifactErr = err
		}
	}
	out.res = strip(out.res)
	return out
}

// simRun is sim.Run; tests swap in a fake to exercise the pool alone.
var simRun = sim.Run

// safeRun calls sim.Run, turning a panic (a broken invariant in the code
// under test) into a violation that names the seed, so a sweep goes on.
func safeRun(seed uint64, opts sim.Options) (res *sim.Result, stack string, err error) {
	defer func() {
		if p := recover(); p != nil {
			res = &sim.Result{
				Seed: seed, Verdict: sim.Violation, Check: "panic",
				Violation: firstLine(fmt.Sprint(p)), Options: opts.Draw(seed),
			}
			stack, err = string(debug.Stack()), nil
		}
	}()
	res, err = simRun(seed, opts)
	return res, "", err
}

// strip drops what only artifacts need.
func strip(r *sim.Result) *sim.Result {
	c := *r
	c.History, c.Trace, c.Annot, c.Schedule, c.Timeline = nil, nil, nil, faults.Schedule{}, sim.Timeline{}
	return &c
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
