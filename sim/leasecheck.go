package sim

import (
	"fmt"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/replica"
)

// The lease checks: a lease that vouches must be the only leadership
// (checkOverlap), and a lease must vouch at all (leaseUse).

// CheckLeaseServed names the lease-use check.
const CheckLeaseServed = "lease-served"

// leaseUse is the lease-use check. A lease read that the lease refuses
// falls back to ReadIndex, so a protocol whose lease never holds passes
// every other check while it never serves a read without a round trip,
// the point of the mode (make mutate: a lease that counts no ack as fresh).
// In the quiet phase, past its first settleElections, nothing is cut and a
// leader hears every follower each heartbeat; when the lease outlasts a
// heartbeat round (leaseOutlastsRound) the leader holds it most of the time.
// Invariant: asked counts the lease reads asked of a leader there, served
// those its lease served.
type leaseUse struct {
	asked, served int
	// beyondDrift: the schedule drifts a clock past the run's bound (set
	// with the schedule).
	beyondDrift bool
}

// leaseMinAsked is how many asks without one served make a failure.
const leaseMinAsked = 20

// leaseSettleElections is how long the quiet phase runs, in election
// timeouts, before asks count: long enough to elect a leader and commit.
const leaseSettleElections = 4

// noteLease counts a lease read asked of h, served if ok, and checks that
// a lease that vouched overlaps no later leadership.
func (w *world) noteLease(h *host, ok bool) {
	if ok {
		w.checkOverlap(h)
	}
	if h.role != replica.Leader || w.now() < w.sched.QuietAtNs+leaseSettleElections*w.electionNs() {
		return
	}
	w.lease.asked++
	if ok {
		w.lease.served++
	}
}

// checkOverlap fails h's lease if h does not lead (make mutate: paxos
// lease.go:38, a lease that a follower of a one-node world holds), or if
// another host, up, leads a later epoch (as its last RoleChange said). A
// schedule that drifts a clock past the
// run's bound breaks the lease's clock assumption: not checked there (a
// stale read it causes is reported as lease-clock-assumption).
func (w *world) checkOverlap(h *host) {
	if st := h.node.Status(); st.Role != replica.Leader {
		w.inv.LeaseNotLeader(w.now(), h.id, st.Epoch)
		return
	}
	if w.lease.beyondDrift {
		return
	}
	for _, y := range w.hosts[1:] {
		if y != h && y.up && y.role == replica.Leader && y.epoch > h.epoch {
			w.inv.LeaseOverlap(w.now(), h.id, h.epoch, y.id, y.epoch)
			return
		}
	}
}

// leaseOutlastsRound reports whether a lease of L = et - margin - 1 ticks
// outlasts a heartbeat interval plus a round trip at the longest latency,
// with a sync on either side, and two ticks of phase.
func (w *world) leaseOutlastsRound() bool {
	o := w.o
	lease := int64(o.ElectionTicks - leaseMarginTicks(o.ElectionTicks, o.MaxDriftPPM) - 1)
	round := (2*(o.LatencyMaxNs+o.FsyncNs) + o.TickNs - 1) / o.TickNs
	return lease >= int64(o.HeartbeatTicks)+round+2
}

// leaseVouches reports whether the protocol's LeaseRead can vouch in this
// run: not etcd-io/raft's (LeaseByReadIndex: it never does), and where
// CheckQuorum is an option (our Raft), only with it on.
func (w *world) leaseVouches() bool {
	return !w.caps.LeaseByReadIndex && (!w.caps.CheckQuorum || w.o.CheckQuorum == On)
}

// leaseUseCheck fails a run whose leaders, asked for lease reads in the
// quiet phase at least leaseMinAsked times, never served one.
func (w *world) leaseUseCheck() *checker.Violation {
	u := w.lease
	if u.served > 0 || u.asked < leaseMinAsked || !w.leaseOutlastsRound() || !w.leaseVouches() {
		return nil
	}
	return &checker.Violation{Check: CheckLeaseServed, AtNs: w.now(),
		Msg: fmt.Sprintf("leaders were asked for %d lease reads in the quiet phase and served none, though the lease outlasts a heartbeat round", u.asked)}
}
