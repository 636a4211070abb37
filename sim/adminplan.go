package sim

// The changes the operator proposes: the next step of a request toward its
// target configuration, promotions batched into one joint change, and the
// catch-up rule for learners (see admin.go for the operator itself).

import (
	"slices"
	"strconv"

	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/replica"
)

// nextChange is the change that moves the committed configuration st.Config
// toward request a; status is non-empty when the request is done or cannot
// be done.
func (w *world) nextChange(a faults.Action, h *host, st replica.Status) (replica.ConfigChange, string) {
	cs := st.Membership
	single := w.o.Membership == "single"
	isVoter := func(n int) bool { return slices.Contains(cs.Voters, uint64(n)) }
	isLearner := func(n int) bool { return slices.Contains(cs.Learners, uint64(n)) }
	one := func(t replica.ConfigStepType, n int) replica.ConfigChange {
		return replica.ConfigChange{Steps: []replica.ConfigStep{{Type: t, Node: uint64(n)}}, Simple: single}
	}
	// join brings n in as a learner and promotes it once caught up; with
	// also (joint mode) the promotion removes that voter in the same change.
	join := func(n, also int) (replica.ConfigChange, string) {
		switch {
		case w.op.retired[n]:
			return replica.ConfigChange{}, "skipped"
		case !isVoter(n) && !isLearner(n):
			return one(replica.AddLearner, n), ""
		case isLearner(n) && !w.caughtUp(h, n, st):
			return replica.ConfigChange{}, ""
		case isLearner(n):
			cc := one(replica.AddVoter, n)
			if also > 0 && !single && isVoter(also) {
				cc.Steps = append(cc.Steps, replica.ConfigStep{Type: replica.RemoveNode, Node: uint64(also)})
			}
			return cc, ""
		}
		return replica.ConfigChange{}, "done"
	}
	switch a.Kind {
	case faults.AddNode:
		if isVoter(a.Node) {
			return replica.ConfigChange{}, "done"
		}
		return join(a.Node, 0)
	case faults.RemoveNode:
		if !isVoter(a.Node) && !isLearner(a.Node) {
			return replica.ConfigChange{}, "done"
		}
		return one(replica.RemoveNode, a.Node), ""
	default: // ReplaceNode
		if cc, status := join(a.To, a.From); status != "done" {
			return cc, status
		}
		if isVoter(a.From) || isLearner(a.From) {
			return one(replica.RemoveNode, a.From), ""
		}
		return replica.ConfigChange{}, "done"
	}
}

// batchPromotions adds to a joint change that promotes a learner the
// promotions other requests are ready for, so that nodes joining together
// enter in one C_old,new (seed 001: C4 and C5 at once). It reports false
// while another joining node is still catching up, for at most
// batchWaitElections election timeouts of request i.
func (w *world) batchPromotions(cc *replica.ConfigChange, i int, h *host, st replica.Status) bool {
	if cc.Simple || cc.Steps[0].Type != replica.AddVoter {
		return true
	}
	patient := w.op.active[i].polls < batchWaitElections*w.o.ElectionTicks
	for j, r := range w.op.active {
		if j == i {
			continue
		}
		more, status := w.nextChange(w.sched.Actions[r.idx], h, st)
		if status != "" || len(more.Steps) > 0 && more.Steps[0].Type == replica.RemoveNode {
			continue
		}
		if len(more.Steps) == 0 || more.Steps[0].Type != replica.AddVoter {
			if patient {
				return false
			}
			continue
		}
		for _, c := range more.Steps {
			if !slices.ContainsFunc(cc.Steps, func(x replica.ConfigStep) bool { return x.Node == c.Node }) {
				cc.Steps = append(cc.Steps, c)
			}
		}
	}
	return true
}

// batchWaitElections bounds how long a caught-up learner waits for others
// to catch up, in election timeouts.
const batchWaitElections = 3

// caughtUp reports whether the leader knows learner n holds the committed
// log but for at most catchUpLag entries (those in flight under load).
func (w *world) caughtUp(leader *host, n int, st replica.Status) bool {
	m, ok := leader.node.Match(uint64(n))
	w.checkMatch(leader, n, m, ok, st)
	return ok && m > 0 && m+catchUpLag >= st.Commit
}

// catchUpLag is how far behind the commit index a learner may be promoted.
const catchUpLag = 4

// leavesVoters reports whether cc leaves cs with a voter.
func leavesVoters(cc replica.ConfigChange, cs replica.Membership) bool {
	voters := slices.Clone(cs.Voters)
	for _, c := range cc.Steps {
		switch c.Type {
		case replica.AddVoter:
			voters = append(voters, c.Node)
		case replica.RemoveNode:
			voters = slices.DeleteFunc(voters, func(v uint64) bool { return v == c.Node })
		}
	}
	return len(voters) > 0
}

// describeChange prints a change for the trace: "+l4 +v4 -3 single".
func describeChange(cc replica.ConfigChange) string {
	s := ""
	for _, c := range cc.Steps {
		s += [...]string{"", "+v", "+l", "-"}[c.Type] + strconv.FormatUint(c.Node, 10) + " "
	}
	if cc.Simple {
		return s + "single"
	}
	return s + "joint"
}
