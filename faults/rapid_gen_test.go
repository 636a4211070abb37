package faults

import (
	"github.com/faultline-sim/faultline/internal/prng"
	"pgregory.net/rapid"
)

// Rapid generators shared by the property tests.

var anyNs = rapid.Int64Range(-1<<62, 1<<62)

func anyRatio(t *rapid.T, label string) prng.Ratio {
	if rapid.Bool().Draw(t, label+"-set") {
		return prng.R(rapid.Uint64().Draw(t, label+"-num"), rapid.Uint64().Draw(t, label+"-den"))
	}
	return prng.Ratio{}
}

// arbitraryAction fills exactly the fields a random kind uses, with any values.
func arbitraryAction(t *rapid.T) Action {
	a := Action{AtNs: anyNs.Draw(t, "at"), Kind: rapid.SampledFrom(AllKinds).Draw(t, "kind")}
	used := kindFields[a.Kind]
	node := rapid.IntRange(-3, 70)
	if used&fNode != 0 {
		a.Node = node.Draw(t, "node")
	}
	if used&fFrom != 0 {
		a.From, a.To = node.Draw(t, "from"), node.Draw(t, "to")
	}
	if used&fGroups != 0 {
		a.Groups = rapid.SliceOfN(rapid.SliceOfN(node, 1, 5), 1, 4).Draw(t, "groups")
	}
	if used&fTorn != 0 {
		a.Torn = rapid.Bool().Draw(t, "torn")
	}
	if used&fOffset != 0 {
		a.OffsetNs = anyNs.Draw(t, "offset")
	}
	if used&fDrift != 0 {
		a.DriftPPM = rapid.Int64().Draw(t, "drift")
	}
	if used&fLoss != 0 {
		a.Loss, a.Dup = anyRatio(t, "loss"), anyRatio(t, "dup")
		if rapid.Bool().Draw(t, "latency") {
			a.LatencyMinNs, a.LatencyMaxNs = anyNs.Draw(t, "lmin"), anyNs.Draw(t, "lmax")
		}
	}
	if used&fUntil != 0 {
		a.UntilNs = anyNs.Draw(t, "until")
	}
	if used&fMinUp != 0 {
		a.MinUpNs, a.MinDownNs = anyNs.Draw(t, "up"), anyNs.Draw(t, "down")
	}
	return a
}

func arbitrarySchedule(t *rapid.T) Schedule {
	s := Schedule{Nodes: rapid.Int().Draw(t, "nodes"), Voters: rapid.Int().Draw(t, "voters"), QuietAtNs: anyNs.Draw(t, "quiet"),
		EndNs: anyNs.Draw(t, "end")}
	for range rapid.IntRange(0, 12).Draw(t, "n") {
		s.Actions = append(s.Actions, arbitraryAction(t))
	}
	return s
}

// genOptions draws valid generator options.
func genOptions(t *rapid.T) GenOptions {
	et := rapid.Int64Range(1_000, 2*sec).Draw(t, "election")
	nodes := rapid.IntRange(1, 9).Draw(t, "nodes")
	return GenOptions{
		Nodes:             nodes,
		Voters:            rapid.IntRange(0, nodes).Draw(t, "voters"),
		ElectionTimeoutNs: et,
		DurationNs:        et * rapid.Int64Range(13, 200).Draw(t, "timeouts"),
		Intensity:         rapid.IntRange(0, 100).Draw(t, "intensity"),
		MaxDriftPPM:       rapid.Int64Range(1, MaxDriftPPM).Draw(t, "max_drift_ppm"),
	}
}

// generated draws a schedule from Generate.
func generated(t *rapid.T) Schedule {
	o := genOptions(t)
	return Generate(prng.New(rapid.Uint64().Draw(t, "seed")).Fork("faults"), o)
}
