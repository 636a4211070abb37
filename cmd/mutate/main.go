// Command mutate is mutation testing of the protocol cores driven by the
// default seed sweep: each mutant (internal/mutate) of a package's non-test
// files is built into the sim test binary through a go build overlay (the
// tree is never edited) and must make `go test ./sim -run
// '^TestSweepMutate$' -sim.mutate -sim.seeds=SEEDS -sim.protocol=P` (the
// default sweep of the package's own protocol, raft for raft/ and paxos
// for paxos/, seed after seed, stopping at the first failure) fail within the
// per-mutant budget. An adapter's package (replica/raftr, replica/paxosr,
// replica/etcdraft) is swept with its protocol, and with -sim.mutate-defects:
// every planted defect must still be found in the same seeds. It prints each
// mutant's fate, the kill rate and every survivor with file:line:col and
// the change. Survivors listed in the allow-list of equivalent mutants
// (one "ID # reason" a line) are not counted.
//
// Exit codes: 0 done, 1 the kill rate is below -min, 2 bad usage or a
// baseline sweep that fails without any mutant.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/faultline-sim/faultline/internal/mutate"
)

// baselineBudget bounds the sweep without mutants.
const baselineBudget = time.Hour

type config struct {
	pkgs, seeds, faults, equiv, out, rerun string
	files                                  *regexp.Regexp
	budget                                 time.Duration
	sample                                 int
	shard, shards                          int // run every shards-th mutant from shard (0/1: all)
	minRate                                float64
	dry, skipBase                          bool
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if err != flag.ErrHelp {
			fmt.Fprintln(stderr, "mutate:", err)
		}
		return 2
	}
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(stderr, "mutate:", err)
		return 2
	}
	all, ms, err := collect(root, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "mutate:", err)
		return 2
	}
	eqPath := cfg.equiv
	if !filepath.IsAbs(eqPath) {
		eqPath = filepath.Join(root, eqPath)
	}
	equiv, err := loadEquivalent(eqPath)
	if err != nil {
		fmt.Fprintln(stderr, "mutate:", err)
		return 2
	}
	var rep io.Writer = stdout
	if cfg.out != "" {
		f, err := os.Create(cfg.out)
		if err != nil {
			fmt.Fprintln(stderr, "mutate:", err)
			return 2
		}
		defer f.Close()
		rep = io.MultiWriter(stdout, f)
	}
	fmt.Fprintf(rep, "mutate: %d mutants of %s, sweep seeds %s\n", len(ms), cfg.pkgs, cfg.seeds)
	if cfg.faults != "" {
		fmt.Fprintf(rep, "faults: %s\n", cfg.faults)
	}
	for _, id := range staleEquivalent(all, equiv, cfg.pkgs) {
		fmt.Fprintf(rep, "stale equivalent %s: no such mutant (the code moved? review the allow-list)\n", id)
	}
	if cfg.dry {
		for _, m := range ms {
			fmt.Fprintf(rep, "mutant %s (%s)\n", m.ID(), m.Kind)
		}
		return 0
	}
	r := &runner{root: root, seeds: cfg.seeds, faults: cfg.faults, budget: baselineBudget}
	if cfg.skipBase {
		r.budget = cfg.budget
		fmt.Fprintf(rep, "baseline: skipped (-skip-baseline); budget %s per mutant\n", r.budget)
		s := r.all(ms, equiv, rep)
		s.print(rep, equiv)
		return s.exit(cfg.minRate)
	}
	st, d := r.baseline(ms)
	if st != survived {
		fmt.Fprintf(stderr, "%s\nmutate: the sweep does not pass (%s) without any mutant; fix that first\n", r.lastOut, st)
		return 2
	}
	r.budget = cfg.budget
	if r.budget == 0 {
		r.budget = 3*d + time.Minute
	}
	fmt.Fprintf(rep, "baseline: sweep passes without mutants in %s; budget %s per mutant\n", d.Round(time.Second), r.budget.Round(time.Second))
	s := r.all(ms, equiv, rep)
	s.print(rep, equiv)
	return s.exit(cfg.minRate)
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("mutate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	var files string
	fs.StringVar(&cfg.pkgs, "pkgs", "raft", "comma list of package `DIRS` to mutate (missing ones are skipped)")
	fs.StringVar(&cfg.seeds, "seeds", "1-200", "seeds of the sweep that must kill each mutant")
	fs.StringVar(&cfg.faults, "faults", "", "fault kinds of the sweep, as simrun's -faults (say disk-stall); empty: the default sweep's")
	fs.DurationVar(&cfg.budget, "budget", 0, "wall-clock budget per mutant (build and sweep), past it the mutant is 'timed out'; 0: three times the baseline sweep and a minute")
	fs.StringVar(&files, "files", "", "only files whose base name matches this `REGEXP`")
	fs.IntVar(&cfg.sample, "sample", 0, "run only N mutants, evenly spaced over the list (0: all)")
	shard := fs.String("shard", "0/1", "run every N-th mutant from position I (`I/N`), after -sample")
	fs.StringVar(&cfg.equiv, "equivalent", "testdata/mutate/equivalent.txt", "allow-list of equivalent mutants (relative: to the module root)")
	fs.StringVar(&cfg.out, "o", "", "also write the report to `FILE`")
	fs.StringVar(&cfg.rerun, "rerun", "", "run only the survivors listed in this earlier report `FILE`")
	fs.Float64Var(&cfg.minRate, "min", 0, "exit 1 if the kill rate (percent) is below this")
	fs.BoolVar(&cfg.dry, "dry-run", false, "list the mutants, run nothing")
	fs.BoolVar(&cfg.skipBase, "skip-baseline", false, "do not sweep without mutants first (needs -budget)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	re, err := regexp.Compile(files)
	if err != nil {
		return cfg, fmt.Errorf("-files: %v", err)
	}
	cfg.files = re
	if _, err := fmt.Sscanf(*shard, "%d/%d", &cfg.shard, &cfg.shards); err != nil || cfg.shards < 1 || cfg.shard < 0 || cfg.shard >= cfg.shards {
		return cfg, fmt.Errorf("-shard: want I/N with 0 <= I < N, got %q", *shard)
	}
	if cfg.skipBase && cfg.budget == 0 {
		return cfg, fmt.Errorf("-skip-baseline needs a -budget")
	}
	if cfg.budget < 0 || cfg.sample < 0 {
		return cfg, fmt.Errorf("-budget and -sample must not be negative")
	}
	return cfg, nil
}

// collect finds the mutants of every package of cfg.pkgs, in file order
// (all), and those narrowed by -files, -rerun, -sample and -shard.
func collect(root string, cfg config) (all, ms []mutate.Mutant, err error) {
	for _, pkg := range strings.Split(cfg.pkgs, ",") {
		pkg = strings.TrimSpace(pkg)
		paths, err := filepath.Glob(filepath.Join(root, pkg, "*.go"))
		if err != nil || len(paths) == 0 {
			continue // a core that has not landed yet (paxos/)
		}
		for _, p := range paths {
			base := filepath.Base(p)
			file := filepath.ToSlash(filepath.Join(pkg, base))
			if _, skip := notMutated[file]; skip || strings.HasSuffix(base, "_test.go") {
				continue
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return nil, nil, err
			}
			if _, err := targetOf(file); err != nil {
				return nil, nil, err
			}
			found, err := mutate.Find(file, src)
			if err != nil {
				return nil, nil, err
			}
			all = append(all, found...)
			if cfg.files.MatchString(base) {
				ms = append(ms, found...)
			}
		}
	}
	if cfg.rerun != "" {
		keep, err := survivorsOf(cfg.rerun)
		if err != nil {
			return nil, nil, err
		}
		var out []mutate.Mutant
		for _, m := range ms {
			if keep[m.ID()] {
				out = append(out, m)
			}
		}
		ms = out
	}
	if cfg.sample > 0 && cfg.sample < len(ms) {
		out := make([]mutate.Mutant, cfg.sample)
		for i := range out {
			out[i] = ms[i*len(ms)/cfg.sample]
		}
		ms = out
	}
	var out []mutate.Mutant
	for i := cfg.shard; i < len(ms); i += cfg.shards {
		out = append(out, ms[i])
	}
	return all, out, nil
}

// staleEquivalent lists the allow-list's ids in the packages of pkgs (a
// comma list) that match no mutant, sorted.
func staleEquivalent(all []mutate.Mutant, equiv map[string]string, pkgs string) []string {
	have := map[string]bool{}
	for _, m := range all {
		have[m.ID()] = true
	}
	in := map[string]bool{}
	for _, p := range strings.Split(pkgs, ",") {
		in[filepath.ToSlash(filepath.Clean(strings.TrimSpace(p)))] = true
	}
	var out []string
	for id := range equiv {
		file, _, _ := strings.Cut(id, ":")
		if in[path.Dir(file)] && !have[id] {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// survivorsOf reads the survivors of a report, finished or not: its
// "survived ID" lines and progress lines.
func survivorsOf(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	keep := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "] "); strings.HasPrefix(line, "[") && i > 0 {
			line = line[i+2:] // a progress line: "[i/n] survived ID (time)"
		}
		if id, ok := strings.CutPrefix(line, "survived "); ok {
			keep[strings.TrimSpace(strings.SplitN(id, " (", 2)[0])] = true
		}
	}
	return keep, sc.Err()
}

// loadEquivalent reads the allow-list: "ID # reason" a line, # comments
// and blank lines skipped; an entry without a reason is an error.
func loadEquivalent(path string) (map[string]string, error) {
	out := map[string]string{}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, ok := strings.Cut(line, " # ")
		if !ok || strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("%s:%d: want \"file:line:col from->to # reason\"", path, i+1)
		}
		out[strings.TrimSpace(id)] = strings.TrimSpace(reason)
	}
	return out, nil
}

// moduleRoot is the directory of the main module's go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for range 64 {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", fmt.Errorf("no go.mod above the working directory")
}
