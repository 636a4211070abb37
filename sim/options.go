package sim

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/internal/prng"
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

// Draw fills every zero field from the seed. Fields already set are kept.
// The draws use their own stream, so fixing one option does not change the
// others.
func (o Options) Draw(seed uint64) Options {
	r := prng.New(seed).Fork("options")
	caller := o // what the caller fixed, before any draw
	pick := func(cur int, choices ...int) int {
		v := choices[r.IntN(len(choices))]
		if cur != 0 {
			return cur
		}
		return v
	}
	pick64 := func(cur, lo, hi int64) int64 {
		v := r.Range(lo, hi)
		if cur != 0 {
			return cur
		}
		return v
	}
	o.Nodes = pick(o.Nodes, 3, 3, 5, 5, 5, 1, 4, 7)
	o.DurationNs = pick64(o.DurationNs, 20*sNs, 40*sNs)
	o.TickNs = pick64(o.TickNs, 5*msNs, 20*msNs)
	o.ElectionTicks = pick(o.ElectionTicks, 10, 10, 15, 20)
	o.HeartbeatTicks = pick(o.HeartbeatTicks, 1, 2, 3)
	// Half the runs without Pre-Vote, a quarter without CheckQuorum: a
	// deposed leader then keeps leading its minority, and a partitioned
	// node keeps campaigning. Lease reads need CheckQuorum (without it
	// they fall back to ReadIndex), hence three runs in four with it.
	o.PreVote = drawFlag(o.PreVote, r.Chance(prng.R(1, 2)))
	o.CheckQuorum = drawFlag(o.CheckQuorum, r.Chance(prng.R(3, 4)))
	o.Clients = pick(o.Clients, 1, 2, 3, 3, 5, 8)
	o.Keys = pick(o.Keys, 1, 2, 3, 5)
	o.RequestGapNs = pick64(o.RequestGapNs, 1*msNs, 50*msNs)
	o.LatencyMinNs = pick64(o.LatencyMinNs, 100_000, 2*msNs)
	o.LatencyMaxNs = pick64(o.LatencyMaxNs, o.LatencyMinNs+msNs, o.LatencyMinNs+30*msNs)
	// One run in four has a slow disk (a cloud volume's fsync), so crashes
	// land inside fsync windows more often.
	fsyncMaxNs := []int64{3 * msNs, 3 * msNs, 3 * msNs, 20 * msNs}[r.IntN(4)]
	o.FsyncNs = pick64(o.FsyncNs, 50_000, fsyncMaxNs)
	electionNs := int64(o.ElectionTicks) * o.TickNs
	// Impatient clients (down to a fifth of an election timeout) find a new
	// leader soon after it is elected; never below four round trips with
	// their fsyncs, or a client would give up on every operation and a
	// slow configuration would look like a liveness failure.
	minTimeoutNs := min(electionNs, max(electionNs/5, 4*(o.LatencyMaxNs+o.FsyncNs)))
	// Three runs in four at most one election timeout: a writer stuck at
	// a deposed leader moves on in time to write at the new one while the
	// old lease may still answer the readers that stayed. With
	// partition-leader, checkquorum on, lease reads and 8 clients,
	// lease-ignores-drift failed 16 of 21 seeds with timeouts near ET/4,
	// 9 of 76 near ET, none of 70 above 1.5 ET.
	maxTimeoutNs := []int64{electionNs, electionNs, electionNs, 3 * electionNs}[r.IntN(4)]
	o.ClientTimeoutNs = pick64(o.ClientTimeoutNs, minTimeoutNs, maxTimeoutNs)
	o.Intensity = pick(o.Intensity, 10, 30, 50, 70, 100)
	faultSet := drawFaultSet(r)
	if o.Faults == "" {
		o.Faults = faultSet
	}
	// Small batches and windows split a new leader's catch-up over several
	// round trips, so a follower holds old-term entries while the no-op is
	// still on its way (the paths of commit rules, Raft Figure 8). Drawn
	// last, so the draws above are those of older versions.
	// The window stays 64: with fewer than about 64 entries per round trip a
	// follower back from a long partition catches up slower than the
	// quiet-phase liveness bound allows (seed 3109 with max-entries=1
	// max-inflight=4), a slow configuration rather than a Raft bug.
	// One entry per message in half the runs: Figure 8 needs a batch that
	// ends before the new leader's no-op.
	o.MaxEntries = pick(o.MaxEntries, 1, 1, 4, 64)
	o.MaxInflight = pick(o.MaxInflight, 64)
	// Compaction often (50) puts snapshots in the path of every lagging
	// follower; never (-1) keeps the older runs' shape. Read modes, drawn per
	// run and mixed per client (client.go), go through the log, ReadIndex,
	// the leader's lease or any node's own state.
	o.SnapshotEntries = pick(o.SnapshotEntries, -1, 50, 200, 1000)
	if rm := readModeSets[r.IntN(len(readModeSets))]; o.ReadModes == "" {
		o.ReadModes = rm
	}
	// Membership changes in half the runs: one or two spares join (and a
	// voter may leave), by joint consensus or by single-server changes. An
	// explicit schedule says itself which hosts are spares.
	given := o
	o.Spares = pick(o.Spares, -1, -1, 1, 2)
	if s := o.Schedule; s != nil && given.Spares == 0 {
		o.Spares = -1
		if s.Voters > 0 && s.Voters < s.Nodes {
			o.Spares = s.Nodes - s.Voters
		}
	}
	if m := membershipModes[r.IntN(len(membershipModes))]; o.Membership == "" {
		o.Membership = m
	}
	// The drift bound: generated clocks drift at most this much, and lease
	// reads keep a margin for it (leaseMarginTicks). Large bounds are not
	// physical for quartz, but they make the margin a few ticks, so a lease
	// that ignores it is wrong by more than the tick phase. Three runs in
	// four at the largest bound: lease-ignores-drift failed 26 of 214 seeds
	// there, 1 of 86 at the smaller ones (partition-leader, checkquorum
	// on, lease reads).
	o.MaxDriftPPM = pick(o.MaxDriftPPM, 50_000, 100_000, 200_000, 200_000, 200_000, 200_000, 200_000, 200_000)
	o.Protocol = o.protocol()
	if p := replica.Lookup(o.Protocol); p != nil {
		o = o.fitCaps(p.Caps(), caller)
	}
	return o
}

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
	if given.ReadModes == "" {
		modes, _ := parseReadModes(o.ReadModes)
		kept := slices.DeleteFunc(modes, func(m string) bool { return m != "log" && !c.HasRead(m) })
		if len(kept) == 0 {
			kept = []string{"log"}
		}
		o.ReadModes = strings.Join(kept, ",")
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

// drawFaultSet is swarm testing over fault kinds: half the runs use every
// kind, the other half one to three of them, so a run can be dense in the
// one fault (say, partitions) that a bug needs, undiluted by the others.
// It always makes the same draws.
func drawFaultSet(r *prng.Rand) string {
	all := r.Chance(prng.R(1, 2))
	var picked [3]int
	for i := range picked {
		picked[i] = r.IntN(len(faults.EpisodeKinds))
	}
	if all {
		return "all"
	}
	var names []string
	for i, k := range faults.EpisodeKinds {
		if slices.Contains(picked[:], i) {
			names = append(names, string(k))
		}
	}
	return strings.Join(names, ",")
}

func drawFlag(cur Flag, on bool) Flag {
	if cur != Draw {
		return cur
	}
	if on {
		return On
	}
	return Off
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
		kinds, _ := parseFaultKinds(o.Faults)
		for _, k := range kinds {
			if slices.Contains(protocolFaults, k) && !c.HasFault(string(k)) {
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
