package checker

// nodeLog mirrors one node's log in its current incarnation.
// Invariant: entries[i].Index == base+1+i; chains link from baseChain.
type nodeLog struct {
	base        uint64 // entries at or below base are in a snapshot
	baseChain   uint64 // chain hash at base (0 at base 0)
	entries     []chained
	commit      uint64 // this incarnation's commit index
	applied     uint64 // this incarnation's last applied index
	incarnation int
	term        uint64 // current term as last persisted (Term)
}

func (n *nodeLog) last() uint64 { return n.base + uint64(len(n.entries)) }

// at returns the entry at index i, if the log holds it (not in the snapshot).
func (n *nodeLog) at(i uint64) (chained, bool) {
	if i <= n.base || i > n.last() {
		return chained{}, false
	}
	return n.entries[i-n.base-1], true
}

// chainAt returns the prefix hash at index i (base included).
func (n *nodeLog) chainAt(i uint64) (uint64, bool) {
	if i == n.base {
		return n.baseChain, true
	}
	e, ok := n.at(i)
	return e.chain, ok
}

// reset empties the log down to a snapshot at base with the given chain.
func (n *nodeLog) reset(base, baseChain uint64) {
	n.base, n.baseChain, n.entries = base, baseChain, n.entries[:0]
}
