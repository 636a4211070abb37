package checker

import (
	"cmp"
	"slices"
)

// Leader records that node became leader of term. Checks one leader per
// term, leader completeness (its log holds every entry known committed, same
// term and data) and that it holds every acknowledged write.
func (c *Invariants) Leader(atNs int64, node int, term uint64) {
	n := c.log(node)
	if other, ok := c.leaders[term]; ok {
		if other != node {
			c.fail(CheckOneLeader, atNs, []int{node, other}, "term %d has two leaders: node %d and node %d", term, other, node)
		}
		return
	}
	c.leaders[term] = node
	c.spans = append(c.spans, leaderSpan{node: node, term: term, atNs: atNs})
	if !c.neutral && c.completeness(atNs, node, term, n) {
		c.leaderAcks(atNs, node, term, n)
	}
}

// completeness checks that the new leader of term holds every entry that a
// node reported committed while in an earlier term. (A candidate whose vote
// replies were held can win an old term after a later term committed more;
// Raft promises nothing to such a leader about those entries.)
func (c *Invariants) completeness(atNs int64, node int, term uint64, n *nodeLog) bool {
	m := c.committedBefore(term)
	k, known := c.committed[m]
	if m == 0 || !known || m < n.base {
		return true
	}
	if m > n.last() {
		c.fail(CheckCompleteness, atNs, []int{node, k.node}, "leader %d of term %d lacks committed index %d term %d (its last index is %d)",
			node, term, m, k.Term, n.last())
		return false
	}
	if mine, _ := n.chainAt(m); mine != k.chain {
		i, e, want := c.firstDiff(n, m)
		c.fail(CheckCompleteness, atNs, []int{node, want.node}, "leader %d of term %d has index %d term %d, but node %d committed term %d there",
			node, term, i, e.Term, want.node, want.Term)
		return false
	}
	return true
}

// committedBefore is the highest index a node reported committed while its
// term was below term.
func (c *Invariants) committedBefore(term uint64) uint64 {
	var m uint64
	for _, ti := range c.byTerm {
		if ti.term >= term {
			break
		}
		m = max(m, ti.index)
	}
	return m
}

// noteCommit raises the highest commit reported in term.
func (c *Invariants) noteCommit(term, commit uint64) {
	pos, found := slices.BinarySearchFunc(c.byTerm, term, func(ti termIndex, t uint64) int { return cmp.Compare(ti.term, t) })
	if !found {
		c.byTerm = slices.Insert(c.byTerm, pos, termIndex{term: term})
	}
	c.byTerm[pos].index = max(c.byTerm[pos].index, commit)
}

// firstDiff finds the lowest index <= upto where n differs from the committed
// entries (upto itself if the difference lies in n's snapshot).
func (c *Invariants) firstDiff(n *nodeLog, upto uint64) (uint64, chained, committedAt) {
	for i := n.base + 1; i <= upto; i++ {
		e, _ := n.at(i)
		if k, ok := c.committed[i]; ok && (k.Term != e.Term || k.Hash != e.Hash) {
			return i, e, k
		}
	}
	e, _ := n.at(upto)
	return upto, e, c.committed[upto]
}

func (c *Invariants) leaderAcks(atNs int64, node int, term uint64, n *nodeLog) {
	for _, i := range c.ackIdx {
		a := c.acks[i]
		if i <= n.base || a.inTerm >= term {
			continue
		}
		if e, ok := n.at(i); !ok || e.LogEntry != a.LogEntry {
			c.fail(CheckAckedWriteLost, atNs, []int{node}, "leader %d of term %d lacks acknowledged %v (it has term %d there; last index %d)",
				node, term, a.LogEntry, e.Term, n.last())
			return
		}
	}
}

// Commit records node's commit index. Checks that it never moves back within
// an incarnation, stays within the log, and that the committed prefix agrees
// with what other nodes committed.
func (c *Invariants) Commit(atNs int64, node int, commit uint64) {
	n := c.log(node)
	switch {
	case commit < n.commit:
		c.fail(CheckCommitMonotone, atNs, []int{node}, "node %d commit index moved back from %d to %d (incarnation %d)",
			node, n.commit, commit, n.incarnation)
		return
	case commit > n.last():
		c.fail(CheckCommitted, atNs, []int{node}, "node %d commit index %d is beyond its last log index %d", node, commit, n.last())
		return
	}
	n.commit = commit
	c.noteCommit(n.term, commit)
	upto := min(commit, c.maxCommit)
	if mine, ok := n.chainAt(upto); ok && upto > 0 {
		if k, known := c.committed[upto]; known && mine != k.chain {
			i, e, want := c.firstDiff(n, upto)
			c.fail(CheckCommitted, atNs, []int{node, want.node}, "node %d committed index %d term %d, but node %d committed term %d there",
				node, i, e.Term, want.node, want.Term)
			return
		}
	}
	for i := max(c.maxCommit, n.base) + 1; i <= commit; i++ {
		e, _ := n.at(i)
		c.committed[i] = committedAt{chained: e, node: node}
	}
	c.maxCommit = max(c.maxCommit, commit)
}

// Apply records that node applied the entry at index to its state machine.
// Checks state machine safety (every node applies the same entry at an index,
// in increasing order, only committed ones) and acknowledged writes.
func (c *Invariants) Apply(atNs int64, node int, index, term, hash uint64) {
	n := c.log(node)
	e := LogEntry{Index: index, Term: term, Hash: hash}
	switch {
	case index <= n.applied:
		c.fail(CheckStateMachine, atNs, []int{node}, "node %d applied index %d after index %d", node, index, n.applied)
		return
	case index > n.commit:
		c.fail(CheckStateMachine, atNs, []int{node}, "node %d applied index %d beyond its commit index %d", node, index, n.commit)
		return
	}
	n.applied = index
	if k, ok := c.committed[index]; ok && k.LogEntry != e {
		c.fail(CheckStateMachine, atNs, []int{node, k.node}, "node %d applied %v, but node %d committed %v",
			node, e, k.node, k.LogEntry)
		return
	}
	if first, ok := c.applied[index]; !ok {
		c.applied[index] = appliedAt{LogEntry: e, node: node}
	} else if first.LogEntry != e {
		c.fail(CheckStateMachine, atNs, []int{node, first.node}, "node %d applied %v, but node %d applied %v",
			node, e, first.node, first.LogEntry)
		return
	}
	if a, ok := c.acks[index]; ok && a.LogEntry != e {
		c.fail(CheckAckedWriteLost, atNs, []int{node}, "node %d applied %v, but %v was acknowledged to a client",
			node, e, a.LogEntry)
	}
}

// Ack records that node told a client its write at (index, term, hash)
// succeeded. Every leader of a later term than node's must hold it and every
// node apply it there.
func (c *Invariants) Ack(atNs int64, node int, index, term, hash uint64) {
	e := LogEntry{Index: index, Term: term, Hash: hash}
	if a, ok := c.acks[index]; ok {
		if a.LogEntry != e {
			c.fail(CheckAckedWriteLost, atNs, nil, "acknowledged %v and then %v", a.LogEntry, e)
		}
		return
	}
	c.acks[index] = ackAt{LogEntry: e, inTerm: c.log(node).term}
	pos, _ := slices.BinarySearch(c.ackIdx, index)
	c.ackIdx = slices.Insert(c.ackIdx, pos, index)
	if ap, ok := c.applied[index]; ok && ap.LogEntry != e {
		c.fail(CheckAckedWriteLost, atNs, []int{ap.node}, "acknowledged %v, but node %d applied %v",
			e, ap.node, ap.LogEntry)
	}
}

// Term records node's current term as persisted; commits and acknowledgements
// it reports count for leaders of later terms.
func (c *Invariants) Term(node int, term uint64) { c.log(node).term = term }
