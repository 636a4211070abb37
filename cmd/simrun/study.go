package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/faultline-sim/faultline/study"
)

const studyUsage = `Usage: simrun study NAME -out DIR [-seeds N] [-j K] [-full] [-protocols a,b]

Runs a built-in study (protocols x option sets x fault shapes x a parameter
range x seeds) and writes DIR/results.csv, DIR/summary.txt and
DIR/report.html; the artifacts of any run that did not pass go to
DIR/failures. The same command gives a byte-identical results.csv, whatever
-j. Studies: %s.

`

// cmdStudy runs one study and writes its report.
func cmdStudy(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("study")
	out := fs.String("out", "", "directory for results.csv, summary.txt, report.html (required)")
	seeds := fs.Int("seeds", 0, "seeds per point (0: the study's own, 30 by default, 100 with -full)")
	jobs := fs.Int("j", 2, "parallel runs; results are the same for every value")
	full := fs.Bool("full", false, "the full size: more parameter values, option sets and seeds")
	protos := fs.String("protocols", "", "comma list of protocols to compare instead of the study's (simrun protocols)")
	quiet := fs.Bool("q", false, "no progress lines on stderr")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if err.Error() == "flag: help requested" {
			fmt.Fprintf(stdout, studyUsage, strings.Join(study.Names(), ", "))
			printFlags(stdout, fs)
		}
		return exitUsage, flagError("study", err)
	}
	if len(pos) != 1 {
		return exitUsage, usagef("study: want one study name (%s), got %d arguments", strings.Join(study.Names(), ", "), len(pos))
	}
	s, ok := study.Lookup(pos[0], *full)
	if !ok {
		return exitUsage, usagef("study: unknown study %q (want one of %s)", pos[0], strings.Join(study.Names(), ", "))
	}
	switch {
	case *out == "":
		return exitUsage, usagef("study: -out DIR is required")
	case *seeds < 0 || *jobs < 1 || *jobs > 256:
		return exitUsage, usagef("study: want -seeds >= 0 and -j in 1..256, got %d and %d", *seeds, *jobs)
	}
	if *seeds > 0 {
		s.Seeds = *seeds
	}
	if *protos != "" {
		s.Protocols = strings.Split(*protos, ",")
	}
	ro := study.RunOptions{Workers: *jobs, OutDir: *out}
	if !*quiet {
		ro.Progress = stderr
	}
	res, err := s.Run(ro)
	if err != nil {
		return exitUsage, usagef("%v", err)
	}
	if err := res.WriteAll(*out); err != nil {
		return exitUsage, usagef("study: writing %s: %v", *out, err)
	}
	fmt.Fprint(stdout, res.Summary())
	fmt.Fprintf(stdout, "\nwrote %s/results.csv, %s/summary.txt, %s/report.html\n", *out, *out, *out)
	if len(res.Failures) > 0 {
		return exitViolation, nil
	}
	return exitOK, nil
}
