package faults

import (
	"fmt"
	"slices"
	"strings"

	"github.com/faultline-sim/faultline/internal/prng"
)

// GenOptions says what Generate draws. The run [0, DurationNs) splits into a
// fault phase [0, QuietAtNs()) and a quiet phase of QuietNs().
type GenOptions struct {
	Nodes             int    // hosts, spares included, 1..MaxNodes
	Voters            int    // hosts 1..Voters start as voters; 0 = all; fewer: membership requests are drawn
	DurationNs        int64  // the whole run; becomes Schedule.EndNs
	ElectionTimeoutNs int64  // base election timeout: scales episodes and the quiet phase
	Intensity         int    // 0..100; 0 = no faults, 100 = an episode per 3 election timeouts
	Kinds             []Kind // fault kinds to draw, from EpisodeKinds; empty = all of them
	// MaxDriftPPM is the drift bound, 1..MaxDriftPPM: every drawn clock
	// rate error is within +-MaxDriftPPM (half the drift draws at the
	// bound, partition-leader's always), the bound the run's lease margin
	// is computed from.
	MaxDriftPPM int64
	// LeaseReads: the run serves lease reads, so lease-split windows are
	// drawn (drawLeaseSplits); without it the schedule is as before them.
	LeaseReads bool
}

// EpisodeKinds are the kinds that start an episode; each episode ends itself
// (partition/oneway/cut/isolate with heallink, crash with restart, pause
// with resume, skew/drift with a reset to 0, link with a reset to defaults,
// clog with unclog; flap, crash-voter and the *-leader kinds are windows).
var EpisodeKinds = []Kind{Partition, OneWay, Cut, Isolate, Crash, Pause, Skew,
	Drift, Link, Flap, Clog, IsolateLeader, CrashLeader, CrashVoter, CrashNewLeader, ReplayLeader, PartitionLeader, PauseLeader, ConfigSplit, JointSplit, LeaderRemoval, LeaseSplit, DiskStall, Outage}

const (
	maxEpisodes = 500 // bound on episodes per schedule
	maxTries    = 8   // draws per episode before giving it up
)

// QuietNs is the quiet phase: at least 20% of the run and 10 election timeouts.
func (o GenOptions) QuietNs() int64 { return max(o.DurationNs/5, 10*o.ElectionTimeoutNs) }

// QuietAtNs is where the fault phase ends.
func (o GenOptions) QuietAtNs() int64 { return o.DurationNs - o.QuietNs() }

// MinEpisodeNs is the shortest episode: 2 election timeouts, long enough
// for a fault to matter (a leader lost, an election run).
func (o GenOptions) MinEpisodeNs() int64 { return 2 * o.ElectionTimeoutNs }

// MaxEpisodeNs is the longest episode: 10 election timeouts, bounded by
// the fault phase.
func (o GenOptions) MaxEpisodeNs() int64 { return min(10*o.ElectionTimeoutNs, o.QuietAtNs()) }

// Validate checks the options; the error names the field.
func (o GenOptions) Validate() error {
	switch {
	case o.Nodes < 1 || o.Nodes > MaxNodes:
		return fmt.Errorf("nodes: %d is not in 1..%d", o.Nodes, MaxNodes)
	case o.ElectionTimeoutNs <= 0:
		return fmt.Errorf("election timeout: %s is not positive", formatDur(o.ElectionTimeoutNs))
	case o.DurationNs <= 0 || o.ElectionTimeoutNs > o.DurationNs:
		return fmt.Errorf("duration: %s is not positive or is shorter than the election timeout",
			formatDur(o.DurationNs))
	case o.QuietAtNs() < o.MinEpisodeNs():
		return fmt.Errorf("duration: %s leaves a fault phase of %s after the quiet phase of %s;"+
			" need at least 2 election timeouts (%s)", formatDur(o.DurationNs),
			formatDur(o.QuietAtNs()), formatDur(o.QuietNs()), formatDur(o.MinEpisodeNs()))
	case o.Voters < 0 || o.Voters > o.Nodes:
		return fmt.Errorf("voters: %d is not in 0..%d (nodes)", o.Voters, o.Nodes)
	case o.Intensity < 0 || o.Intensity > 100:
		return fmt.Errorf("intensity: %d is not in 0..100", o.Intensity)
	case o.MaxDriftPPM < 1 || o.MaxDriftPPM > MaxDriftPPM:
		return fmt.Errorf("max drift: %dppm is not in 1..%dppm", o.MaxDriftPPM, MaxDriftPPM)
	}
	for _, k := range o.Kinds {
		if !slices.Contains(EpisodeKinds, k) {
			names := make([]string, len(EpisodeKinds))
			for i, e := range EpisodeKinds {
				names[i] = string(e)
			}
			return fmt.Errorf("kinds: %q is not a fault kind (want one of %s)",
				string(k), strings.Join(names, ", "))
		}
	}
	return nil
}

// Generate draws a valid schedule from rng. Episodes start at random times
// in the fault phase, last MinEpisodeNs..MaxEpisodeNs and may overlap where
// they touch different nodes or links; at QuietAtNs a heal (and whatever
// Quiesce adds) begins the quiet phase. Same rng state and options, same
// schedule. It panics if o is invalid (call o.Validate first).
func Generate(rng *prng.Rand, o GenOptions) Schedule {
	if err := o.Validate(); err != nil {
		panic(fmt.Sprintf("faults.Generate: invalid options: %v", err))
	}
	g := &gen{rng: rng, o: o, quiet: o.QuietAtNs(), res: map[resKey][]window{}}
	kinds := usableKinds(o)
	for range o.episodes() {
		for range maxTries {
			if len(kinds) == 0 || g.tryEpisode(kinds[rng.IntN(len(kinds))]) {
				break
			}
		}
	}
	if o.Voters > 0 && o.Voters < o.Nodes {
		g.drawMembership(rng.Fork("membership"))
	}
	g.drawLeaseSplits(rng.Fork("lease-split"))
	g.drawDiskStalls(rng)
	g.drawOutage(rng)
	s := Schedule{Nodes: o.Nodes, Voters: o.Voters, QuietAtNs: g.quiet, EndNs: o.DurationNs, Actions: Merge(g.actions)}
	if s.Voters == o.Nodes {
		s.Voters = 0
	}
	if slices.ContainsFunc(s.Actions, func(a Action) bool { return !IsRequest(a.Kind) }) {
		s.Actions = append(s.Actions, Action{AtNs: g.quiet, Kind: Heal})
	}
	s = Quiesce(s)
	if err := s.Validate(); err != nil {
		panic(fmt.Sprintf("faults.Generate: seed %d options %+v: invalid schedule: %v\n%s",
			rng.Seed(), o, err, s))
	}
	return s
}

// episodes is how many episodes to attempt: Intensity% of one per
// 3 election timeouts of the fault phase, at least 1 unless Intensity is 0.
func (o GenOptions) episodes() int {
	if o.Intensity == 0 {
		return 0
	}
	slots := min(o.QuietAtNs()/(3*o.ElectionTimeoutNs), 100*maxEpisodes)
	return int(max(1, min(maxEpisodes, slots*int64(o.Intensity)/100)))
}

// kindWeight is how many times k is listed among the kinds an episode is
// drawn from. crash-new-leader needs four elections in one window to build
// Raft Figure 8 (two leaders crashed as elected, one at its first commit,
// then the first back); at weight 1 among all kinds it found commit-old-term
// in 0 of 300 seeds, at 8 in 11 of 400 (with max-entries 1 drawn in half the
// runs). partition-leader needs a new leader to commit a write within the
// few ticks a deposed leader's lease overstays when it ignores drift; at
// weight 1 the default sweep found lease-ignores-drift once in 5000 seeds.
// config-split, joint-split and leader-removal are drawn with the membership requests
// (drawMembership), lease-split by drawLeaseSplits and disk-stall by
// drawDiskStalls, not as episodes.
func kindWeight(k Kind) int {
	switch k {
	case CrashNewLeader, PartitionLeader:
		return 8
	case ConfigSplit, JointSplit, LeaderRemoval, LeaseSplit, DiskStall, Outage:
		return 0
	}
	return 1
}

// names reports whether the kinds allow k (an empty list allows every kind).
func (o GenOptions) names(k Kind) bool { return len(o.Kinds) == 0 || slices.Contains(o.Kinds, k) }

// usableKinds are the allowed kinds that make sense for o.Nodes.
func usableKinds(o GenOptions) []Kind {
	kinds := o.Kinds
	if len(kinds) == 0 {
		kinds = EpisodeKinds
	}
	var out []Kind
	for _, k := range kinds {
		if o.Nodes >= 2 || k == Crash || k == Pause || k == Skew || k == Drift || k == CrashLeader {
			for range kindWeight(k) {
				out = append(out, k)
			}
		}
	}
	return out
}
