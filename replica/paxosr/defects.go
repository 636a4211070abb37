package paxosr

import (
	"github.com/faultline-sim/faultline/paxos"
	"github.com/faultline-sim/faultline/replica"
)

// catalogue lists the planted defects of the Paxos core, in the order
// simrun prints them; each is one switch in paxos.Defects.
var catalogue = []struct {
	replica.Defect
	set func(*paxos.Defects)
}{
	{replica.Defect{Name: "accept-first", Summary: "acceptors keep the first value they get for a slot and acknowledge every later one, without phase-1 promises (the seeds' Accept First: split votes)", Catches: "log-matching (the committed streams differ), paxos-ballot-value (corpus seed 1)"},
		func(d *paxos.Defects) { d.AcceptFirst = true }},
	{replica.Defect{Name: "accept-last", Summary: "acceptors accept every value whatever its ballot, the newest overwriting (the seeds' Accept Last: conflicting choices)", Catches: "paxos-one-value, log-matching (corpus seed 8); scenario paxos-accept-last-race"},
		func(d *paxos.Defects) { d.AcceptLast = true }},
	{replica.Defect{Name: "prepare-equal-id", Summary: "acceptors answer a Prepare whose ballot equals the promised one (< instead of <=)", Catches: "paxos-promise: a Prepare the network delivers twice is granted twice (corpus seed 5); no safety check, ballots being unique"},
		func(d *paxos.Defects) { d.PrepareEqualID = true }},
	{replica.Defect{Name: "proposer-ignores-accepted", Summary: "a new leader re-proposes its own values, ignoring the accepted values the promises report", Catches: "paxos-one-value, log-matching (corpus seed 1)"},
		func(d *paxos.Defects) { d.ProposerIgnoresAccepted = true }},
	{replica.Defect{Name: "skip-recovery", Summary: "a new leader skips re-proposing [commit, max]: its new commands start at commit+1, over slots others accepted", Catches: "log-matching, paxos-one-value (corpus seed 1)"},
		func(d *paxos.Defects) { d.SkipRecovery = true }},
	{replica.Defect{Name: "apply-past-hole", Summary: "a node applies the chosen slots after a hole, taking the hole as a no-op", Catches: "log-matching, paxos-chosen (corpus seed 1)"},
		func(d *paxos.Defects) { d.ApplyPastHole = true }},
	{replica.Defect{Name: "reply-before-durable", Summary: "Promise and Accepted replies leave before the promise or accept they vouch for is synced", Catches: "paxos-durable: a restarted acceptor lost a promise its reply vouched for (corpus seed 1)"},
		func(d *paxos.Defects) { d.ReplyBeforeDurable = true }},
	{replica.Defect{Name: "prepare-in-lease", Summary: "acceptors grant a Prepare while in a leader's lease, so a deposed leader serves lease reads", Catches: "lease-overlap: the deposed leader's lease vouches for a read while the new leader leads (corpus seed 273); without it, paxos-lease: an acceptor grants another proposer's Prepare before its lease ends; without both, linearizability: a stale lease read (seeds 273, 466, 484 of 1-1000)"},
		func(d *paxos.Defects) { d.PrepareInLease = true }},
	{replica.Defect{Name: "catch-up-empty", Summary: "the leader's catch-up sends a lagging acceptor a Commit without the chosen slots it lacks, so a follower that missed Accepts never learns them (a snapshot still reaches one behind the leader's)", Catches: "catch-up: a voter that lagged at quiet start applies nothing more"},
		func(d *paxos.Defects) { d.CatchUpEmpty = true }},
}

// Defects implements replica.Protocol.
func (Protocol) Defects() []replica.Defect {
	out := make([]replica.Defect, len(catalogue))
	for i, d := range catalogue {
		out[i] = d.Defect
	}
	return out
}
