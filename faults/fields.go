package faults

// field is a bit set of the optional Action fields.
type field uint16

const (
	fNode field = 1 << iota
	fFrom
	fTo
	fGroups
	fTorn
	fOffset
	fDrift
	fLoss
	fDup
	fLatency
	fUntil
	fMinUp
	fMinDown
)

var fieldNames = []string{"node", "from", "to", "groups", "torn", "offset", "drift",
	"loss", "dup", "latency", "until", "min up", "min down"}

// kindFields lists the fields each kind uses; all others must be zero.
var kindFields = map[Kind]field{
	Partition:       fGroups,
	OneWay:          fFrom | fTo,
	Cut:             fFrom | fTo,
	Isolate:         fNode,
	Heal:            0,
	HealLink:        fFrom | fTo,
	Crash:           fNode | fTorn,
	Restart:         fNode,
	Pause:           fNode,
	Resume:          fNode,
	Skew:            fNode | fOffset,
	Drift:           fNode | fDrift,
	Link:            fFrom | fTo | fLoss | fDup | fLatency,
	Flap:            fFrom | fTo | fUntil | fMinUp | fMinDown,
	Clog:            fFrom | fTo,
	Unclog:          fFrom | fTo,
	IsolateLeader:   fUntil,
	CrashLeader:     fUntil | fTorn,
	CrashVoter:      fUntil,
	CrashNewLeader:  fUntil,
	ReplayLeader:    fUntil,
	AddNode:         fNode,
	RemoveNode:      fNode,
	ReplaceNode:     fFrom | fTo,
	PartitionLeader: fUntil | fDrift,
	ConfigSplit:     fUntil,
	JointSplit:      fUntil,
	LeaderRemoval:   fUntil,
	LeaseSplit:      fUntil,
	DiskStall:       fUntil,
	PauseLeader:     fUntil,
	LeaderLink:      fFrom | fTo | fUntil,
}

// presentFields returns the fields of a that are not zero. Ratio{0, d} with
// d != 0 counts as present: it is not the zero value and prints as "0/d".
func presentFields(a Action) field {
	var f field
	set := func(b field, on bool) {
		if on {
			f |= b
		}
	}
	set(fNode, a.Node != 0)
	set(fFrom, a.From != 0)
	set(fTo, a.To != 0)
	set(fGroups, a.Groups != nil)
	set(fTorn, a.Torn)
	set(fOffset, a.OffsetNs != 0)
	set(fDrift, a.DriftPPM != 0)
	set(fLoss, a.Loss.Num != 0 || a.Loss.Den != 0)
	set(fDup, a.Dup.Num != 0 || a.Dup.Den != 0)
	set(fLatency, a.LatencyMinNs != 0 || a.LatencyMaxNs != 0)
	set(fUntil, a.UntilNs != 0)
	set(fMinUp, a.MinUpNs != 0)
	set(fMinDown, a.MinDownNs != 0)
	return f
}

// firstName names the lowest field in the set.
func (f field) firstName() string {
	for i, name := range fieldNames {
		if f&(1<<i) != 0 {
			return name
		}
	}
	return "?"
}
