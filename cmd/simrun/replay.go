package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/faultline-sim/faultline/sim"
)

// cmdReplay re-runs one seed with its trace kept: from an artifact directory
// or from -seed and option flags (flags given with a directory override it).
func cmdReplay(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("replay")
	of := addOptionFlags(fs)
	seedS := fs.String("seed", "", "the seed to replay (instead of an artifact directory)")
	traceFile := fs.String("trace", "", "write the trace to FILE instead of stdout")
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, "Usage: simrun replay DIR | -seed N [options] [-trace FILE]\n\n")
		printFlags(stdout, fs)
		return exitOK, err
	}
	if err != nil {
		return exitUsage, flagError("replay", err)
	}
	seed, opts, err := replayTarget(pos, *seedS, of)
	if err != nil {
		return exitUsage, err
	}
	opts.KeepTrace = true
	// Every run prints its seed and all the options it drew, first.
	drawn := opts.Draw(seed)
	if err := drawn.Validate(); err != nil {
		return exitUsage, usagef("bad option: %v", err)
	}
	fmt.Fprintf(stdout, "seed %d: options %s\n", seed, drawn)
	res, stack, err := safeRun(seed, opts)
	if err != nil {
		return exitUsage, usagef("seed %d: %v", seed, err)
	}
	if err := writeTrace(res.Trace, *traceFile, stdout); err != nil {
		return exitUsage, err
	}
	if stack != "" {
		fmt.Fprintf(stderr, "seed %d: panic stack:\n%s", seed, stack)
	}
	fmt.Fprintln(stdout, resultLine(res))
	return res.Verdict.ExitCode(), nil
}

// replayTarget resolves the seed and options: a directory, or -seed.
func replayTarget(pos []string, seedS string, of *optionFlags) (uint64, sim.Options, error) {
	switch {
	case len(pos) > 1:
		return 0, sim.Options{}, usagef("replay: one artifact directory, got %d arguments", len(pos))
	case len(pos) == 1 && seedS != "":
		return 0, sim.Options{}, usagef("replay: give an artifact directory or -seed, not both")
	case len(pos) == 0 && seedS == "":
		return 0, sim.Options{}, usagef("replay: give an artifact directory or -seed N")
	}
	if len(pos) == 1 {
		seed, base, err := loadArtifacts(pos[0])
		if err != nil {
			return 0, base, err
		}
		opts, err := overrideOptions(base, of)
		return seed, opts, err
	}
	seed, err := strconv.ParseUint(seedS, 10, 64)
	if err != nil {
		return 0, sim.Options{}, usagef("-seed %q: want one non-negative integer", seedS)
	}
	opts, err := of.options()
	return seed, opts, err
}

// loadArtifacts wraps sim.LoadArtifacts with a check that names the problem.
func loadArtifacts(dir string) (uint64, sim.Options, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return 0, sim.Options{}, usagef("artifact directory %q: %v", dir, errors.Unwrap(err))
	}
	if !fi.IsDir() {
		return 0, sim.Options{}, usagef("artifact directory %q: not a directory", dir)
	}
	seed, opts, err := sim.LoadArtifacts(dir)
	if err != nil {
		return 0, opts, usagef("%v", err) // names the directory and the file
	}
	return seed, opts, nil
}

// overrideOptions applies option flags given on the command line over base.
func overrideOptions(base sim.Options, of *optionFlags) (sim.Options, error) {
	over := addOptionFlags(newFlagSet("override"))
	over.o = base
	for _, kv := range of.given() {
		if err := over.fs.Set(kv[0], kv[1]); err != nil {
			return base, usagef("-%s %q: %v", kv[0], kv[1], err)
		}
	}
	return over.options()
}

func writeTrace(lines []string, file string, stdout io.Writer) (err error) {
	w := stdout
	if file != "" {
		f, err := os.Create(file)
		if err != nil {
			return usagef("-trace %q: %v", file, errors.Unwrap(err))
		}
		defer func() {
			if cerr := f.Close(); err == nil && cerr != nil {
				err = usagef("-trace %q: %v", file, cerr)
			}
		}()
		w = f
	}
	bw := bufio.NewWriter(w)
	for _, l := range lines {
		bw.WriteString(l)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// resultLine is the last line of a replay: verdict, check and the trace hash.
func resultLine(r *sim.Result) string {
	s := fmt.Sprintf("seed %d: %s trace=%s virtual=%s events=%d ops=%d/%d/%d",
		r.Seed, r.Verdict, r.TraceHash, fmtDur(r.VirtualNs), r.Events, r.Ops.OK, r.Ops.Fail, r.Ops.Unknown)
	if r.Check != "" {
		s += " check=" + r.Check
	}
	if r.Violation != "" {
		s += ": " + r.Violation
	}
	return s
}
