package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/faultline-sim/faultline/internal/mutate"
)

// status is a mutant's fate.
type status string

const (
	killed   status = "killed"    // the sweep failed
	survived status = "survived"  // the sweep passed
	timedOut status = "timed-out" // the budget ran out: a hang, or a slow machine (not counted, listed)
	noBuild  status = "no-build"  // the mutant does not compile (not counted)
)

type runner struct {
	root, seeds string
	faults      string // -sim.faults of the sweep; "": the default sweep's
	budget      time.Duration
	lastOut     string // the output of the last sweep, for a failing baseline
}

// target is the sweep that kills the mutants of a package: its protocol's
// default sweep (-sim.protocol; a core is only exercised through its own
// adapter), and for an adapter's host-side code the same seeds with each
// planted defect too (-sim.mutate-defects): its disk model and assertions
// cannot fault a correct protocol, but a mutant that weakens them loses a
// defect the testbed finds.
type target struct {
	protocol string
	defects  bool
}

var sweepTargets = map[string]target{"raft": {"raft", false}, "paxos": {"paxos", false},
	"replica/raftr": {"raft", true}, "replica/paxosr": {"paxos", true}, "replica/etcdraft": {"etcd", true}}

// notMutated are the files of those packages that no sweep of a mutant
// judges, with the reason.
var notMutated = map[string]string{
	"replica/raftr/defects.go":    catalogueOnly,
	"replica/paxosr/defects.go":   catalogueOnly,
	"replica/etcdraft/defects.go": catalogueOnly,
	"replica/paxosr/checker.go":   "Paxos's invariant checker: a mutant that loosens it stays silent on a correct protocol",
}

const catalogueOnly = "the adapter's catalogue of planted defects: it only names them and switches them on"

// targetOf is the sweep target of the package that holds file.
func targetOf(file string) (target, error) {
	pkg := path.Dir(file)
	if t, ok := sweepTargets[pkg]; ok {
		return t, nil
	}
	return target{}, fmt.Errorf("no sweep target for package %s (known: paxos, raft, replica/etcdraft, replica/paxosr, replica/raftr)", pkg)
}

// sweep runs the seed sweep of t with the overlay file (none: "") in budget.
func (r *runner) sweep(overlay string, t target) (status, time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), r.budget)
	defer cancel()
	args := []string{"test", "-count=1", "-timeout", (r.budget + time.Minute).String()}
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	args = append(args, "./sim", "-run", "^TestSweepMutate$", "-sim.mutate", "-sim.seeds="+r.seeds, "-sim.protocol="+t.protocol)
	if t.defects {
		args = append(args, "-sim.mutate-defects")
	}
	if r.faults != "" {
		args = append(args, "-sim.faults="+r.faults)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = r.root
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // the test binary dies with go test
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	r.lastOut = out.String()
	switch {
	case ctx.Err() != nil:
		return timedOut, d
	case err == nil && strings.Contains(out.String(), "ok "):
		return survived, d
	case err == nil:
		return noBuild, d // passed without running the sweep: never a survivor
	case strings.Contains(out.String(), "[build failed]") || strings.Contains(out.String(), "[setup failed]"):
		return noBuild, d
	}
	return killed, d
}

// baseline sweeps each target of ms without mutants (raft's if ms is
// empty); the longest sweep sets the budget.
func (r *runner) baseline(ms []mutate.Mutant) (status, time.Duration) {
	targets := []target{sweepTargets["raft"]}
	if len(ms) > 0 {
		targets = nil
	}
	for _, m := range ms {
		if t, _ := targetOf(m.File); !slices.Contains(targets, t) {
			targets = append(targets, t)
		}
	}
	var longest time.Duration
	for _, t := range targets {
		st, d := r.sweep("", t)
		if st != survived {
			return st, d
		}
		longest = max(longest, d)
	}
	return survived, longest
}

// one builds mutant m into an overlay in a temporary directory and sweeps.
func (r *runner) one(m mutate.Mutant) (status, time.Duration, error) {
	dir, err := os.MkdirTemp("", "mutate-")
	if err != nil {
		return "", 0, err
	}
	defer os.RemoveAll(dir)
	orig := filepath.Join(r.root, filepath.FromSlash(m.File))
	src, err := os.ReadFile(orig)
	if err != nil {
		return "", 0, err
	}
	mutated := filepath.Join(dir, filepath.Base(orig))
	if err := os.WriteFile(mutated, m.Apply(src), 0o644); err != nil {
		return "", 0, err
	}
	ov, err := json.Marshal(map[string]map[string]string{"Replace": {orig: mutated}})
	if err != nil {
		return "", 0, err
	}
	overlay := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlay, ov, 0o644); err != nil {
		return "", 0, err
	}
	t, err := targetOf(m.File)
	if err != nil {
		return "", 0, err
	}
	st, d := r.sweep(overlay, t)
	return st, d, nil
}

// summary counts the fates; survivors keeps the survivors' ids in order.
type summary struct {
	n         map[status]int
	equiv     int
	survivors []mutate.Mutant
	timedOut  []mutate.Mutant
	total     time.Duration
}

// all runs every mutant, printing one line each as it finishes.
func (r *runner) all(ms []mutate.Mutant, equiv map[string]string, w io.Writer) summary {
	s := summary{n: map[status]int{}}
	for i, m := range ms {
		st, d, err := r.one(m)
		if err != nil {
			fmt.Fprintf(w, "error %s: %v\n", m.ID(), err)
			continue
		}
		s.total += d
		if _, ok := equiv[m.ID()]; ok && st == survived {
			s.equiv++
			fmt.Fprintf(w, "[%d/%d] equivalent %s (%s)\n", i+1, len(ms), m.ID(), d.Round(time.Second))
			continue
		}
		s.n[st]++
		switch st {
		case survived:
			s.survivors = append(s.survivors, m)
		case timedOut:
			s.timedOut = append(s.timedOut, m)
		}
		fmt.Fprintf(w, "[%d/%d] %s %s (%s)\n", i+1, len(ms), st, m.ID(), d.Round(time.Second))
	}
	return s
}

// rate is the kill rate in percent over the non-equivalent mutants that
// compiled and finished in the budget: killed / (killed + survived). A
// timed-out mutant is neither (on a loaded machine a survivor may time
// out), so it is listed for a rerun with a larger budget.
func (s summary) rate() float64 {
	k := s.n[killed]
	if k+s.n[survived] == 0 {
		return 100
	}
	return 100 * float64(k) / float64(k+s.n[survived])
}

// exit is the command's exit code: 1 if the kill rate is below min.
func (s summary) exit(min float64) int {
	if s.rate() < min {
		return 1
	}
	return 0
}

func (s summary) print(w io.Writer, equiv map[string]string) {
	k := s.n[killed]
	fmt.Fprintf(w, "kill rate %.1f%% (%d of %d): killed %d, survived %d; timed out %d, equivalent %d (allow-list of %d), not compiled %d; wall %s\n",
		s.rate(), k, k+s.n[survived], k, s.n[survived], s.n[timedOut], s.equiv, len(equiv), s.n[noBuild], s.total.Round(time.Second))
	for _, m := range s.survivors {
		fmt.Fprintf(w, "survived %s (%s)\n", m.ID(), m.Kind)
	}
	for _, m := range s.timedOut {
		fmt.Fprintf(w, "timed-out %s (%s)\n", m.ID(), m.Kind)
	}
}
