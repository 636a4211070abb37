package sim

import (
	"errors"
	"slices"
	"strconv"

	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/faultline-sim/faultline/replica"
)

// The operator: membership requests of the schedule (add-node, remove-node,
// replace-node) carried out the way an operator's tool does, through the
// leader's ProposeConfChange, one step at a time:
//   - a joining node is added as a learner, then promoted once the leader
//     knows it holds all but one message's worth of the committed log;
//   - with Options.Membership "joint" a replace is one change (C_old,new,
//     then C_new by auto-leave); with "single" every change alters at most
//     one voter (thesis §4.1), so a replace is an add, then a remove;
//   - the operator acts only on a configuration that is committed and not
//     joint; it polls every tick and as soon as a leader is elected, so a
//     new leader's first chance to change membership is taken (the
//     single-server-unsafe defect lets that change precede its no-op).
//
// Requests run concurrently, as from several operators (a person adding a
// node while an autopilot removes a dead one): each poll offers the leader
// the next change of each request in turn, starting with a different one
// each time, until the leader takes one. A request that cannot be done (its
// node is already in or gone) is skipped; one still unfinished when the
// quiet phase begins is abandoned (a learner may stay a learner; Raft
// leaves a joint configuration by itself). Independently of the operator,
// a node that a committed configuration no longer lists, after it was a
// member, is shut down for good (retired) three to ten election timeouts
// later, as an operator would: until then it runs, and may disrupt
// (thesis §4.2.3). Once retired, faults on it do nothing, clients skip it
// and the liveness check forgets its term.
type operator struct {
	active   []memberReq // requests in progress, in arrival order
	turn     int         // which request a poll offers first
	armed    bool        // a poll event is queued
	member   []bool      // hosts that have been in a configuration, by id
	mayVote  []bool      // hosts that were voters or asked to be, by id (campaign.go; nil until first used)
	retiring []bool      // hosts whose removal committed, by id
	retired  []bool      // hosts shut down after their removal, by id
	confIdx  uint64      // index of the newest configuration entry applied anywhere
	confs    int         // configuration entries applied anywhere (distinct, ascending indexes)
	taken    int         // changes a leader took (ChangeConfig without error), all requests
	eager    bool        // this run's operator also asks while a change is pending (askEagerly)
	eagerAt  uint64      // the pending configuration index it last asked at
	joint    waitSpan    // a leader's committed joint configuration, poll after poll (jointleft.go)
	rng      *prng.Rand
}

// memberReq is one membership request of the schedule in progress, and its
// last change the leader took: last at index lastIdx, by leader lastBy in
// term lastTerm.
type memberReq struct {
	idx      int // schedule index
	polls    int // polls spent on it
	last     string
	lastIdx  uint64
	lastBy   int
	lastTerm uint64
	wait     waitSpan // the leader's answers "not now" in a row
}

// waitSpan is a run of operator polls that found leader by, in term, in the
// same state (key: what the caller holds fixed), since sinceNs, its commit
// index then at commit; lastNs is the latest poll. moved is the first
// commit index seen above commit (0: none yet): the leader's first commit
// of its term, so above every entry it inherited.
type waitSpan struct {
	by      int
	term    uint64
	commit  uint64
	moved   uint64
	sinceNs int64
	lastNs  int64
	key     uint64
}

// stuck extends s by a poll of leader l (status st) in state key, or starts
// it anew: with another leader, term or key, or after a gap of more than
// two rounds of the operator's polls. It reports whether the span has
// lasted stuckElections election timeouts while l committed and applied an
// entry of its term; the caller fails the run then and clears s.
func (w *world) stuck(s *waitSpan, l int, st *replica.Status, key uint64) bool {
	gap := 2 * int64(len(w.op.active)+1) * w.o.TickNs
	if s.by != l || s.term != st.Epoch || s.key != key || w.now()-s.lastNs > gap {
		*s = waitSpan{by: l, term: st.Epoch, commit: st.Commit, sinceNs: w.now(), lastNs: w.now(), key: key}
		return false
	}
	s.lastNs = w.now()
	if s.moved == 0 && st.Commit > s.commit {
		s.moved = st.Commit
	}
	// Judged once the leader applied its first commit of the term too: etcd
	// refuses while an inherited entry is not applied (seed 1 of its sweep:
	// a leader whose commit waited on a sync answered at commit 204, applied 161).
	return s.moved > 0 && st.Applied >= s.moved && w.now()-s.sinceNs > stuckElections*int64(w.o.ElectionTicks)*w.o.TickNs
}

// stuckElections bounds, in election timeouts, how long a leader that
// commits may answer "not now" to a change from its committed, non-joint
// configuration: once it has committed and applied an entry of its term
// nothing is pending (a core that refuses every change stays silent otherwise: the
// request is abandoned at the quiet phase, raft/confchange.go:21 >->>=).
const stuckElections = 5

// waited records a "not now" answer of leader l (status st) to request r,
// and fails the membership check when l went on committing all the while.
func (w *world) waited(r *memberReq, l int, st replica.Status) {
	s := &r.wait
	// A run is unbroken while no change is taken from any request (one in
	// flight is a reason to wait: etcd-io/raft refuses while a change is not
	// yet applied, seed 1553), and this request asks again within the gap.
	if w.stuck(s, l, &st, uint64(w.op.taken)) {
		w.inv.MembershipFailed(w.now(), l, "leader "+strconv.Itoa(l)+" of term "+strconv.FormatUint(st.Epoch, 10)+
			" answered change requests with \"not now\" for "+fmtNs(w.now()-s.sinceNs)+" while committing from index "+
			strconv.FormatUint(s.commit, 10)+" to "+strconv.FormatUint(st.Commit, 10)+", its configuration committed and not joint")
		*s = waitSpan{}
	}
}

// maxPollsPerRequest bounds the ticks one request may take before the
// operator gives up on it (it is traced as abandoned).
const maxPollsPerRequest = 10_000

// idle reports whether no membership change is under way: no request in
// progress and every removed host already shut down. Only then is a calm
// span of the fault phase held to the leader bound (a leader removed by
// C_new steps down, and a removed host may campaign until it is retired).
func (op *operator) idle() bool {
	for id, r := range op.retiring {
		if r && !op.retired[id] {
			return false
		}
	}
	return len(op.active) == 0
}

func (w *world) initOperator() {
	op := &w.op
	op.member = make([]bool, len(w.hosts))
	op.retiring = make([]bool, len(w.hosts))
	op.retired = make([]bool, len(w.hosts))
	op.rng = w.rng.Fork("operator")
	op.eager = w.rng.Fork("operator-eager").IntN(2) == 0 // a fork of its own: the other draws stay as they were
	for i := 1; i <= w.o.Nodes; i++ {
		op.member[i] = true
	}
}

// startRequest takes up membership request i of the schedule.
func (w *world) startRequest(i int) {
	if w.live.InQuiet() || w.rt.holds(i, w.sched.Actions[i]) {
		return
	}
	w.op.active = append(w.op.active, memberReq{idx: i})
	w.armOperator(w.now())
}

// armOperator queues a poll at atNs unless one is queued.
func (w *world) armOperator(atNs int64) {
	if w.op.armed || len(w.op.active) == 0 {
		return
	}
	w.op.armed = true
	w.push(atNs, event{kind: evOperator})
}

// operatorPoll offers the leader the next change of each request in turn.
// An extra poll (at an election) does not re-arm the periodic one.
func (w *world) operatorPoll(extra bool) {
	op := &w.op
	if !extra {
		op.armed = false
	}
	if w.live.InQuiet() {
		for len(op.active) > 0 {
			w.finishRequest(0, "abandoned")
		}
		return
	}
	if n := len(op.active); n > 0 {
		op.turn++
		for k := range n {
			i := (op.turn + k) % n
			if op.active[i].polls++; op.active[i].polls > maxPollsPerRequest {
				w.finishRequest(i, "abandoned")
				break
			}
			if w.operatorStep(i) {
				break
			}
		}
	}
	if !extra {
		w.armOperator(w.now() + w.o.TickNs)
	}
}

// operatorStep proposes the next change of request i through the leader,
// or finishes it when nothing is left to change. It reports whether the
// poll is over (a change was proposed, refused for now, or the request
// finished, which shifts the list).
func (w *world) operatorStep(i int) bool {
	a := w.sched.Actions[w.op.active[i].idx]
	l := w.currentLeader()
	if l == 0 {
		return true
	}
	h := w.hosts[l]
	st := h.node.Status()
	if st.ConfigIndex > st.Commit || st.Membership.IsJoint() {
		w.checkJointLeft(l, &st)
		w.askEagerly(a, h, st)
		return true // the last change is not done yet
	}
	cc, status := w.nextChange(a, h, st)
	if status != "" {
		w.finishRequest(i, status)
		return true
	}
	if len(cc.Steps) == 0 {
		return false // waiting for a learner to catch up: offer the next request
	}
	if !w.batchPromotions(&cc, i, h, st) {
		return false // another joining node is still catching up
	}
	r := &w.op.active[i]
	desc := describeChange(cc)
	if r.last == desc && r.lastBy == l && r.lastTerm == st.Epoch && st.ConfigIndex == r.lastIdx && st.Applied >= r.lastIdx {
		// The configuration in force is this very change, committed and
		// applied (a protocol may take a change into force when it applies
		// it, as etcd-io/raft does) by the same leader in the same term (a
		// leader never overwrites its own entries), and no change came
		// after it: it had no effect.
		w.inv.MembershipFailed(w.now(), l, "change "+desc+" committed at index "+strconv.FormatUint(r.lastIdx, 10)+
			" by leader "+strconv.Itoa(l)+" without effect: the configuration still asks for it")
	}
	w.askedVoters(cc)
	idx, err := h.node.ChangeConfig(cc)
	line := w.tr.Begin(w.now(), l, "operator").Str("propose", desc)
	switch {
	case err == nil:
		r.last, r.lastIdx, r.lastBy, r.lastTerm, r.wait = desc, idx, l, st.Epoch, waitSpan{}
		w.op.taken++
		line.Int("i", int64(idx)).End()
		w.rt.configProposed(l, cc, st.Membership) // config-split: may cut l off before the entry leaves
		h.pump()
	case errors.Is(err, replica.ErrConfigRejected):
		// The change comes from the committed, non-joint configuration
		// and the plan's rules: valid unless it removes the last voter
		// (seed 1576: a cluster of one asked to remove it).
		line.Str("err", "invalid").End()
		if leavesVoters(cc, st.Membership) {
			w.inv.MembershipFailed(w.now(), l, "leader "+strconv.Itoa(l)+" refused change "+desc+" as invalid")
		}
		w.finishRequest(i, "skipped")
	default:
		line.Str("err", "wait").End() // not leader any more, or an entry of its term not yet committed
		w.waited(r, l, st)
	}
	return true
}

// askEagerly is an operator that does not wait for the last change to be
// done, as a second tool or a person in a hurry does: in eager runs, once
// per pending configuration entry, it offers the leader the request's next
// change anyway. Raft allows one change at a time (thesis §4.1), so the
// leader must refuse it; any refusal will do, and changes nothing here.
func (w *world) askEagerly(a faults.Action, h *host, st replica.Status) {
	if !w.op.eager || w.op.eagerAt == st.ConfigIndex {
		return
	}
	w.op.eagerAt = st.ConfigIndex
	cc, status := w.nextChange(a, h, st)
	if status != "" || len(cc.Steps) == 0 {
		return
	}
	desc := describeChange(cc)
	idx, err := h.node.ChangeConfig(cc)
	line := w.tr.Begin(w.now(), h.id, "operator").Str("eager", desc)
	if err != nil {
		line.Str("err", "refused").End()
		return
	}
	line.Int("i", int64(idx)).End()
	w.inv.MembershipFailed(w.now(), h.id, "leader "+strconv.Itoa(h.id)+" took change "+desc+" at index "+
		strconv.FormatUint(idx, 10)+" while configuration entry "+strconv.FormatUint(st.ConfigIndex, 10)+
		" was not committed or was joint (commit "+strconv.FormatUint(st.Commit, 10)+")")
	h.pump()
}

func (w *world) finishRequest(i int, status string) {
	w.tr.Begin(w.now(), 0, "operator").Str(status, w.sched.Actions[w.op.active[i].idx].String()).End()
	w.op.active = slices.Delete(w.op.active, i, i+1)
}

// configApplied is called when host node applies the configuration entry
// at index: the checker learns it, and members it dropped are retired.
func (w *world) configApplied(node int, index uint64, cs replica.Membership) {
	voters := slices.Concat(cs.Voters, cs.VotersOutgoing)
	slices.Sort(voters)
	ids := make([]int, 0, len(voters))
	for _, v := range slices.Compact(voters) {
		ids = append(ids, int(v))
	}
	w.inv.Config(w.now(), index, ids)
	if index <= w.op.confIdx {
		return // a lagging host catching up on an older configuration
	}
	w.op.confIdx = index
	// Each change taken makes at most two entries (a joint one and its
	// leave); more is a configuration no one asked for (make mutate:
	// raft/confchange.go:264 appending a leave to every commit).
	if w.op.confs++; w.op.confs > 2*w.op.taken {
		w.inv.MembershipFailed(w.now(), node, "configuration entry "+strconv.FormatUint(index, 10)+" is the "+
			strconv.Itoa(w.op.confs)+"th applied, for "+strconv.Itoa(w.op.taken)+" changes taken: an entry no change asked for")
	}
	w.tr.Begin(w.now(), node, "config").Int("i", int64(index)).Str("voters", joinIDs(cs.Voters)).
		Str("outgoing", joinIDs(cs.VotersOutgoing)).Str("learners", joinIDs(cs.Learners)).End()
	in := func(n int) bool {
		id := uint64(n)
		return slices.Contains(voters, id) || slices.Contains(cs.Learners, id)
	}
	for n := 1; n < len(w.hosts); n++ {
		switch {
		case in(n):
			// Back in a configuration (removed, then added again by
			// another request): it is no longer retiring (seed 54).
			w.op.member[n], w.op.retiring[n] = true, false
		case w.op.member[n] && !w.op.retiring[n] && !cs.IsJoint():
			w.op.retiring[n] = true
			et := int64(w.o.ElectionTicks) * w.o.TickNs
			w.push(w.now()+w.op.rng.Range(3*et, 10*et), event{kind: evRetire, node: n})
		}
	}
}

// retire shuts host n down for good: its removal is committed. An event of
// its own, since the host applying the configuration may be n itself.
func (w *world) retire(n int) {
	if !w.op.retiring[n] || w.op.retired[n] {
		return // added again since its removal, or retired by an earlier event
	}
	w.tr.Begin(w.now(), n, "retire").End()
	w.crash(n, false)
	w.op.retired[n] = true // after the crash: no restart from now on
	w.live.Retire(w.now(), n)
}

// joinIDs prints ids as "1,2,3", or "-" for none.
func joinIDs(ids []uint64) string {
	if len(ids) == 0 {
		return "-"
	}
	s := ""
	for i, id := range ids {
		if i > 0 {
			s += ","
		}
		s += strconv.FormatUint(id, 10)
	}
	return s
}

// nextHost is the host after t, in id order, that is not retired (t itself
// if every other host is).
func (w *world) nextHost(t int) int {
	for range len(w.hosts) {
		if t = t%(len(w.hosts)-1) + 1; !w.op.retired[t] {
			return t
		}
	}
	return t
}
