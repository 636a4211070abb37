package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/sim"
)

// optionFlags binds one flag per sim.Options field. A flag left unset (or
// set to 0) leaves the field zero, so Run draws it from the seed.
type optionFlags struct {
	fs           *flag.FlagSet
	o            sim.Options
	schedulePath string
	names        []string // option flag names, in definition order
}

func addOptionFlags(fs *flag.FlagSet) *optionFlags {
	f := &optionFlags{fs: fs}
	o := &f.o
	f.intVar(&o.Nodes, "nodes", "cluster size, 1..9")
	f.durVar(&o.DurationNs, "duration", "whole run in virtual time, e.g. 30s")
	f.durVar(&o.TickNs, "tick", "one Raft tick on a node's clock, e.g. 10ms")
	f.intVar(&o.ElectionTicks, "election-ticks", "election timeout in ticks (randomized in [ET, 2ET))")
	f.intVar(&o.HeartbeatTicks, "heartbeat-ticks", "heartbeat interval in ticks, below election-ticks")
	f.flagVar(&o.PreVote, "prevote", "pre-vote: `on|off|draw`")
	f.flagVar(&o.CheckQuorum, "checkquorum", "check-quorum: `on|off|draw`")
	f.intVar(&o.Clients, "clients", "concurrent clients, 1..64")
	f.intVar(&o.Keys, "keys", "distinct keys, 1..64")
	f.durVar(&o.RequestGapNs, "request-gap", "think time between a client's operations")
	f.durVar(&o.ClientTimeoutNs, "client-timeout", "client retries after this long")
	f.durVar(&o.LatencyMinNs, "latency-min", "minimum one-way network latency")
	f.durVar(&o.LatencyMaxNs, "latency-max", "maximum one-way network latency")
	f.durVar(&o.FsyncNs, "fsync", "disk sync latency")
	f.intVar(&o.Intensity, "intensity", "share of time in fault episodes, 1..100")
	f.strVar(&o.Faults, "faults", "fault `kinds`: all, none or a comma list (default all)")
	f.strVar(&o.Defect, "defect", "planted defect `name` (simrun defects lists them; default none)")
	f.fs.IntVar(&o.MaxOps, "max-ops", 0, "stop issuing client operations after this many (0: no limit)")
	f.names = append(f.names, "max-ops")
	f.strVar(&f.schedulePath, "schedule", "fault schedule `file`, JSON or text form, instead of one drawn from the seed")
	return f
}

func (f *optionFlags) intVar(p *int, name, usage string) {
	f.fs.IntVar(p, name, 0, usage+" (0: drawn from the seed)")
	f.names = append(f.names, name)
}

func (f *optionFlags) durVar(p *int64, name, usage string) {
	f.fs.Var(durNs{p}, name, usage+" (a Go `duration`; 0: drawn from the seed)")
	f.names = append(f.names, name)
}

func (f *optionFlags) flagVar(p *sim.Flag, name, usage string) {
	f.fs.TextVar(p, name, sim.Draw, usage)
	f.names = append(f.names, name)
}

func (f *optionFlags) strVar(p *string, name, usage string) {
	f.fs.StringVar(p, name, "", usage)
	f.names = append(f.names, name)
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

// set lists the option flags given on the command line as name=value pairs,
// in definition order: the options a replay line must repeat.
func (f *optionFlags) set() [][2]string {
	given := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	var out [][2]string
	for _, name := range f.names {
		if given[name] {
			out = append(out, [2]string{name, f.fs.Lookup(name).Value.String()})
		}
	}
	return out
}

// durNs is a flag holding virtual nanoseconds, written as a Go duration.
type durNs struct{ p *int64 }

func (d durNs) String() string {
	if d.p == nil {
		return "0s"
	}
	return time.Duration(*d.p).String()
}

func (d durNs) Set(s string) error {
	if s == "0" {
		*d.p = 0
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("want a Go duration such as 30s or 10ms, got %q", s)
	}
	*d.p = int64(v)
	return nil
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
// the equivalent go test command after a shell comment marker.
func replayLine(seed uint64, set [][2]string, artifactDir string) string {
	var b strings.Builder
	b.WriteString("simrun replay ")
	if artifactDir != "" {
		b.WriteString(shellQuote(artifactDir))
	} else {
		b.WriteString("-seed " + strconv.FormatUint(seed, 10))
		for _, kv := range set {
			b.WriteString(" -" + kv[0] + "=" + shellQuote(kv[1]))
		}
	}
	fmt.Fprintf(&b, "   # or: go test ./sim -run %s -sim.seed=%d",
		shellQuote(fmt.Sprintf("TestSeeds/seed=%d$", seed)), seed)
	for _, kv := range set {
		b.WriteString(" -sim." + kv[0] + "=" + shellQuote(kv[1]))
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
