package sim

import (
	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/faultline-sim/faultline/internal/trace"
	"github.com/faultline-sim/faultline/replica"
)

// The world's side of faultEnv: the only world methods run-time faults use.

func (w *world) rand() *prng.Rand { return w.faultRng }

func (w *world) note(node int, what string) trace.Line { return w.tr.Begin(w.now(), node, what) }

func (w *world) timer(atNs int64, ex execSlot, op uint8, node int, gen uint64) {
	w.push(atNs, event{kind: evExec, idx: int(ex), op: op, node: node, gen: gen})
}

func (w *world) hostCount() int { return w.o.hosts() }

func (w *world) tickNs() int64 { return w.o.TickNs }

func (w *world) electionNs() int64 { return int64(w.o.ElectionTicks) * w.o.TickNs }

func (w *world) view(n int) hostView {
	h := w.hosts[n]
	v := hostView{up: h.up, paused: h.paused, incarn: h.incarn, role: h.role}
	if h.up {
		st := h.node.Status()
		v.epoch, v.members = st.Epoch, st.Membership
	}
	return v
}

func (w *world) crash(n int, torn bool) {
	if h := w.hosts[n]; h.up {
		h.crash(torn)
	}
}

func (w *world) restart(n int) {
	if h := w.hosts[n]; !h.up && !w.op.retired[n] {
		h.restart()
	}
}

func (w *world) pause(n int) {
	if h := w.hosts[n]; h.up {
		h.pause()
	}
}

func (w *world) resume(n int) {
	if h := w.hosts[n]; h.up && h.paused {
		h.resume()
	}
}

func (w *world) cutBoth(a, b int) { _ = w.net.CutBoth(a, b) }

func (w *world) uncutBoth(a, b int) {
	_ = w.net.Uncut(a, b)
	_ = w.net.Uncut(b, a)
}

func (w *world) isolate(n int) { _ = w.net.Isolate(n) }

func (w *world) stallDisk(n int, untilNs int64) { w.hosts[n].stallUntil = untilNs }

func (w *world) healNode(n int) { w.healLink(n, 0) }

func (w *world) lastLeader() int {
	if s := w.stats.spans; len(s) > 0 {
		return s[len(s)-1].node
	}
	return 0
}

func (w *world) initialVoters() int { return w.o.Nodes }

// currentLeader is the highest-term leader that is up and running; 0 if none.
func (w *world) currentLeader() int {
	best, term := 0, uint64(0)
	for _, h := range w.hosts[1:] {
		if h.up && !h.paused && h.role == replica.Leader {
			if t := h.node.Status().Epoch; t > term {
				best, term = h.id, t
			}
		}
	}
	return best
}

// setDrifts sets node n's clock drift to ppm and every other's to others.
func (w *world) setDrifts(n int, ppm, others int64) {
	for _, h := range w.hosts[1:] {
		d := others
		if h.id == n {
			d = ppm
		}
		h.clk.SetDriftPPM(w.now(), d)
		h.clockChanged()
	}
}

func (w *world) releaseRequests(idx []int) {
	for _, i := range idx {
		w.op.active = append(w.op.active, memberReq{idx: i})
	}
	w.armOperator(w.now())
}

func (w *world) pendingRemovals() []int {
	var out []int
	for _, r := range w.op.active {
		if a := w.sched.Actions[r.idx]; a.Kind == faults.RemoveNode {
			out = append(out, a.Node)
		}
	}
	return out
}
