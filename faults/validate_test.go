package faults

import (
	"testing"

	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/stretchr/testify/require"
)

const sec = int64(1_000_000_000)

// sched builds a 5-node schedule, quiet at 30s, end 40s.
func sched(acts ...Action) Schedule {
	return Schedule{Nodes: 5, QuietAtNs: 30 * sec, EndNs: 40 * sec, Actions: acts}
}

func ms(n int64) int64 { return n * 1_000_000 }

func TestValidateAcceptsAWellFormedSchedule(t *testing.T) {
	s := sched(
		Action{AtNs: ms(1000), Kind: Partition, Groups: [][]int{{1, 2}, {3, 4, 5}}},
		Action{AtNs: ms(1250), Kind: Crash, Node: 2, Torn: true},
		Action{AtNs: ms(2000), Kind: Link, Loss: prng.R(1, 10), LatencyMinNs: 1e6, LatencyMaxNs: 2e7},
		Action{AtNs: ms(3000), Kind: Flap, From: 1, To: 3, UntilNs: ms(9000), MinUpNs: 1e8, MinDownNs: 5e7},
		Action{AtNs: ms(4000), Kind: Pause, Node: 4},
		Action{AtNs: ms(5000), Kind: CrashLeader, UntilNs: ms(8000)},
		Action{AtNs: ms(6000), Kind: Restart, Node: 2}, // crashed before the window: allowed
		Action{AtNs: ms(6000), Kind: Resume, Node: 4},
		Action{AtNs: ms(7000), Kind: Clog, From: 1, To: 2},
		Action{AtNs: ms(7000), Kind: Drift, Node: 3, DriftPPM: 500},
		Action{AtNs: ms(30000), Kind: Heal},
		Action{AtNs: ms(30000), Kind: Unclog, From: 1, To: 2},
		Action{AtNs: ms(30000), Kind: Drift, Node: 3},
	)
	require.NoError(t, s.Validate())
	require.NoError(t, sched().Validate(), "no actions")
	require.NoError(t, sched(
		Action{AtNs: 0, Kind: CrashLeader, UntilNs: 1},
		Action{AtNs: 0, Kind: Flap, From: 1, To: 2, UntilNs: 1, MinUpNs: 1, MinDownNs: 1},
		Action{AtNs: 2, Kind: Crash, Node: 1},
		Action{AtNs: 2, Kind: Flap, From: 2, To: 1, UntilNs: 3, MinUpNs: 1, MinDownNs: 1},
		Action{AtNs: 4, Kind: Restart, Node: 1},
	).Validate(), "windows at time 0, and right after a window")
}

// TestValidateRejects checks one message per listed bad case.
func TestValidateRejects(t *testing.T) {
	crash2 := Action{AtNs: ms(1000), Kind: Crash, Node: 2}
	restart2 := Action{AtNs: ms(29000), Kind: Restart, Node: 2}
	cases := []struct {
		name string
		s    Schedule
		want string
	}{
		{"overlapping replay-leader", sched(Action{AtNs: ms(1000), Kind: ReplayLeader, UntilNs: ms(5000)},
			Action{AtNs: ms(5000), Kind: ReplayLeader, UntilNs: ms(6000)}),
			"action 1 (at 5.000000000s, replay-leader): a replay-leader window is open until 5.000000000s"},
		{"unknown node", sched(Action{AtNs: ms(1250), Kind: Crash, Node: 9}),
			"action 0 (at 1.250000000s, crash n9): unknown node 9 (nodes are 1..5)"},
		{"node zero", sched(Action{AtNs: ms(1000), Kind: Isolate}),
			"action 0 (at 1.000000000s, isolate *): unknown node 0 (nodes are 1..5)"},
		{"overlapping crash", sched(crash2, Action{AtNs: ms(1250), Kind: Crash, Node: 2}, restart2),
			"action 1 (at 1.250000000s, crash n2): node 2 is already crashed"},
		{"restart before crash", sched(Action{AtNs: ms(1000), Kind: Restart, Node: 2}),
			"action 0 (at 1.000000000s, restart n2): node 2 is not crashed"},
		{"resume not paused", sched(Action{AtNs: ms(1000), Kind: Resume, Node: 3}),
			"action 0 (at 1.000000000s, resume n3): node 3 is not paused"},
		{"unclog before clog", sched(Action{AtNs: ms(1000), Kind: Unclog, From: 1, To: 2}),
			"action 0 (at 1.000000000s, unclog n1->n2): link n1->n2 is not clogged"},
		{"heal before start", sched(Action{AtNs: -1, Kind: Heal}),
			"action 0 (at -0.000000001s, heal): time is negative"},
		{"pause crashed", sched(crash2, Action{AtNs: ms(2000), Kind: Pause, Node: 2}, restart2),
			"action 1 (at 2.000000000s, pause n2): node 2 is crashed"},
		{"crash paused", sched(Action{AtNs: ms(1000), Kind: Pause, Node: 2}, Action{AtNs: ms(2000), Kind: Crash, Node: 2}),
			"action 1 (at 2.000000000s, crash n2): node 2 is paused (resume it first)"},
		{"unsorted", sched(Action{AtNs: ms(2000), Kind: Heal}, Action{AtNs: ms(1000), Kind: Heal}),
			"action 1 (at 1.000000000s, heal): time is before the previous action's 2.000000000s"},
		{"after quiet", sched(Action{AtNs: ms(31000), Kind: Heal}),
			"action 0 (at 31.000000000s, heal): time is after quiet 30.000000000s"},
		{"fault at quiet", sched(Action{AtNs: ms(30000), Kind: Isolate, Node: 1}),
			"action 0 (at 30.000000000s, isolate n1): only healing actions may happen at quiet"},
		{"unused field", sched(Action{AtNs: ms(1000), Kind: Crash, Node: 1, Loss: prng.R(1, 2)}),
			"action 0 (at 1.000000000s, crash n1): field loss is not used by crash"},
		{"leader node set", sched(Action{AtNs: ms(1000), Kind: CrashLeader, Node: 1, UntilNs: ms(2000)}),
			"field node is not used by crash-leader"},
		{"unknown kind", sched(Action{AtNs: ms(1000), Kind: "explode"}),
			`action 0 (at 1.000000000s, explode): unknown kind "explode"`},
		{"self link", sched(Action{AtNs: ms(1000), Kind: OneWay, From: 2, To: 2}),
			"oneway n2->n2): link from node 2 to itself"},
		{"group twice", sched(Action{AtNs: ms(1000), Kind: Partition, Groups: [][]int{{1, 2}, {2, 3, 4, 5}}}),
			"partition: node 2 is in two groups"},
		{"group missing", sched(Action{AtNs: ms(1000), Kind: Partition, Groups: [][]int{{1, 2}, {3, 4}}}),
			"partition: node 5 is in no group"},
		{"group unknown", sched(Action{AtNs: ms(1000), Kind: Partition, Groups: [][]int{{1, 2}, {3, 4, 5, 6}}}),
			"unknown node 6 (nodes are 1..5)"},
		{"one group", sched(Action{AtNs: ms(1000), Kind: Partition, Groups: [][]int{{1, 2, 3, 4, 5}}}),
			"partition needs at least 2 groups, got 1"},
		{"empty group", sched(Action{AtNs: ms(1000), Kind: Partition, Groups: [][]int{{1, 2, 3, 4, 5}, {}}}),
			"partition group 2 is empty"},
		{"bad ratio", sched(Action{AtNs: ms(1000), Kind: Link, From: 1, To: 2, Loss: prng.R(3, 2)}),
			"link n1->n2): loss: ratio 3/2 is over 1"},
		{"zero denominator", sched(Action{AtNs: ms(1000), Kind: Link, Dup: prng.R(1, 0)}),
			"dup: ratio 1/0 has a zero denominator"},
		{"latency min > max", sched(Action{AtNs: ms(1000), Kind: Link, LatencyMinNs: 5e6, LatencyMaxNs: 3e6}),
			"latency: need 0 <= min 5ms <= max 3ms"},
		{"latency negative", sched(Action{AtNs: ms(1000), Kind: Link, LatencyMinNs: -1, LatencyMaxNs: 3}),
			"latency: need 0 <= min -1ns <= max 3ns"},
		{"flap until before start", sched(Action{AtNs: ms(5000), Kind: Flap, From: 1, To: 2, UntilNs: ms(5000), MinUpNs: 1, MinDownNs: 1}),
			"flap n1<->n2): until 5.000000000s is not after the start"},
		{"flap until after quiet", sched(Action{AtNs: ms(5000), Kind: Flap, From: 1, To: 2, UntilNs: ms(31000), MinUpNs: 1, MinDownNs: 1}),
			"until 31.000000000s is after quiet 30.000000000s"},
		{"flap min up", sched(Action{AtNs: ms(5000), Kind: Flap, From: 1, To: 2, UntilNs: ms(6000), MinDownNs: 1}),
			"flap: min up 0s and min down 1ns must be positive"},
		{"flap twice", sched(
			Action{AtNs: ms(1000), Kind: Flap, From: 1, To: 2, UntilNs: ms(6000), MinUpNs: 1, MinDownNs: 1},
			Action{AtNs: ms(2000), Kind: Flap, From: 2, To: 1, UntilNs: ms(6000), MinUpNs: 1, MinDownNs: 1}),
			"action 1 (at 2.000000000s, flap n2<->n1): link n2<->n1 is already flapping until 6.000000000s"},
		{"clog twice", sched(Action{AtNs: ms(1000), Kind: Clog, From: 1, To: 2}, Action{AtNs: ms(2000), Kind: Clog, From: 1, To: 2}),
			"link n1->n2 is already clogged"},
		{"crash in crash-leader window", sched(Action{AtNs: ms(1000), Kind: CrashLeader, UntilNs: ms(5000)}, crash2),
			"action 1 (at 1.000000000s, crash n2): a crash-leader window is open until 5.000000000s"},
		{"crash at crash-leader end", sched(Action{AtNs: ms(1000), Kind: CrashLeader, UntilNs: ms(5000)},
			Action{AtNs: ms(5000), Kind: Pause, Node: 1}),
			"action 1 (at 5.000000000s, pause n1): a crash-leader window is open until 5.000000000s"},
		{"flap at previous end", sched(
			Action{AtNs: ms(1000), Kind: Flap, From: 1, To: 2, UntilNs: ms(6000), MinUpNs: 1, MinDownNs: 1},
			Action{AtNs: ms(6000), Kind: Flap, From: 1, To: 2, UntilNs: ms(7000), MinUpNs: 1, MinDownNs: 1}),
			"link n1<->n2 is already flapping until 6.000000000s"},
		{"drift too big", sched(Action{AtNs: ms(1000), Kind: Drift, Node: 1, DriftPPM: 2_000_000}),
			"drift: 2000000ppm is not within +-200000ppm"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorContains(t, c.s.Validate(), c.want)
		})
	}
}

// TestValidateRejectsUnquiet: after QuietAtNs everything must be healed.
func TestValidateRejectsUnquiet(t *testing.T) {
	crash2 := Action{AtNs: ms(1000), Kind: Crash, Node: 2}
	cases := []struct {
		name string
		s    Schedule
		want string
	}{
		{"still crashed", sched(crash2), "quiet at 30.000000000s: node 2 is still crashed (add restart n2)"},
		{"still paused", sched(Action{AtNs: ms(1000), Kind: Pause, Node: 4}), "node 4 is still paused (add resume n4)"},
		{"still drifting", sched(Action{AtNs: ms(1000), Kind: Drift, Node: 3, DriftPPM: -7}), "node 3 still drifts -7ppm"},
		{"still cut", sched(Action{AtNs: ms(1000), Kind: OneWay, From: 3, To: 1}), "link n3->n1 is still cut (add heal)"},
		{"heallink partial", sched(Action{AtNs: ms(1000), Kind: Isolate, Node: 2}, Action{AtNs: ms(2000), Kind: HealLink, From: 2, To: 1}),
			"link n2->n3 is still cut"},
		{"still options", sched(Action{AtNs: ms(1000), Kind: Link, From: 1, To: 2, Loss: prng.R(1, 2)}),
			"link n1->n2 still has options (add heal)"},
		{"still clogged", sched(Action{AtNs: ms(1000), Kind: Clog, From: 4, To: 5}), "link n4->n5 is still clogged (add unclog n4->n5)"},
		{"nodes", Schedule{Nodes: 0}, "nodes: 0 is not in 1..64"},
		{"end before quiet", Schedule{Nodes: 3, QuietAtNs: 10 * sec, EndNs: 5 * sec}, "end: 5.000000000s is before quiet 10.000000000s"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorContains(t, c.s.Validate(), c.want)
		})
	}
}

func TestValidateErrorIsActionError(t *testing.T) {
	err := sched(Action{AtNs: ms(1000), Kind: Crash, Node: 2}, Action{AtNs: ms(1250), Kind: Crash, Node: 2}).Validate()
	var ae *ActionError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, 1, ae.Index)
	require.EqualError(t, err, "action 1 (at 1.250000000s, crash n2): node 2 is already crashed")
}
