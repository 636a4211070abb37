package sim

import (
	"flag"
	"fmt"
	"strings"
	"time"
)

// optionFlags binds every swarm option to a flag; zero means "draw from the
// seed". simrun registers them as -nodes..., go test as -sim.nodes....
type optionFlag struct {
	name, usage string
	get         func(o *Options) string // "" when the option is not fixed
	set         func(o *Options, s string) error
}

func intFlag(name, usage string, p func(o *Options) *int) optionFlag {
	return optionFlag{name, usage,
		func(o *Options) string { return nonzero(fmt.Sprint(*p(o)), *p(o) != 0) },
		func(o *Options, s string) error {
			var v int
			if _, err := fmt.Sscan(s, &v); err != nil || fmt.Sprint(v) != strings.TrimSpace(s) {
				return fmt.Errorf("want a whole number, got %q", s)
			}
			*p(o) = v
			return nil
		}}
}

func durFlag(name, usage string, p func(o *Options) *int64) optionFlag {
	return optionFlag{name, usage,
		func(o *Options) string { return nonzero(time.Duration(*p(o)).String(), *p(o) != 0) },
		func(o *Options, s string) error {
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				return fmt.Errorf("want a positive duration like 30s or 10ms, got %q", s)
			}
			*p(o) = int64(d)
			return nil
		}}
}

func boolFlag(name, usage string, p func(o *Options) *Flag) optionFlag {
	return optionFlag{name, usage,
		func(o *Options) string { return nonzero(p(o).String(), *p(o) != Draw) },
		func(o *Options, s string) error {
			f, err := ParseFlag(s)
			*p(o) = f
			return err
		}}
}

func strFlag(name, usage string, p func(o *Options) *string) optionFlag {
	return optionFlag{name, usage,
		func(o *Options) string { return *p(o) },
		func(o *Options, s string) error { *p(o) = s; return nil }}
}

func nonzero(s string, ok bool) string {
	if ok {
		return s
	}
	return ""
}

var optionFlags = []optionFlag{
	{"protocol", "consensus protocol under test (simrun protocols lists them)",
		func(o *Options) string { return o.protocol() }, // always: a replay line names its protocol
		func(o *Options, s string) error { o.Protocol = s; return nil }},
	intFlag("nodes", "cluster size, 1..9", func(o *Options) *int { return &o.Nodes }),
	durFlag("duration", "virtual run length, quiet phase included", func(o *Options) *int64 { return &o.DurationNs }),
	durFlag("tick", "virtual length of one Raft tick", func(o *Options) *int64 { return &o.TickNs }),
	intFlag("election-ticks", "election timeout in ticks", func(o *Options) *int { return &o.ElectionTicks }),
	intFlag("heartbeat-ticks", "heartbeat interval in ticks", func(o *Options) *int { return &o.HeartbeatTicks }),
	boolFlag("prevote", "Pre-Vote: on, off or draw", func(o *Options) *Flag { return &o.PreVote }),
	boolFlag("checkquorum", "CheckQuorum and leader stickiness: on, off or draw", func(o *Options) *Flag { return &o.CheckQuorum }),
	intFlag("clients", "concurrent clients, 1..64", func(o *Options) *int { return &o.Clients }),
	intFlag("keys", "keys the clients use, 1..64", func(o *Options) *int { return &o.Keys }),
	durFlag("request-gap", "longest think time between a client's operations", func(o *Options) *int64 { return &o.RequestGapNs }),
	durFlag("client-timeout", "client retry timeout", func(o *Options) *int64 { return &o.ClientTimeoutNs }),
	durFlag("latency-min", "shortest one-way network latency", func(o *Options) *int64 { return &o.LatencyMinNs }),
	durFlag("latency-max", "longest one-way network latency (tail)", func(o *Options) *int64 { return &o.LatencyMaxNs }),
	durFlag("fsync", "disk sync latency", func(o *Options) *int64 { return &o.FsyncNs }),
	intFlag("max-entries", "entries per AppendEntries message, 1..1024", func(o *Options) *int { return &o.MaxEntries }),
	intFlag("max-inflight", "AppendEntries messages in flight per follower, 1..1024", func(o *Options) *int { return &o.MaxInflight }),
	intFlag("intensity", "fault intensity, 1..100", func(o *Options) *int { return &o.Intensity }),
	strFlag("faults", "fault kinds: all, none, or a comma list (may name all)", func(o *Options) *string { return &o.Faults }),
	strFlag("defect", "planted defect to switch on (simrun defects lists them)", func(o *Options) *string { return &o.Defect }),
	snapshotFlag,
	strFlag("read-modes", "read modes clients mix, a comma list of log, consistent, lease, stale", func(o *Options) *string { return &o.ReadModes }),
	sparesFlag,
	strFlag("membership", "how the operator changes voters: joint or single", func(o *Options) *string { return &o.Membership }),
	intFlag("max-drift", "clock drift bound in ppm, 1..200000: generated drift stays within it, the lease margin assumes it", func(o *Options) *int { return &o.MaxDriftPPM }),
	intFlag("max-ops", "stop issuing client operations after this many (0: no limit)", func(o *Options) *int { return &o.MaxOps }),
}

// flagValue adapts one option flag to flag.Value.
type flagValue struct {
	f optionFlag
	o *Options
}

func (v flagValue) String() string {
	if v.o == nil {
		return ""
	}
	return v.f.get(v.o)
}
func (v flagValue) Set(s string) error { return v.f.set(v.o, s) }

// RegisterFlags binds every option of o to a flag of fs named prefix+name
// (e.g. "-nodes", or "-sim.nodes" with prefix "sim.").
func RegisterFlags(fs *flag.FlagSet, prefix string, o *Options) {
	for _, f := range optionFlags {
		fs.Var(flagValue{f, o}, prefix+f.name, f.usage+" (default: drawn from the seed)")
	}
}

// Flags renders the fixed (non-drawn) options of o as command-line flags.
func (o Options) Flags(prefix string) []string {
	var out []string
	for _, f := range optionFlags {
		if v := f.get(&o); v != "" {
			out = append(out, "-"+prefix+f.name+"="+v)
		}
	}
	return out
}

// sparesFlag is spares: a count of hosts outside the initial configuration, or none (also 0).
var sparesFlag = countFlag("spares", "hosts outside the initial configuration that membership requests add (1..8), or none",
	"none", func(o *Options) *int { return &o.Spares })

// snapshotFlag is snapshot-entries: a positive count, or never.
var snapshotFlag = countFlag("snapshot-entries", "compact the log past this many entries after the last snapshot, or never",
	"never", func(o *Options) *int { return &o.SnapshotEntries })

// countFlag is an option that is a positive count, or word for -1 (0 is "drawn").
func countFlag(name, usage, word string, p func(*Options) *int) optionFlag {
	return optionFlag{name, usage,
		func(o *Options) string { return nonzero(countString(*p(o), word), *p(o) != 0) },
		func(o *Options, s string) error {
			if t := strings.TrimSpace(s); t == word || (t == "0" && word == "none") {
				*p(o) = -1
				return nil
			}
			var v int
			if _, err := fmt.Sscan(s, &v); err != nil || fmt.Sprint(v) != strings.TrimSpace(s) || v < 1 {
				return fmt.Errorf("want a positive whole number or %s, got %q", word, s)
			}
			*p(o) = v
			return nil
		}}
}
