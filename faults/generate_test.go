package faults

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func opts(nodes, intensity int) GenOptions {
	return GenOptions{Nodes: nodes, DurationNs: 60 * sec, ElectionTimeoutNs: sec, Intensity: intensity, MaxDriftPPM: 100_000}
}

func genSeed(seed uint64, o GenOptions) Schedule { return Generate(prng.New(seed).Fork("faults"), o) }

func TestGenerateDeterministic(t *testing.T) {
	o := opts(5, 60)
	require.Equal(t, genSeed(7, o), genSeed(7, o))
	require.Equal(t, genSeed(7, o).String(), genSeed(7, o).String())
	seen := map[string]uint64{}
	for seed := range uint64(200) {
		text := genSeed(seed, o).String()
		prev, dup := seen[text]
		require.False(t, dup, "seeds %d and %d give the same schedule", prev, seed)
		seen[text] = seed
	}
}

// TestGenerateAlwaysValid: 2,000 seeds, cluster sizes 1..9, every intensity
// 0..100 about 20 times, plus every intensity for 10 seeds on 5 nodes.
// Generate panics on an invalid result; Validate is checked again here.
func TestGenerateAlwaysValid(t *testing.T) {
	check := func(seed uint64, o GenOptions) {
		s := genSeed(seed, o)
		require.NoError(t, s.Validate(), "seed %d %+v", seed, o)
		checkQuiet(t, s, o)
		checkEpisodes(t, s, o)
	}
	for seed := range uint64(2000) {
		o := opts(1+int(seed%9), int(seed%101))
		o.DurationNs = sec * int64(13+seed%120)
		check(seed, o)
	}
	for seed := range uint64(10) {
		for intensity := range 101 {
			check(seed, opts(5, intensity))
		}
	}
}

// checkQuiet: nothing after QuietAtNs, only healing at it, windows closed
// by it, the quiet phase long enough, and a heal marks it.
func checkQuiet(t require.TestingT, s Schedule, o GenOptions) {
	require.Equal(t, o.DurationNs, s.EndNs)
	require.Equal(t, o.QuietAtNs(), s.QuietAtNs)
	quiet := s.EndNs - s.QuietAtNs
	require.GreaterOrEqual(t, quiet, o.DurationNs/5)
	require.GreaterOrEqual(t, quiet, 10*o.ElectionTimeoutNs)
	for _, a := range s.Actions {
		require.LessOrEqual(t, a.AtNs, s.QuietAtNs)
		if a.AtNs == s.QuietAtNs {
			require.True(t, isHealing(a), "%s", a)
		}
		if isWindow(a) {
			require.LessOrEqual(t, a.UntilNs, s.QuietAtNs)
		}
	}
	if slices.ContainsFunc(s.Actions, func(a Action) bool { return !IsRequest(a.Kind) }) {
		require.Contains(t, s.Actions, Action{AtNs: s.QuietAtNs, Kind: Heal})
	}
	st := newState(s.Nodes)
	for _, a := range s.Actions {
		require.NoError(t, st.apply(a))
	}
	require.NoError(t, st.quietError())
}

// isOutage: episode e is drawOutage's, an isolate that the quiet phase ends
// and that lasts longer than any episode.
func isOutage(s Schedule, e episode, o GenOptions) bool {
	a := s.Actions[e.start]
	return a.Kind == Isolate && e.end >= 0 && s.Actions[e.end].AtNs == s.QuietAtNs &&
		s.Actions[e.end].AtNs-a.AtNs > o.MaxEpisodeNs()
}

// checkEpisodes: every fault has its end, and lasts MinEpisodeNs..MaxEpisodeNs.
func checkEpisodes(t require.TestingT, s Schedule, o GenOptions) {
	for _, e := range episodes(s.Actions) {
		a := s.Actions[e.start]
		if IsRequest(a.Kind) {
			continue // not a fault: it has no end
		}
		end := a.UntilNs
		if !isWindow(a) {
			require.GreaterOrEqual(t, e.end, 0, "no end for %s", a)
			end = s.Actions[e.end].AtNs
		}
		require.GreaterOrEqual(t, end-a.AtNs, o.MinEpisodeNs(), "%s", a)
		maxNs := o.MaxEpisodeNs()
		if a.Kind == JointSplit || a.Kind == LeaderRemoval {
			// Its window waits for a learner's catch-up; the cut
			// itself lasts a few election timeouts (sim).
			maxNs = 30 * o.ElectionTimeoutNs
		}
		if a.Kind == DiskStall || a.Kind == LeaseSplit {
			maxNs = 12 * o.ElectionTimeoutNs // drawn in their own stretches
		}
		if isOutage(s, e, o) {
			maxNs = 2 * s.QuietAtNs / 3 // drawOutage: up to two thirds of the fault phase
			require.True(t, o.names(Outage), "%s", a)
		}
		require.LessOrEqual(t, end-a.AtNs, maxNs, "%s", a)
		if a.Kind == Flap {
			require.GreaterOrEqual(t, a.MinUpNs, o.ElectionTimeoutNs/4)
			require.GreaterOrEqual(t, a.MinDownNs, o.ElectionTimeoutNs/4)
		}
	}
}

func TestGenerateProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		o := genOptions(t)
		s := Generate(prng.New(rapid.Uint64().Draw(t, "seed")), o)
		require.NoError(t, s.Validate())
		checkQuiet(t, s, o)
		checkEpisodes(t, s, o)
		for _, a := range s.Actions {
			require.True(t, o.Intensity > 0 || IsRequest(a.Kind), "no faults at intensity 0: %s", a)
		}
	})
}

func TestGenerateKindsAndIntensity(t *testing.T) {
	counts := map[Kind]int{}
	leases := opts(5, 100)
	leases.LeaseReads = true // lease-split windows are drawn only then
	for seed := range uint64(300) {
		for _, a := range genSeed(seed, leases).Actions {
			counts[a.Kind]++
		}
	}
	withSpare := opts(5, 100)
	withSpare.Voters = 4
	for seed := range uint64(50) {
		for _, a := range genSeed(seed, withSpare).Actions {
			counts[a.Kind]++
		}
	}
	for seed := range uint64(300) {
		s := genSeed(seed, leases)
		for _, e := range episodes(s.Actions) {
			if isOutage(s, e, leases) {
				counts[Outage]++
			}
		}
	}
	for _, k := range EpisodeKinds {
		require.Positive(t, counts[k], "kind %s never drawn", k)
	}
	only := opts(5, 100)
	only.Kinds = []Kind{Crash, Flap}
	for seed := range uint64(100) {
		for _, e := range episodes(genSeed(seed, only).Actions) {
			k := genSeed(seed, only).Actions[e.start].Kind
			require.True(t, k == Crash || k == Flap, "kind %s", k)
		}
	}
	low, high := 0, 0
	for seed := range uint64(100) {
		low += len(genSeed(seed, opts(5, 10)).Actions)
		high += len(genSeed(seed, opts(5, 90)).Actions)
	}
	require.Greater(t, high, 3*low)
	require.Empty(t, genSeed(1, opts(5, 0)).Actions)
	one := genSeed(3, opts(1, 100))
	require.NotEmpty(t, one.Actions)
	require.Equal(t, []int{1}, one.UsesNodes())
}

func TestGenOptionsValidate(t *testing.T) {
	cases := map[string]func(*GenOptions){
		"nodes: 0 is not in 1..64":                 func(o *GenOptions) { o.Nodes = 0 },
		"election timeout: 0s is not positive":     func(o *GenOptions) { o.ElectionTimeoutNs = 0 },
		"duration: 0s is not positive":             func(o *GenOptions) { o.DurationNs = 0 },
		"intensity: 101 is not in 0..100":          func(o *GenOptions) { o.Intensity = 101 },
		`kinds: "restart" is not a fault kind`:     func(o *GenOptions) { o.Kinds = []Kind{Crash, Restart} },
		"duration: 11s leaves a fault phase of 1s": func(o *GenOptions) { o.DurationNs = 11 * sec },
	}
	for want, mutate := range cases {
		o := opts(5, 50)
		mutate(&o)
		require.ErrorContains(t, o.Validate(), want)
		require.Panics(t, func() { genSeed(1, o) })
	}
	require.NoError(t, opts(5, 50).Validate())
	o := opts(3, 50)
	o.DurationNs = 12 * sec
	require.NoError(t, o.Validate(), "fault phase of exactly 2 election timeouts")

}

var update = flag.Bool("update", false, "rewrite testdata golden files")

// TestGenerateGolden pins the schedule for one seed: if it changes, every
// recorded seed replays a different schedule, so the change must be
// deliberate (go test ./faults -run Golden -update, then review the diff).
func TestGenerateGolden(t *testing.T) {
	got := genSeed(42, opts(5, 60)).String()
	path := filepath.Join("testdata", "generate_seed42_n5_i60.txt")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, string(want), got)
	parsed, err := ParseText(string(want))
	require.NoError(t, err)
	require.Equal(t, genSeed(42, opts(5, 60)), parsed)
}
