package sim

import (
	"fmt"
	"slices"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/replica"
)

// CheckCatchUp names the quiet phase's catch-up check.
const CheckCatchUp = "catch-up"

// catchUp is what the quiet phase's catch-up check compares against: the
// highest commit index any host reported when the quiet phase began, and
// each host's applied index and incarnation then. A host that ran the whole
// quiet phase (same incarnation, not paused) and is a member of the final
// leader's configuration must have applied everything committed when the
// quiet phase began within the op bound (liveBounds().OpNs, what a client's
// operation gets) of its start: the healed network lets its leader send it
// what it lacks, by entries or a snapshot. Without this a follower that
// never learns what was chosen (a catch-up that sends nothing, a snapshot
// that never installs, a lost last append never resent) or learns it at a
// crawl (pipelining that collapses under reordering) passes every other
// check, since clients talk to the leader. Measured at seeds 1-1000 with the
// outage fault: a correct host catches up within 0.29 op bounds (raft),
// 0.28 (etcd) and 0.11 (paxos, windowed catch-up).
type catchUp struct {
	started bool
	commit  uint64   // highest commit index reported by any up host at quiet start
	applied []uint64 // by host id: applied index at quiet start
	incarn  []uint64 // by host id: incarnation at quiet start; up hosts only
	up      []bool   // by host id: the process ran at quiet start
	doneNs  []int64  // by host id: when it first applied commit in the quiet phase; 0: not yet
}

// catchUpApplied notes when h first applies what was committed at quiet start.
func (w *world) catchUpApplied(h *host) {
	if c := &w.catch; c.started && c.doneNs[h.id] == 0 && h.applied >= c.commit {
		c.doneNs[h.id] = w.now()
	}
}

// catchUpStart records the hosts' state as the quiet phase begins.
func (w *world) catchUpStart() {
	c := &w.catch
	if c.started {
		return
	}
	c.started = true
	c.applied = make([]uint64, len(w.hosts))
	c.incarn = make([]uint64, len(w.hosts))
	c.up = make([]bool, len(w.hosts))
	c.doneNs = make([]int64, len(w.hosts))
	for id := 1; id < len(w.hosts); id++ {
		h := w.hosts[id]
		if !h.up {
			continue
		}
		c.up[id], c.applied[id], c.incarn[id] = true, h.applied, h.incarn
		c.commit = max(c.commit, h.node.Status().Commit)
	}
	for id := 1; id < len(w.hosts); id++ {
		if h := w.hosts[id]; c.up[id] && h.applied >= c.commit {
			c.doneNs[id] = w.now()
		}
	}
}

// catchUpCheck is the first host, by id, that has not applied all that was
// committed at quiet start by the end, or not within the op bound (see
// catchUp); nil if none, or if no host leads at the end (the leader bound
// judges that).
func (w *world) catchUpCheck() *checker.Violation {
	c := &w.catch
	members, ok := w.finalMembers()
	if !c.started || !ok {
		return nil
	}
	bound := w.liveBounds().OpNs
	for id := 1; id < len(w.hosts); id++ {
		h := w.hosts[id]
		if !c.up[id] || !h.up || h.paused || h.incarn != c.incarn[id] || !slices.Contains(members, uint64(id)) {
			continue
		}
		if h.applied < c.commit {
			return &checker.Violation{Check: CheckCatchUp, AtNs: w.now(), Nodes: []int{id},
				Msg: fmt.Sprintf("node %d applied %d at quiet start (%s), when a node had committed %d, and only %d by the end (%s): want at least %d",
					id, c.applied[id], fmtNs(w.sched.QuietAtNs), c.commit, h.applied, fmtNs(w.now()), c.commit)}
		}
		if late := c.doneNs[id] - w.sched.QuietAtNs; late > bound {
			return &checker.Violation{Check: CheckCatchUp, AtNs: c.doneNs[id], Nodes: []int{id},
				Msg: fmt.Sprintf("node %d applied %d at quiet start (%s), when a node had committed %d, and reached it only %s later: want within %s (the op bound)",
					id, c.applied[id], fmtNs(w.sched.QuietAtNs), c.commit, fmtNs(late), fmtNs(bound))}
		}
	}
	return nil
}

// finalMembers are the voters (both halves, if joint) and learners of the
// configuration of the leader of the highest epoch at the end of the run;
// ok false if none leads. A learner added after the leader's last
// compaction needs a snapshot of a configuration that holds it (etcd seeds
// 47, 311: etcd-io/raft ignores one that does not, and our adapter once
// sent it the older snapshot again and again).
func (w *world) finalMembers() ([]uint64, bool) {
	var best replica.Status
	found := false
	for id := 1; id < len(w.hosts); id++ {
		h := w.hosts[id]
		if !h.up || h.paused {
			continue
		}
		if st := h.node.Status(); st.Role == replica.Leader && (!found || st.Epoch > best.Epoch) {
			best, found = st, true
		}
	}
	if !found {
		return nil, false
	}
	m := best.Membership
	return append(append(append([]uint64(nil), m.Voters...), m.Learners...), m.VotersOutgoing...), true
}
