package sim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/faultline-sim/faultline/faults"
	"github.com/stretchr/testify/require"
)

// disk-stall resolves the leader, stalls a follower's disk to the window's
// end, cuts the leader off from all but that follower at a third of the
// window and heals only its own cuts at the end.
func TestDiskStallActsThroughItsFace(t *testing.T) {
	env := newFakeEnv(4, 2)
	for i := 1; i <= 4; i++ {
		env.hosts[i].members.Voters = []uint64{1, 2, 3, 4}
	}
	rt := newRuntimeFaults(env, 1)
	a := faults.Action{Kind: faults.DiskStall, AtNs: 300, UntilNs: 900}
	ex := rt.of(a.Kind)
	require.NotNil(t, ex)
	ex.start(0, a)
	f := rt.stall.follower
	require.Contains(t, []int{1, 3, 4}, f)
	require.Equal(t, []string{fmt.Sprintf("stall %d until 900", f), fmt.Sprintf("timer 500 slot %d op 1 node 2", slotStall)}, env.calls)
	env.calls = nil
	ex.fire(stallCut, 2, 0)
	var want []string
	for y := 1; y <= 4; y++ {
		if y != 2 && y != f {
			want = append(want, fmt.Sprintf("cut 2-%d", y))
		}
	}
	require.Equal(t, want, env.calls)
	env.calls = nil
	ex.end(0, a)
	for i := range want {
		want[i] = "un" + want[i]
	}
	require.Equal(t, want, env.calls)
}

// A stalled disk completes no sync in the window, on our Raft, in a run
// that still passes every check.
func TestDiskStallHoldsTheFollowersSyncs(t *testing.T) {
	s, err := faults.ParseText("nodes 5\nquiet 8s\nend 12s\n2s disk-stall until=4s\n8s heal\n")
	require.NoError(t, err)
	stalled := 0
	for seed := uint64(1); seed <= 4; seed++ {
		o := Options{Nodes: 5, DurationNs: 12 * sNs, Faults: "none", Spares: -1, Schedule: &s, KeepTrace: true,
			ElectionTicks: 10, TickNs: 10 * msNs, HeartbeatTicks: 2}
		r, err := Run(seed, o)
		require.NoError(t, err)
		require.Equal(t, Pass, r.Verdict, r.Violation)
		f, deferred := "", 0
		for _, l := range r.Trace {
			fs := strings.Fields(l)
			if len(fs) < 3 {
				continue
			}
			at, _ := strconv.ParseFloat(fs[0], 64)
			switch {
			case fs[2] == "disk-stall" && strings.HasPrefix(fs[3], "leader="):
				f = fs[1]
			case f != "" && fs[1] == f && fs[2] == "synced":
				require.False(t, at > 2 && at < 4, "seed %d: %s synced inside the stall: %s", seed, f, l)
			case f != "" && fs[1] == f && fs[2] == "sync-stalled":
				deferred++
			}
		}
		require.NotEmpty(t, f, "seed %d: the window found a leader", seed)
		if deferred > 0 {
			stalled++
		}
	}
	require.Positive(t, stalled, "no sync was ever held")
}

// "all" names every kind, disk-stall included, and hands out its own list:
// a caller that edits it (Generate's callers delete the kinds a run cannot
// use) must not reach faults.EpisodeKinds (once it did, zeroing its tail).
func TestFaultKindsAllIsEveryKindAndACopy(t *testing.T) {
	want := slices.Clone(faults.EpisodeKinds)
	all, err := parseFaultKinds("all")
	require.NoError(t, err)
	require.Equal(t, want, all)
	require.Contains(t, all, faults.DiskStall)
	listed, err := parseFaultKinds("crash,all")
	require.NoError(t, err)
	require.Len(t, listed, len(want)+1)
	for i := range all {
		all[i] = ""
	}
	_ = slices.DeleteFunc(listed, func(faults.Kind) bool { return true })
	require.Equal(t, want, faults.EpisodeKinds)
}
