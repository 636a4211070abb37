package etcdraft_test

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/faultline-sim/faultline/sim"
)

// staleOp finds "history op N" in a linearizability message.
var staleOp = regexp.MustCompile(`\(history op (\d+)\)`)

// window is where a stale lease read of etcd sat: the node that answered,
// the older leader's span it was answered in, and the newer leader's start.
type window struct {
	node, oldLeader      int
	newLeader            int
	oldEpoch, newEpoch   uint64
	newStartNs, oldEndNs int64
	callNs, returnNs     int64
	overlapNs            int64 // the old leader's end after the new one's start
}

// leaseWindow attributes the stale read of a failing run r: ok false if the
// read does not sit in a window where an older leader still led after a
// newer one was elected.
func leaseWindow(t *testing.T, r *sim.Result) (window, bool) {
	t.Helper()
	m := staleOp.FindStringSubmatch(r.Violation)
	if m == nil {
		return window{}, false
	}
	i, _ := strconv.Atoi(m[1])
	op := r.History[i]
	w := window{node: op.Node, callNs: op.Call, returnNs: op.Return}
	for _, old := range r.Timeline.Leaders {
		if old.StartNs > op.Return || old.EndNs < op.Call {
			continue // did not lead while the read was open
		}
		for _, nw := range r.Timeline.Leaders {
			if nw.Epoch > old.Epoch && nw.StartNs < op.Return && nw.StartNs < old.EndNs {
				w.oldLeader, w.newLeader, w.oldEpoch, w.newEpoch = old.Node, nw.Node, old.Epoch, nw.Epoch
				w.newStartNs, w.oldEndNs, w.overlapNs = nw.StartNs, old.EndNs, old.EndNs-nw.StartNs
				return w, true
			}
		}
	}
	return w, false
}

// inWindow fails t unless r's stale read sits in two leaders' overlap that
// etcd's CheckQuorum allows: answered while the older leader still led
// after the newer was elected (by it, or by a follower it answered a
// forwarded ReadIndex), and the older one gone within two election timeouts of its
// own ticks (its CheckQuorum rounds) plus a tick of phase, slowed by at most
// the run's drift bound, after the newer leader started.
func inWindow(t *testing.T, what string, r *sim.Result) {
	t.Helper()
	w, ok := leaseWindow(t, r)
	if !ok {
		t.Fatalf("%s: the stale read is not in two leaders' overlap: %+v\n%s", what, w, r.Violation)
	}
	o := r.Options
	maxNs := (2*int64(o.ElectionTicks) + 1) * o.TickNs * (1_000_000 + int64(o.MaxDriftPPM)) / 1_000_000
	if w.overlapNs <= 0 || w.overlapNs > maxNs {
		t.Fatalf("%s: leaders overlap %dns, want in (0, %dns]: %+v", what, w.overlapNs, maxNs, w)
	}
}

// TestLeaseWindow: the regression entry of etcd's lease window (a default
// seed, no clock fault in its schedule) still fails, and its stale read was
// answered after a new leader was elected and before the old one's
// CheckQuorum deposed it (by a follower of the old leader, through ReadIndex).
func TestLeaseWindow(t *testing.T) {
	reg, err := sim.LoadRegression(leaseWindowEntry)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range reg.Options.Schedule.Actions {
		if a.DriftPPM != 0 || a.OffsetNs != 0 {
			t.Fatalf("%s: the entry has a clock fault %+v: want perfect clocks", leaseWindowEntry, a)
		}
	}
	r, err := sim.Run(reg.Seed, reg.Options)
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != sim.Violation || r.Check != "linearizability" {
		t.Fatalf("%s: %s %s, want a linearizability violation", leaseWindowEntry, r.Verdict, r.Check)
	}
	inWindow(t, leaseWindowEntry, r)
	w, _ := leaseWindow(t, r)
	t.Logf("%s: %+v", leaseWindowEntry, w)
}

// TestLeaseFailuresAreTheWindow: every failing seed of a short lease sweep
// (partition-leader, CheckQuorum, drift bound 1 ppm) fails by a stale read in
// the window; some do.
func TestLeaseFailuresAreTheWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("a sweep")
	}
	failed := 0
	for seed := uint64(1); seed <= leaseSweepSeeds; seed++ {
		r, err := sim.Run(seed, sim.Options{Protocol: "etcd", Faults: "partition-leader", ReadModes: "lease",
			CheckQuorum: sim.On, MaxDriftPPM: 1})
		if err != nil {
			t.Fatal(err)
		}
		if r.Verdict != sim.Pass {
			failed++
			inWindow(t, fmt.Sprintf("seed %d", seed), r)
		}
	}
	if failed == 0 {
		t.Fatalf("seeds 1-%d: no stale lease read: the window is not exercised", leaseSweepSeeds)
	}
}

// leaseWindowEntry is the regression entry of etcd's lease window.
const leaseWindowEntry = "../../testdata/regress/seed-47-etcd-lease-window.json"
