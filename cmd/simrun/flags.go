package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/sim"
)

// optionFlags binds one flag per sim.Options field (sim.RegisterFlags: the
// same names go test takes as -sim.NAME) plus -schedule. A flag left unset
// leaves the field zero, so Run draws it from the seed.
type optionFlags struct {
	fs           *flag.FlagSet
	o            sim.Options
	schedulePath string
}

func addOptionFlags(fs *flag.FlagSet) *optionFlags {
	f := &optionFlags{fs: fs}
	sim.RegisterFlags(fs, "", &f.o)
	fs.StringVar(&f.schedulePath, "schedule", "", "fault schedule `file`, JSON or text form, instead of one drawn from the seed")
	return f
}

// options returns the fixed options, with the schedule loaded if one was named.
func (f *optionFlags) options() (sim.Options, error) {
	o := f.o
	if f.schedulePath != "" {
		s, err := loadSchedule(f.schedulePath)
		if err != nil {
			return o, err
		}
		o.Schedule = s
	}
	return o, nil
}

// given lists the option flags set on the command line as name, value
// pairs, in name order: what replay lines and overrides repeat.
func (f *optionFlags) given() [][2]string {
	var out [][2]string
	f.fs.Visit(func(fl *flag.Flag) {
		if isOptionFlag(fl.Name) {
			out = append(out, [2]string{fl.Name, fl.Value.String()})
		}
	})
	return out
}

// isOptionFlag tells the option flags from a command's own flags.
func isOptionFlag(name string) bool {
	probe := newFlagSet("probe")
	addOptionFlags(probe)
	return probe.Lookup(name) != nil
}

// newFlagSet returns a set that reports errors to the caller, not to stderr.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseInterspersed parses flags that may come before or after positional
// arguments ("replay DIR -trace f" and "replay -trace f DIR" both work).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > 0 && len(rest) == len(args) && rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// usageError is bad usage or input: one line on stderr, exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// flagError turns a flag package error into one line naming the command.
func flagError(cmd string, err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usagef("%s: %v (simrun %s -h lists the flags)", cmd, err, cmd)
}

// printFlags writes the flag set's defaults, for -h.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// shellQuote quotes s for a POSIX shell when it holds anything unusual.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./,=:+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// replayLine is the one line that replays a failing seed: the simrun command
// (the artifact directory when one was written, else the exact flags), then
// the equivalent go test command after a shell comment marker. fixed holds
// the options given on the command line (sim.Options.Flags renders them). A
// schedule file has no go test flag: that part then points at simrun.
func replayLine(seed uint64, fixed sim.Options, schedulePath, artifactDir string) string {
	var b strings.Builder
	b.WriteString("simrun replay ")
	if artifactDir != "" {
		b.WriteString(shellQuote(artifactDir))
	} else {
		b.WriteString("-seed " + strconv.FormatUint(seed, 10))
		for _, f := range fixed.Flags("") {
			b.WriteString(" " + shellQuote(f))
		}
		if schedulePath != "" {
			b.WriteString(" -schedule=" + shellQuote(schedulePath))
		}
	}
	if schedulePath != "" {
		return b.String() // go test cannot take the schedule file
	}
	fmt.Fprintf(&b, "   # or: go test ./sim -run %s -sim.seed=%d",
		shellQuote(fmt.Sprintf("TestSeeds/seed=%d$", seed)), seed)
	for _, f := range fixed.Flags("sim.") {
		b.WriteString(" " + shellQuote(f))
	}
	return b.String()
}

// loadSchedule reads a fault schedule, JSON or text form (schedule.json or
// schedule.txt of an artifact directory), and validates it.
func loadSchedule(path string) (*faults.Schedule, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("-schedule %q: %v", path, errors.Unwrap(err))
	}
	s, err := faults.Decode(b)
	if err != nil {
		return nil, usagef("-schedule %q: %v", path, err)
	}
	return &s, nil
}
