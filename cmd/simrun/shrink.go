package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/faultline-sim/faultline/sim"
)

// cmdShrink loads a failing artifact directory, confirms it still fails,
// shrinks it and writes the smallest failing case as a new directory.
func cmdShrink(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("shrink")
	budget := fs.Int("budget", 500, "at most this many simulation runs while shrinking")
	out := fs.String("out", "", "directory for the shrunk case (default DIR-shrunk)")
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, "Usage: simrun shrink DIR [-budget N] [-out DIR2]\n\n")
		printFlags(stdout, fs)
		return exitOK, err
	}
	if err != nil {
		return exitUsage, flagError("shrink", err)
	}
	if len(pos) != 1 {
		return exitUsage, usagef("shrink: want one artifact directory, got %d arguments", len(pos))
	}
	if *budget < 1 || *budget > 1_000_000 {
		return exitUsage, usagef("-budget %d: want 1..1000000 runs", *budget)
	}
	dir := filepath.Clean(pos[0])
	if *out == "" {
		*out = dir + "-shrunk"
	}
	seed, opts, err := loadArtifacts(dir)
	if err != nil {
		return exitUsage, err
	}
	fmt.Fprintf(stdout, "seed %d: options %s\n", seed, opts.Draw(seed))
	before, _, err := safeRun(seed, opts)
	if err != nil {
		return exitUsage, usagef("seed %d: %v", seed, err)
	}
	if before.Verdict == sim.Pass {
		return exitUsage, usagef("%s: seed %d passes on replay (trace %s): nothing to shrink", dir, seed, before.TraceHash)
	}
	fmt.Fprintf(stdout, "before: %s\n  %s\n", size(before), resultLine(before))
	after, err := sim.Shrink(before, *budget, func(line string) { fmt.Fprintln(stderr, line) })
	if err != nil {
		return exitUsage, usagef("shrink %s: %v", dir, err)
	}
	if err := sim.WriteArtifacts(*out, after); err != nil {
		return exitUsage, usagef("writing %s: %v", *out, err)
	}
	fmt.Fprintf(stdout, "after:  %s\n  %s\n", size(after), resultLine(after))
	fmt.Fprintf(stdout, "wrote %s\n  replay: simrun replay %s\n", *out, shellQuote(*out))
	return after.Verdict.ExitCode(), nil
}

// size names what shrinking reduces.
func size(r *sim.Result) string {
	o := r.Options
	return fmt.Sprintf("%d fault actions, nodes=%d clients=%d ops=%d duration=%s events=%d",
		len(r.Schedule.Actions), o.Nodes, o.Clients, len(r.History), fmtDur(o.DurationNs), r.Events)
}
