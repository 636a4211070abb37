package sim

import "github.com/faultline-sim/faultline/replica"

// defectSet is the planted host-side defect of a run. A protocol's own
// defects (replica.Protocol.Defects) are switched on by its adapter from
// Options.Defect.
type defectSet struct {
	kvNoDedup         bool
	voteBeforePersist bool // host sends messages before the fsync completes
	ackBeforeCommit   bool // host answers a write when it is proposed
	readLocal         bool // leader answers get from its own state
	pauseDropsTicks   bool // a resumed host runs one tick for all it missed
}

// DefectInfo names a planted defect and says what it breaks.
type DefectInfo = replica.Defect

// hostDefects are the defects of the host, whatever the protocol.
var hostDefects = []struct {
	DefectInfo
	set func(*defectSet)
}{
	{DefectInfo{Name: "vote-before-persist", Summary: "term, vote and entries are sent before they are durable; a crash forgets them", Catches: "one-leader-per-term"},
		func(d *defectSet) { d.voteBeforePersist = true }},
	{DefectInfo{Name: "ack-before-commit", Summary: "the host answers a write before its entry commits", Catches: "acked-write-lost, linearizability"},
		func(d *defectSet) { d.ackBeforeCommit = true }},
	{DefectInfo{Name: "read-local", Summary: "the leader answers get from its own state without confirming it still leads", Catches: "linearizability"},
		func(d *defectSet) { d.readLocal = true }},
	{DefectInfo{Name: "no-dedup", Summary: "client sessions are ignored, so a retried write applies twice", Catches: "linearizability"},
		func(d *defectSet) { d.kvNoDedup = true }},
	{DefectInfo{Name: "pause-drops-ticks", Summary: "a resumed host runs one tick for all those it missed while paused (a Go time.Ticker drops them), so a paused leader's lease clock stood still", Catches: "lease-overlap, then linearizability of lease reads: the pause-leader fault (corpus seed 90), and scenario lease-pause-drops-ticks"},
		func(d *defectSet) { d.pauseDropsTicks = true }},
}

// Defects lists the planted defects of protocol p (nil: raft) and then the
// host's, in a fixed order.
func Defects(p replica.Protocol) []DefectInfo {
	if p == nil {
		p = replica.Lookup("raft")
	}
	var out []DefectInfo
	if p != nil {
		out = append(out, p.Defects()...)
	}
	for _, d := range hostDefects {
		out = append(out, d.DefectInfo)
	}
	return out
}

func knownDefect(p replica.Protocol, name string) bool {
	for _, d := range Defects(p) {
		if d.Name == name {
			return true
		}
	}
	return false
}

// defectsOf switches on the named host defect ("" or a protocol's: none).
func defectsOf(name string) defectSet {
	var s defectSet
	for _, d := range hostDefects {
		if d.Name == name {
			d.set(&s)
		}
	}
	return s
}
