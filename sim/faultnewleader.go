package sim

import (
	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/faultline-sim/faultline/replica"
)

// newLeaderFault is the state of a crash-new-leader window: until untilNs,
// a leader crashes either as it is elected or at its first commit of the
// term (see leaderCommitting). The Ready it crashes at is durable (and
// applied), but its messages never leave (the process dies first: to the
// others, the same as losing them), and the host takes nothing more in
// until the crash, an event at the same time. It restarts after two to four
// election timeouts, long enough for another node to be elected and to
// commit. Together
// the two crashes make Raft Figure 8: a node alone with a newer-term entry
// (the no-op of a leader crashed as elected), then a leader that commits
// earlier-term entries by counting replicas and crashes before any
// follower holds an entry of its own term. A correct leader's first commit
// covers its own no-op on a majority, so the crash costs it nothing.
type newLeaderFault struct {
	crashWindow
	seenTerm []uint64 // per host, the last term it was seen leading in
	armed    []bool   // per host, waiting for the first commit of seenTerm
}

// leaderCommitting is called as host h finishes a Ready whose writes are
// durable, before it sends. At a leader's first Ready of a term in the
// window, three times in four it crashes right there (its no-op stays on
// its own disk: a newer entry that no one else holds), else it is armed to
// crash at its first commit of the term. The ratio and the downtime were
// tuned on commit-old-term with only this fault and max-entries=1 (seeds
// 1-200): 1/2 and one to two timeouts caught 25, these 49.
func (w *world) leaderCommitting(h *host, rd *replica.Ready) {
	f := &w.newLeader
	if h.role != replica.Leader || w.now() >= f.untilNs {
		return
	}
	if f.seenTerm == nil {
		f.seenTerm = make([]uint64, len(w.hosts))
		f.armed = make([]bool, len(w.hosts))
	}
	switch term := h.node.Status().Epoch; {
	case f.seenTerm[h.id] != term:
		f.seenTerm[h.id] = term
		f.armed[h.id] = w.faultRng.Chance(prng.R(1, 4))
		if f.armed[h.id] {
			return
		}
	case f.armed[h.id] && rd.Commit > h.commit:
		f.armed[h.id] = false
	default:
		return
	}
	rd.Messages = nil
	h.pause()
	w.push(w.now(), event{kind: evNewLeaderCrash, node: h.id, gen: h.incarn})
}

// newLeaderCrash crashes host n unless it crashed or restarted meanwhile.
func (w *world) newLeaderCrash(n int, gen uint64) {
	h := w.hosts[n]
	if !h.up || h.incarn != gen {
		return
	}
	electionNs := int64(w.o.ElectionTicks) * w.o.TickNs
	w.crashFor(&w.newLeader.crashWindow, h, w.faultRng.Range(2*electionNs, 4*electionNs), evNewLeaderRestart)
}
