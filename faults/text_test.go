package faults

import (
	"encoding/json"
	"testing"

	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

const exampleText = `# faultline fault schedule
nodes 5
quiet 30s
end 40s
1.000s partition {1,2} | {3,4,5}
1.250s crash n2 torn
2.000s heallink *<->*
3.000s oneway n1->n3
3.500s cut n4<->n5
4.000s link n1->n2 loss=1/10 dup=1/50 latency=1ms..20ms
5.000s flap n1<->n2 until=9.5s up>=100ms down>=50ms
6.000s skew n3 +150ms
6.000s drift n3 +500ppm
6.500s isolate-leader until=8s
7.000s crash-leader until=7.000000001s torn
10.000000001s clog n2->n1
12.000s skew n3 -1500us
14.000s partition-leader until=16s
30.000s heal
30.000s restart n2
30.000s drift n3 +0ppm
30.000s unclog n2->n1
`

func exampleSchedule() Schedule {
	return sched(
		Action{AtNs: ms(1000), Kind: Partition, Groups: [][]int{{1, 2}, {3, 4, 5}}},
		Action{AtNs: ms(1250), Kind: Crash, Node: 2, Torn: true},
		Action{AtNs: ms(2000), Kind: HealLink},
		Action{AtNs: ms(3000), Kind: OneWay, From: 1, To: 3},
		Action{AtNs: ms(3500), Kind: Cut, From: 4, To: 5},
		Action{AtNs: ms(4000), Kind: Link, From: 1, To: 2, Loss: prng.R(1, 10), Dup: prng.R(1, 50),
			LatencyMinNs: ms(1), LatencyMaxNs: ms(20)},
		Action{AtNs: ms(5000), Kind: Flap, From: 1, To: 2, UntilNs: ms(9500), MinUpNs: ms(100), MinDownNs: ms(50)},
		Action{AtNs: ms(6000), Kind: Skew, Node: 3, OffsetNs: ms(150)},
		Action{AtNs: ms(6000), Kind: Drift, Node: 3, DriftPPM: 500},
		Action{AtNs: ms(6500), Kind: IsolateLeader, UntilNs: ms(8000)},
		Action{AtNs: ms(7000), Kind: CrashLeader, UntilNs: ms(7000) + 1, Torn: true},
		Action{AtNs: ms(10000) + 1, Kind: Clog, From: 2, To: 1},
		Action{AtNs: ms(12000), Kind: Skew, Node: 3, OffsetNs: -1_500_000},
		Action{AtNs: ms(14000), Kind: PartitionLeader, UntilNs: ms(16000)},
		Action{AtNs: ms(30000), Kind: Heal},
		Action{AtNs: ms(30000), Kind: Restart, Node: 2},
		Action{AtNs: ms(30000), Kind: Drift, Node: 3},
		Action{AtNs: ms(30000), Kind: Unclog, From: 2, To: 1},
	)
}

func TestTextGolden(t *testing.T) {
	s := exampleSchedule()
	require.NoError(t, s.Validate())
	require.Equal(t, exampleText, s.String())
	got, err := ParseText(exampleText)
	require.NoError(t, err)
	require.Equal(t, s, got)
}

// TestPartitionLeaderDrift: a drifting partition-leader reads and prints its
// drift as an option, and holds every clock over its window.
func TestPartitionLeaderDrift(t *testing.T) {
	const text = "nodes 3\nquiet 10s\nend 12s\n1.000s partition-leader until=4s drift=-100000ppm\n"
	s, err := ParseText(text)
	require.NoError(t, err)
	want := Schedule{Nodes: 3, QuietAtNs: 10 * sec, EndNs: 12 * sec,
		Actions: []Action{{AtNs: ms(1000), Kind: PartitionLeader, UntilNs: ms(4000), DriftPPM: -100_000}}}
	require.Equal(t, want, s)
	require.Contains(t, s.String(), "1.000s partition-leader until=4s drift=-100000ppm\n")
	for _, bad := range []struct{ line, want string }{
		{"1.000s drift n1 +5ppm\n2.000s partition-leader until=4s drift=-5ppm\n3s drift n1 0ppm", "node 1 drifts +5ppm"},
		{"1.000s partition-leader until=4s drift=-5ppm\n4.000s drift n2 +5ppm\n5s drift n2 0ppm", "holds every clock until 4."},
		{"1.000s partition-leader until=4s drift=-300000ppm", "not within +-200000ppm"},
		{"1.000s drift n1 +5ppm drift=+5ppm\n2s drift n1 0ppm", "does not apply"},
	} {
		_, err := ParseText("nodes 3\nquiet 10s\nend 12s\n" + bad.line + "\n")
		require.ErrorContains(t, err, bad.want, bad.line)
	}
}

func TestParseTextAcceptsLooseInput(t *testing.T) {
	got, err := ParseText(`
		end 40s   # the header may come in any order
		nodes 5
		quiet 30000ms
		1.25s crash n2 torn          # decimal seconds
		1250000001ns partition {1, 2} | {3,4,5}
		1.5s link *->n2 latency=0..1.5ms dup=1/3
		30s restart n2
		30s heal
	`)
	require.NoError(t, err)
	require.Equal(t, sched(
		Action{AtNs: ms(1250), Kind: Crash, Node: 2, Torn: true},
		Action{AtNs: ms(1250) + 1, Kind: Partition, Groups: [][]int{{1, 2}, {3, 4, 5}}},
		Action{AtNs: ms(1500), Kind: Link, To: 2, Dup: prng.R(1, 3), LatencyMaxNs: 1_500_000},
		Action{AtNs: ms(30000), Kind: Restart, Node: 2},
		Action{AtNs: ms(30000), Kind: Heal},
	), got)
}

func TestParseTextErrorsNameTheLine(t *testing.T) {
	head := "nodes 5\nquiet 30s\nend 40s\n"
	cases := map[string]string{
		head + "1s crsh n2":                     "line 4: unknown kind \"crsh\"",
		head + "1s crash 2":                     "line 4: crash: want a node like n3 or *, got \"2\"",
		head + "1s crash n2 soft":               "line 4: crash: option \"soft\" does not apply",
		head + "1x crash n2":                    "line 4: time: duration \"1x\": want a number with unit",
		head + "1.5ns crash n2":                 "line 4: time: duration \"1.5ns\": not a whole number of nanoseconds",
		head + "1s oneway n1<->n2":              `line 4: oneway: want a link like n1->n2, got "n1<->n2"`,
		head + "1s link n1->n2 loss=x":          "line 4: link: option \"loss=x\": want a ratio like 1/10",
		head + "1s link n1->n2 dup=1/2 dup=1/3": "line 4: link: option \"dup\" given twice",
		head + "1s partition {1,2}{3}":          "line 4: partition: want groups like {1,2} | {3,4,5}",
		head + "\n1s crash n2\n2s crash n2":     "line 6: action 1 (at 2.000000000s, crash n2): node 2 is already crashed",
		"nodes 5\nquiet 30s\nnodes 4":           "line 3: second \"nodes\" header",
		"nodes five":                            "line 1: nodes: want an integer, got \"five\"",
		"nodes 5\nquiet 30s":                    "missing header line \"end\"",
	}
	for text, want := range cases {
		_, err := ParseText(text)
		require.ErrorContains(t, err, want, text)
	}
}

func TestDurations(t *testing.T) {
	good := map[string]int64{"0": 0, "0s": 0, "7ns": 7, "250us": 250_000, "1.5ms": 1_500_000,
		"1.25s": 1_250_000_000, "+150ms": 150_000_000, "-2s": -2 * sec, "0.000000001s": 1,
		"9223372036854775807ns": 9223372036854775807, "9223372036.854775807s": 9223372036854775807}
	for in, want := range good {
		got, err := parseDur(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "s", "1", "1.5ns", "1.0000000001s", ".5s", "1.s", "1e3ms",
		"9223372036854775808ns", "9223372036.854775808s", "--1s", "+-1s", "1 s", "1h"} {
		_, err := parseDur(in)
		require.Error(t, err, in)
	}
	require.Equal(t, "1.250s", formatFixed(1_250_000_000, 3))
	require.Equal(t, "1.2500001s", formatFixed(1_250_000_100, 3))
	require.Equal(t, "30s", formatFixed(30*sec, 0))
	require.Equal(t, "-0.000000001s", formatFixed(-1, 9))
	require.Equal(t, "1500us", formatDur(1_500_000))
	require.Equal(t, "-3s", formatDur(-3*sec))
	require.Equal(t, "+7ns", formatSigned(7))
}

// TestTextAndJSONRoundTripArbitrary: any schedule whose actions carry only
// their kind's fields (valid or not) survives text and JSON exactly.
func TestTextAndJSONRoundTripArbitrary(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := arbitrarySchedule(t)
		got, _, err := parseText(s.String())
		require.NoError(t, err, s.String())
		require.Equal(t, s, got, s.String())
		data, err := json.Marshal(s)
		require.NoError(t, err)
		back, err := parseJSON(data)
		require.NoError(t, err, string(data))
		require.Equal(t, s, back, string(data))
	})
}

// TestRoundTripGenerated: generated (valid) schedules survive the public
// ParseText and ParseJSON exactly.
func TestRoundTripGenerated(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := generated(t)
		got, err := ParseText(s.String())
		require.NoError(t, err)
		require.Equal(t, s, got)
		back, err := ParseJSON(s.JSON())
		require.NoError(t, err)
		require.Equal(t, s, back)
		viaDecode, err := Decode(s.JSON())
		require.NoError(t, err)
		require.Equal(t, s, viaDecode)
	})
}

func TestParseJSONRejects(t *testing.T) {
	_, err := ParseJSON([]byte(`{"nodes":3,"quiet_at_ns":10,"end_ns":20,"actions":[],"extra":1}`))
	require.ErrorContains(t, err, `unknown field "extra"`)
	_, err = ParseJSON([]byte(`{"nodes":3,"quiet_at_ns":10,"end_ns":20,"actions":[]} {}`))
	require.ErrorContains(t, err, "trailing data")
	_, err = ParseJSON([]byte(`{"nodes":3,"quiet_at_ns":10,"end_ns":20,"actions":[{"at_ns":5,"kind":"crash","node":4}]}`))
	require.EqualError(t, err, "action 0 (at 0.000000005s, crash n4): unknown node 4 (nodes are 1..3)")
}
