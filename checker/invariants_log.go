package checker

import "fmt"

// LogAppend mirrors entries persisted by node (Ready.Entries): consecutive
// indexes that may overwrite a suffix of its log. Checks log matching (same
// (index, term) on two nodes implies the same prefix hash) and that no entry
// at or below the node's commit index is replaced.
func (c *Invariants) LogAppend(atNs int64, node int, entries []LogEntry) {
	n := c.log(node)
	for i := 1; i < len(entries); i++ {
		if entries[i].Index != entries[i-1].Index+1 {
			panic(fmt.Sprintf("checker: LogAppend node %d: index %d follows %d", node, entries[i].Index, entries[i-1].Index))
		}
	}
	for _, e := range entries {
		if e.Index <= n.base {
			continue // covered by the node's snapshot
		}
		if e.Index > n.last()+1 {
			c.fail(CheckLogMatching, atNs, []int{node}, "node %d appended index %d after its last index %d: a gap",
				node, e.Index, n.last())
			return
		}
		if !c.appendOne(atNs, node, n, e) {
			return
		}
	}
}

// appendOne puts e at its index, truncating a differing suffix; false after a
// violation.
func (c *Invariants) appendOne(atNs int64, node int, n *nodeLog, e LogEntry) bool {
	prev, _ := n.chainAt(e.Index - 1)
	ce := chained{LogEntry: e, chain: chainHash(prev, e)}
	if old, ok := n.at(e.Index); ok {
		if old.chain == ce.chain {
			return true
		}
		if e.Index <= n.commit {
			c.fail(CheckCommitted, atNs, []int{node}, "node %d replaced committed index %d term %d with term %d (commit index %d)",
				node, e.Index, old.Term, e.Term, n.commit)
			return false
		}
		n.entries = n.entries[:e.Index-n.base-1]
	}
	n.entries = append(n.entries, ce)
	key := termIndex{term: e.Term, index: e.Index}
	if s, ok := c.seen[key]; !ok {
		c.seen[key] = seenAt{chain: ce.chain, node: node}
	} else if s.chain != ce.chain {
		c.fail(CheckLogMatching, atNs, []int{node, s.node}, "nodes %d and %d both hold index %d term %d but their logs differ at or before it",
			s.node, node, e.Index, e.Term)
		return false
	}
	return true
}

// Restart starts a new incarnation of node from its persisted state: the log
// (its first entry follows the snapshot, base = first index - 1; an empty log
// means the snapshot ends at commit) and the persisted commit index, which may
// be older than before. The state machine restarts from the snapshot: the
// next Apply is above base, and the commit index is at least base (a snapshot
// holds only committed entries).
func (c *Invariants) Restart(atNs int64, node int, persisted []LogEntry, commit uint64) {
	n := c.log(node)
	n.incarnation++
	base := commit
	if len(persisted) > 0 {
		base = persisted[0].Index - 1
	}
	chain, ok := c.snapshotChain(atNs, node, base)
	if !ok {
		return
	}
	n.reset(base, chain)
	n.commit, n.applied = base, base
	c.LogAppend(atNs, node, persisted)
	c.Commit(atNs, node, max(commit, base))
}

// InstallSnapshot records that node replaced its log prefix with a snapshot
// ending at index (received, or its own compaction): entries after index stay
// if the log matches there. Its state machine is at index or later: the next
// Apply must be above index.
func (c *Invariants) InstallSnapshot(atNs int64, node int, index uint64) {
	n := c.log(node)
	if index <= n.base {
		return
	}
	chain, ok := c.snapshotChain(atNs, node, index)
	if !ok {
		return
	}
	if mine, has := n.chainAt(index); has && mine == chain {
		n.entries = n.entries[index-n.base:]
		n.base, n.baseChain = index, chain
	} else {
		n.reset(index, chain)
	}
	n.commit, n.applied = max(n.commit, index), max(n.applied, index)
}

// snapshotChain is the prefix hash of a snapshot ending at index, which must
// be known committed.
func (c *Invariants) snapshotChain(atNs int64, node int, index uint64) (uint64, bool) {
	if index == 0 {
		return 0, true
	}
	k, ok := c.committed[index]
	if !ok {
		c.fail(CheckCommitted, atNs, []int{node}, "node %d holds a snapshot at index %d, which is not known committed",
			node, index)
	}
	return k.chain, ok
}
