package study

import (
	"math"
	"strings"
	"testing"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/internal/prng"
	_ "github.com/faultline-sim/faultline/replica/etcdraft"
	_ "github.com/faultline-sim/faultline/replica/paxosr"
	_ "github.com/faultline-sim/faultline/replica/raftr"
	"github.com/faultline-sim/faultline/sim"
	"github.com/stretchr/testify/require"
)

// TestShapesMakeValidSchedules: every shape, at every size and a range of
// parameters, generates a schedule that validates, with its faults inside
// the window.
func TestShapesMakeValidSchedules(t *testing.T) {
	s := Study{Name: "t", Base: base, Window: window}
	for _, sh := range shapes {
		for _, n := range []int{3, 5} {
			for _, p := range ms(1, 25, 333, 1000, 4000, 9000) {
				for seed := uint64(1); seed <= 3; seed++ {
					o := s.options(Point{Protocol: "raft", Variant: variants[0], Nodes: n, Shape: sh, ParamNs: p}, seed)
					require.NoError(t, o.Schedule.Validate(), "%s n=%d p=%d", sh.Name, n, p)
					require.NotEmpty(t, o.Schedule.Actions, "%s n=%d p=%d", sh.Name, n, p)
					for _, a := range o.Schedule.Actions {
						require.GreaterOrEqual(t, a.AtNs, window.StartNs)
						require.LessOrEqual(t, max(a.AtNs, a.UntilNs), window.EndNs)
					}
				}
			}
		}
	}
}

func TestRotateCutsOneFollowerLinkAtATime(t *testing.T) {
	w := Window{StartNs: 1000, EndNs: 1250, TailNs: 1}
	got := rotate.Gen(Gen{Nodes: 3, W: w, ParamNs: 100})
	require.Equal(t, []faults.Action{ranked(1, 2, 1000, 1100), ranked(1, 3, 1100, 1200), ranked(1, 2, 1200, 1250)}, got)
	got = both.Gen(Gen{Nodes: 3, W: w, ParamNs: 100})
	require.Equal(t, []faults.Action{ranked(1, 2, 1000, 1100), ranked(1, 3, 1000, 1100), ranked(1, 2, 1200, 1250), ranked(1, 3, 1200, 1250)}, got)
}

// TestPartialShapesKeepTheirLinks: the rank pairs each held shape leaves up.
func TestPartialShapesKeepTheirLinks(t *testing.T) {
	w := Window{StartNs: 0 + 1, EndNs: 1001, TailNs: 1}
	up := func(sh Shape, n int) [][2]int {
		cut := map[[2]int]bool{}
		for _, a := range sh.Gen(Gen{Nodes: n, W: w, ParamNs: 2000}) {
			cut[[2]int{a.From, a.To}] = true
		}
		var out [][2]int
		for a := 1; a <= n; a++ {
			for b := a + 1; b <= n; b++ {
				if !cut[[2]int{a, b}] {
					out = append(out, [2]int{a, b})
				}
			}
		}
		return out
	}
	require.Equal(t, [][2]int{{1, 2}, {2, 3}, {2, 4}, {2, 5}}, up(quorumLoss, 5))
	require.Equal(t, [][2]int{{1, 2}, {2, 3}, {3, 4}, {4, 5}}, up(chained, 5))
	require.Equal(t, [][2]int{{1, 2}, {2, 3}}, up(chained, 3))
}

func TestSwizzleClogsAMajorityAndUnclogsAll(t *testing.T) {
	acts := swizzle.Gen(Gen{Nodes: 5, W: window, ParamNs: 600 * msNs, Rng: prng.New(7)})
	clogged := map[[2]int]bool{}
	now, most := 0, 0
	for _, a := range acts {
		l := [2]int{a.From, a.To}
		require.NotEqual(t, clogged[l], a.Kind == faults.Clog, "clog or unclog twice: %v", a)
		clogged[l] = a.Kind == faults.Clog
		if clogged[l] {
			now++
		} else {
			now--
		}
		most = max(most, now)
	}
	require.Zero(t, now, "every link unclogged at the end")
	require.Equal(t, 18, most, "3 of 5 nodes clogged at once: all 20 directed links but the 2 between the others")
}

func TestLeaderStats(t *testing.T) {
	w := Window{StartNs: 100, EndNs: 200, TailNs: 1}
	spans := []sim.LeaderSpan{
		{Node: 1, StartNs: 0, EndNs: 120}, // before: not an election in w, covers 100..120
		{Node: 1, StartNs: 130, EndNs: 150},
		{Node: 2, StartNs: 140, EndNs: 160}, // overlaps: union 130..160
		{Node: 3, StartNs: 190, EndNs: 300}, // 190..200
	}
	el, ch, led := leaderStats(spans, w)
	require.Equal(t, 3, el)
	require.Equal(t, 2, ch) // 1->2, 2->3 (1->1 is no change)
	require.Equal(t, int64(20+30+10), led)
}

func TestMeasureAvailability(t *testing.T) {
	w := Window{StartNs: 0, EndNs: 1000 * msNs, TailNs: 1}
	op := func(call, ret int64, st checker.Status) checker.Operation {
		return checker.Operation{Call: call * msNs, Return: ret * msNs, Status: st}
	}
	r := &sim.Result{Verdict: sim.Pass, History: []checker.Operation{
		op(0, 10, checker.StatusOK), op(10, 50, checker.StatusOK), op(50, 450, checker.StatusOK),
		op(450, 460, checker.StatusUnknown), op(900, 1200, checker.StatusOK), // outside the window
	}}
	m := measure(r, w)
	require.InDelta(t, 0.2, m.m[0], 1e-9) // slots 0 and 4 of 10
	require.InDelta(t, 3.0, m.m[1], 1e-9) // 3 writes in 1 s
	require.InDelta(t, 40.0, m.m[2], 1e-9)
	require.InDelta(t, 40.0, m.m[3], 1e-9) // (3-1)*99/100 = index 1
	require.InDelta(t, 1.0, m.m[6], 1e-9)  // no leader at all
}

func TestSummarize(t *testing.T) {
	s := summarize([]float64{1, 2, 3, math.NaN()})
	require.Equal(t, 3, s.N)
	require.InDelta(t, 2.0, s.Mean, 1e-12)
	require.InDelta(t, 4.303*1/math.Sqrt(3), s.CI, 1e-9)
	require.True(t, math.IsNaN(summarize([]float64{math.NaN()}).Mean))
}

// tiny is a small study: the CSV must not depend on the workers.
func tiny() Study {
	s, _ := Lookup("flapping", false)
	s.Protocols, s.Params, s.Seeds, s.Variants = []string{"raft"}, ms(200), 2, variants[:2]
	s.Shapes = []Shape{rotate}
	s.Timeline.ParamNs = 200 * msNs
	return s
}

func TestCSVDoesNotDependOnWorkers(t *testing.T) {
	a, err := tiny().Run(RunOptions{Workers: 1})
	require.NoError(t, err)
	b, err := tiny().Run(RunOptions{Workers: 3})
	require.NoError(t, err)
	require.Equal(t, a.CSV(), b.CSV())
	require.Equal(t, a.HTML(), b.HTML())
	require.Len(t, strings.Split(strings.TrimSpace(a.CSV()), "\n"), 1+4) // header, per variant a baseline and a point
	require.Len(t, a.Timelines, 2)
	require.Contains(t, a.HTML(), "<svg")
}

func TestUnknownProtocolIsAnError(t *testing.T) {
	s := tiny()
	s.Protocols = []string{"raft", "nosuch"}
	_, err := s.Run(RunOptions{Workers: 1})
	require.ErrorContains(t, err, `protocol "nosuch" is not registered (registered: `)
}

func TestBuiltinsValidate(t *testing.T) {
	for _, n := range Names() {
		for _, full := range []bool{false, true} {
			s, ok := Lookup(n, full)
			require.True(t, ok)
			require.NoError(t, s.Validate(), n)
			require.GreaterOrEqual(t, s.Seeds, 30, n)
			found := false
			for _, sh := range s.Shapes {
				for _, p := range s.Params {
					found = found || (sh.Name == s.Timeline.Shape && p == s.Timeline.ParamNs)
				}
			}
			require.True(t, found, "%s: the timeline point is in the grid", n)
		}
	}
}
