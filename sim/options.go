package sim

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/replica"
)

// Options fix a run. A zero field is drawn from the seed ("swarm testing", as
// TigerBeetle's VOPR does), so one sweep covers many shapes of cluster. After
// Draw every field is concrete, and Run prints them all first.
type Options struct {
	Protocol       string `json:"protocol"`        // replica protocol (simrun protocols); "" is raft
	Nodes          int    `json:"nodes"`           // 1..9
	DurationNs     int64  `json:"duration_ns"`     // whole run, quiet phase included
	TickNs         int64  `json:"tick_ns"`         // one Raft tick on a node's own clock
	ElectionTicks  int    `json:"election_ticks"`  // randomized timeout is [ET, 2ET)
	HeartbeatTicks int    `json:"heartbeat_ticks"` // < ElectionTicks
	PreVote        Flag   `json:"prevote"`
	CheckQuorum    Flag   `json:"checkquorum"`

	Clients         int    `json:"clients"`              // 1..64, one outstanding op each
	Keys            int    `json:"keys"`                 // 1..64
	RequestGapNs    int64  `json:"request_gap_ns"`       // think time between a client's ops
	ClientTimeoutNs int64  `json:"client_timeout_ns"`    // retry after this long
	LatencyMinNs    int64  `json:"latency_min_ns"`       // one-way network latency
	LatencyMaxNs    int64  `json:"latency_max_ns"`       // tail bound
	FsyncNs         int64  `json:"fsync_ns"`             // disk sync latency
	MaxEntries      int    `json:"max_entries"`          // entries per AppendEntries, 1..1024 (raft MaxEntriesPerMsg)
	MaxInflight     int    `json:"max_inflight"`         // AppendEntries in flight per follower, 1..1024 (raft MaxInflightMsgs)
	Intensity       int    `json:"intensity"`            // 1..100 (share of fault episodes); "none" faults for a quiet run
	Faults          string `json:"faults"`               // "all", "none" or a comma list of kinds
	Defect          string `json:"defect,omitempty"`     // planted defect, "" for none
	SnapshotEntries int    `json:"snapshot_entries"`     // compact past this many entries after the last snapshot, 1..1e6; -1 never
	ReadModes       string `json:"read_modes"`           // comma list of get modes clients use: log, consistent, lease, stale
	Spares          int    `json:"spares,omitempty"`     // hosts outside the initial configuration that membership requests add, 1..8; -1 none
	Membership      string `json:"membership,omitempty"` // how the operator changes voters: joint (C_old,new) or single (one voter per change)
	MaxDriftPPM     int    `json:"max_drift_ppm"`        // clock drift bound, ppm: drawn drift stays within it, the lease margin assumes it

	MaxOps    int              `json:"max_ops,omitempty"`  // stop issuing client ops after this many; 0 = no limit
	Schedule  *faults.Schedule `json:"schedule,omitempty"` // explicit fault schedule; nil = generate from the seed
	KeepTrace bool             `json:"-"`                  // keep trace lines in the Result
}

// Flag is a three-way switch: drawn from the seed, on, or off.
type Flag int8

const (
	Draw Flag = iota
	On
	Off
)

func (f Flag) String() string { return [...]string{"draw", "on", "off"}[f] }

// ParseFlag reads "on", "off", "true", "false" or "draw".
func ParseFlag(s string) (Flag, error) {
	switch strings.ToLower(s) {
	case "on", "true", "1", "yes":
		return On, nil
	case "off", "false", "0", "no":
		return Off, nil
	case "draw", "", "auto":
		return Draw, nil
	}
	return Draw, fmt.Errorf("want on, off or draw, got %q", s)
}

// MarshalText writes on/off/draw.
func (f Flag) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText reads on/off/draw.
func (f *Flag) UnmarshalText(b []byte) error {
	v, err := ParseFlag(string(b))
	*f = v
	return err
}

// Defaults used when a field is zero and is not drawn; see Draw.
const (
	msNs = int64(1_000_000)
	sNs  = 1000 * msNs
)

// protocol is the protocol's name, raft if none is set.
func (o Options) protocol() string {
	if o.Protocol == "" {
		return "raft"
	}
	return o.Protocol
}

// fitCaps turns off what the protocol does not support among the options
// that were drawn (given was the caller's); no draw is made, so the draws
// stay those of every other protocol. A given option the protocol lacks is
// left for Validate to refuse.
func (o Options) fitCaps(c replica.Caps, given Options) Options {
	if !c.PreVote && given.PreVote == Draw {
		o.PreVote = Off
	}
	if !c.CheckQuorum && given.CheckQuorum == Draw {
		o.CheckQuorum = Off
	}
	if !c.Membership && given.Spares == 0 {
		o.Spares = -1
	}
	if !c.Snapshots && given.SnapshotEntries == 0 {
		o.SnapshotEntries = -1
	}
	if given.Faults == "" && o.Faults != "all" { // a drawn list: drop the kinds the protocol lacks
		kinds, _ := parseFaultKinds(o.Faults)
		kinds = slices.DeleteFunc(kinds, func(k faults.Kind) bool {
			return slices.Contains(protocolFaults, k) && !c.HasFault(string(k))
		})
		names := make([]string, len(kinds))
		for i, k := range kinds {
			names[i] = string(k)
		}
		o.Faults = strings.Join(names, ",")
		if len(names) == 0 {
			o.Faults = "none"
		}
	}
	if given.ReadModes == "" {
		modes, _ := parseReadModes(o.ReadModes)
		kept := slices.DeleteFunc(modes, func(m string) bool { return m != "log" && !c.HasRead(m) })
		if len(kept) == 0 {
			kept = []string{"log"}
		}
		o.ReadModes = strings.Join(kept, ",")
	}
	if c.LeaseByReadIndex {
		o = o.fitLeaseByReadIndex(given)
	}
	return o
}

// membershipModes are the ways the operator changes the voters.
var membershipModes = []string{"joint", "single"}

// hosts is the number of server hosts: the initial voters and the spares.
func (o Options) hosts() int { return o.Nodes + max(o.Spares, 0) }

// readModeSets are the read-mode options Draw picks from. Lease reads, the
// default of Consul and the mode where clock bugs show, are in five sets of
// six, alone in two; log reads and stale reads are in two sets each,
// ReadIndex (consistent) in two.
var readModeSets = []string{"log", "log,consistent,lease,stale", "consistent,lease", "lease", "lease,stale", "lease"}

// parseReadModes reads a comma list of read modes (see readModes).
func parseReadModes(s string) ([]string, error) {
	var out []string
	for _, m := range strings.Split(s, ",") {
		m = strings.TrimSpace(m)
		if !slices.Contains(readModes, m) {
			return nil, fmt.Errorf("unknown read mode %q (want a comma list of %s)", m, strings.Join(readModes, ","))
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// Validate reports the first option out of its bounds, naming it.
func (o Options) Validate() error {
	type bound struct {
		name   string
		v      int64
		lo, hi int64
	}
	for _, b := range []bound{
		{"nodes", int64(o.Nodes), 1, 9},
		{"duration", o.DurationNs, 1 * sNs, 3600 * sNs},
		{"tick", o.TickNs, 100_000, 1 * sNs},
		{"election-ticks", int64(o.ElectionTicks), 2, 1000},
		{"heartbeat-ticks", int64(o.HeartbeatTicks), 1, int64(o.ElectionTicks) - 1},
		{"clients", int64(o.Clients), 1, 64},
		{"keys", int64(o.Keys), 1, 64},
		{"request-gap", o.RequestGapNs, 0, 60 * sNs},
		{"client-timeout", o.ClientTimeoutNs, msNs, 600 * sNs},
		{"latency-min", o.LatencyMinNs, 0, 10 * sNs},
		{"latency-max", o.LatencyMaxNs, o.LatencyMinNs, 10 * sNs},
		{"fsync", o.FsyncNs, 0, 10 * sNs},
		{"max-entries", int64(o.MaxEntries), 1, 1024},
		{"max-inflight", int64(o.MaxInflight), 1, 1024},
		{"intensity", int64(o.Intensity), 1, 100},
		{"snapshot-entries", int64(o.SnapshotEntries), -1, 1_000_000},
		{"spares", int64(o.Spares), -1, 8},
		{"max-drift", int64(o.MaxDriftPPM), 1, faults.MaxDriftPPM},
	} {
		if b.v < b.lo || b.v > b.hi {
			return fmt.Errorf("%s: %d is outside [%d, %d]", b.name, b.v, b.lo, b.hi)
		}
	}
	if _, err := parseFaultKinds(o.Faults); err != nil {
		return fmt.Errorf("faults: %w", err)
	}
	if o.Spares == 0 {
		return fmt.Errorf("spares: want a count in 1..8 or none, got 0")
	}
	if !slices.Contains(membershipModes, o.Membership) {
		return fmt.Errorf("membership: want joint or single, got %q", o.Membership)
	}
	if o.SnapshotEntries == 0 {
		return fmt.Errorf("snapshot-entries: want a positive count or never, got 0")
	}
	if _, err := parseReadModes(o.ReadModes); err != nil {
		return fmt.Errorf("read-modes: %w", err)
	}
	p := replica.Lookup(o.protocol())
	if p == nil {
		return fmt.Errorf("protocol: unknown protocol %q (simrun protocols lists them)", o.Protocol)
	}
	if o.Defect != "" && !knownDefect(p, o.Defect) {
		return fmt.Errorf("defect: unknown defect %q for protocol %s (simrun defects lists them)", o.Defect, p.Name())
	}
	return o.validateCaps(p)
}

// validateCaps refuses an option the protocol does not support.
func (o Options) validateCaps(p replica.Protocol) error {
	c := p.Caps()
	modes, _ := parseReadModes(o.ReadModes)
	for _, m := range modes {
		if m != "log" && !c.HasRead(m) {
			return fmt.Errorf("read-modes: protocol %s has no %s reads", p.Name(), m)
		}
	}
	if c.LeaseByReadIndex {
		if err := o.validateLeaseByReadIndex(p.Name()); err != nil {
			return err
		}
	}
	switch {
	case o.PreVote == On && !c.PreVote:
		return fmt.Errorf("prevote: protocol %s has no Pre-Vote", p.Name())
	case o.CheckQuorum == On && !c.CheckQuorum:
		return fmt.Errorf("checkquorum: protocol %s has no CheckQuorum", p.Name())
	case o.Spares > 0 && !c.Membership:
		return fmt.Errorf("spares: protocol %s has no membership change", p.Name())
	case o.SnapshotEntries > 0 && !c.Snapshots:
		return fmt.Errorf("snapshot-entries: protocol %s has no snapshots", p.Name())
	}
	if o.Faults != "all" {
		for _, name := range strings.Split(o.Faults, ",") { // "all" in a list: as alone, the run drops what is not supported
			k := faults.Kind(strings.TrimSpace(name))
			if k != "all" && slices.Contains(protocolFaults, k) && !c.HasFault(string(k)) {
				return fmt.Errorf("faults: protocol %s does not support %s", p.Name(), k)
			}
		}
	}
	return nil
}

// String prints every option on one line, in a fixed order, with units.
func (o Options) String() string {
	return fmt.Sprintf("protocol=%s nodes=%d duration=%s tick=%s election=%dt heartbeat=%dt prevote=%s checkquorum=%s "+
		"clients=%d keys=%d gap=%s timeout=%s latency=%s..%s fsync=%s max-entries=%d max-inflight=%d intensity=%d faults=%s defect=%s "+
		"snapshot-entries=%s read-modes=%s spares=%s membership=%s max-drift=%dppm",
		o.protocol(), o.Nodes, fmtNs(o.DurationNs), fmtNs(o.TickNs), o.ElectionTicks, o.HeartbeatTicks, o.PreVote, o.CheckQuorum,
		o.Clients, o.Keys, fmtNs(o.RequestGapNs), fmtNs(o.ClientTimeoutNs), fmtNs(o.LatencyMinNs), fmtNs(o.LatencyMaxNs),
		fmtNs(o.FsyncNs), o.MaxEntries, o.MaxInflight, o.Intensity, o.Faults, orNone(o.Defect),
		countString(o.SnapshotEntries, "never"), o.ReadModes, countString(o.Spares, "none"), o.Membership, o.MaxDriftPPM)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// fmtNs prints a virtual duration exactly, as a Go duration ("32.845775135s",
// "7.701461ms"), which -duration and the other flags read back.
func fmtNs(ns int64) string { return time.Duration(ns).String() }

// countString prints a count option: the number, or word for -1.
func countString(n int, word string) string {
	if n < 0 {
		return word
	}
	return fmt.Sprint(n)
}
