package checker

import (
	"cmp"
	"fmt"
	"slices"
)

// configAt is a voter set effective from a log index on.
type configAt struct {
	index  uint64
	voters []int // ascending
}

// Config records that the configuration entry at index makes voters the
// voter set from index on. Report it when a node applies the entry (as with
// etcd's ApplyConfChange), from one node or from each: reporting an index
// again must give the same set (else CheckConfig), and an index above 0 must
// be known committed (else CheckCommitted). Index 0 sets the bootstrap set.
// Runs that never call Config have voters 1..N at every index. Election
// safety stays per term whatever the configuration.
//
// voters must be non-empty, within 1..N and without repeats (N is every node
// that may ever join, as given to NewInvariants); else Config panics.
func (c *Invariants) Config(atNs int64, index uint64, voters []int) {
	set := slices.Sorted(slices.Values(voters))
	if len(set) == 0 || set[0] < 1 || set[len(set)-1] >= len(c.logs) || len(slices.Compact(slices.Clone(set))) != len(set) {
		panic(fmt.Sprintf("checker: Config index %d: voters %v must be distinct ids in 1..%d", index, voters, len(c.logs)-1))
	}
	if index > c.maxCommit {
		c.fail(CheckCommitted, atNs, set, "configuration %v at index %d reported before the index was known committed (highest %d)",
			set, index, c.maxCommit)
		return
	}
	pos, found := slices.BinarySearchFunc(c.configs, index, byConfigIndex)
	if !found {
		c.configs = slices.Insert(c.configs, pos, configAt{index: index, voters: set})
		return
	}
	if old := c.configs[pos].voters; !slices.Equal(old, set) {
		c.fail(CheckConfig, atNs, symmetricDiff(old, set), "configuration at index %d reported as voters %v and as %v",
			index, old, set)
	}
}

// MembershipFailed reports that a valid membership change, derived from the
// leader's committed configuration, was refused or committed without
// effect (CheckMembership); msg says which.
func (c *Invariants) MembershipFailed(atNs int64, leader int, msg string) {
	c.fail(CheckMembership, atNs, []int{leader}, "%s", msg)
}

// Voters returns the voter set effective at index, ascending (a copy).
func (c *Invariants) Voters(index uint64) []int {
	pos, found := slices.BinarySearchFunc(c.configs, index, byConfigIndex)
	if found {
		return slices.Clone(c.configs[pos].voters)
	}
	if pos > 0 {
		return slices.Clone(c.configs[pos-1].voters)
	}
	all := make([]int, len(c.logs)-1)
	for i := range all {
		all[i] = i + 1
	}
	return all
}

func byConfigIndex(a configAt, index uint64) int { return cmp.Compare(a.index, index) }

// symmetricDiff returns the ids in exactly one of two ascending sets.
func symmetricDiff(a, b []int) []int {
	var out []int
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, x)
		}
	}
	return out
}

// CheckLearnerCampaign: a node no configuration change ever asked to make a
// voter (a learner or spare) campaigned.
const CheckLearnerCampaign = "learner-campaign"

// LearnerCampaigned reports that node, never a voter nor asked to become
// one, campaigned (or took the lead) in epoch (CheckLearnerCampaign).
func (c *Invariants) LearnerCampaigned(atNs int64, node int, epoch uint64, role string) {
	c.fail(CheckLearnerCampaign, atNs, []int{node}, "node %d became %s in term %d, but no configuration change ever asked to make it a voter",
		node, role, epoch)
}

// CheckMatch: a leader's match index for a node exceeds what the node's
// log holds, or the two logs differ at or before it, though the node is in
// the leader's term (no later leader can have cut its log); or a leader
// knows no match index for a member of its configuration (the contract's
// Match: ok false only on a follower or for a non-member).
const CheckMatch = "match-index"

// LastIndex is the last index of node's mirrored log (durable or not).
func (c *Invariants) LastIndex(node int) uint64 { return c.log(node).last() }

// MatchAhead reports a leader's match index for node beyond node's log (CheckMatch).
func (c *Invariants) MatchAhead(atNs int64, leader, node int, match, last uint64) {
	c.fail(CheckMatch, atNs, []int{leader, node}, "leader %d says node %d stores index %d, but its log ends at %d",
		leader, node, match, last)
}

// MatchPrefix checks that node's mirrored log agrees with the leader's up to
// the leader's match index for it: an acked match means the same prefix
// (CheckMatch). Skipped where either log no longer holds index match.
func (c *Invariants) MatchPrefix(atNs int64, leader, node int, match uint64) {
	lc, ok1 := c.log(leader).chainAt(match)
	nc, ok2 := c.log(node).chainAt(match)
	if ok1 && ok2 && lc != nc {
		c.fail(CheckMatch, atNs, []int{leader, node}, "leader %d says node %d matches its log up to index %d, but their logs differ at or before it",
			leader, node, match)
	}
}

// MatchUnknown reports a leader with no match index for member node (CheckMatch).
func (c *Invariants) MatchUnknown(atNs int64, leader, node int) {
	c.fail(CheckMatch, atNs, []int{leader, node}, "leader %d knows no match index for %d, a member of its configuration",
		leader, node)
}

// CheckLeaseOverlap: a leader's lease vouched for a read while another node
// led in a later epoch. A lease promises that no other node can win an
// election before it ends (followers that acked it refuse votes that long),
// so a later leader and a held lease never overlap.
const CheckLeaseOverlap = "lease-overlap"

// LeaseOverlap reports holder's lease of epoch vouching while other leads epoch later (CheckLeaseOverlap).
func (c *Invariants) LeaseOverlap(atNs int64, holder int, epoch uint64, other int, later uint64) {
	c.fail(CheckLeaseOverlap, atNs, []int{holder, other}, "node %d's lease of epoch %d vouched for a read while node %d led epoch %d",
		holder, epoch, other, later)
}

// CheckLeaseLeader: a lease vouched for a read at a node that does not
// lead. Only a leader holds a lease (replica.LeaseRead).
const CheckLeaseLeader = "lease-leader"

// LeaseNotLeader reports node's lease vouching while node does not lead (CheckLeaseLeader).
func (c *Invariants) LeaseNotLeader(atNs int64, node int, epoch uint64) {
	c.fail(CheckLeaseLeader, atNs, []int{node}, "node %d's lease vouched for a read while it does not lead (epoch %d)", node, epoch)
}
