package checker

import (
	"fmt"
	"slices"
)

// Check names used in Violations.
const (
	CheckOneLeader      = "one-leader-per-term"
	CheckLogMatching    = "log-matching"
	CheckCompleteness   = "leader-completeness"
	CheckStateMachine   = "state-machine-safety"
	CheckCommitMonotone = "commit-monotonic"
	CheckCommitted      = "committed-entry"
	CheckAckedWriteLost = "acked-write-lost"
	CheckLiveness       = "liveness"
	CheckConfig         = "config-agreement"
	CheckMembership     = "membership-change"
)

// LogEntry identifies a Raft log entry; Hash is a hash of its data (computed
// by the simulator, the same function for every node).
type LogEntry struct {
	Index, Term, Hash uint64
}

func (e LogEntry) String() string {
	return fmt.Sprintf("index %d term %d hash %016x", e.Index, e.Term, e.Hash)
}

// Invariants checks Raft safety online from the events the simulator reports.
// Every node's log is mirrored with a chained hash per entry (the hash of the
// whole prefix), so log matching, leader completeness and commit agreement are
// O(1) comparisons. The first violation is kept; later events are still
// checked but only counted. Node ids are 1..N; another id panics.
//
// Event order per node follows the Ready contract: LogAppend (persist) before
// Commit before Apply.
type Invariants struct {
	logs      []nodeLog              // index 0 unused
	leaders   map[uint64]int         // term -> leader
	spans     []leaderSpan           // leadership changes, in event order
	seen      map[termIndex]seenAt   // (term, index) -> chain hash, first node
	committed map[uint64]committedAt // index -> entry known committed
	maxCommit uint64                 // highest index known committed
	byTerm    []termIndex            // highest commit reported by a node in each term, by term ascending
	applied   map[uint64]appliedAt   // index -> first apply
	acks      map[uint64]ackAt       // index -> acknowledged entry
	ackIdx    []uint64               // keys of acks, ascending
	configs   []configAt             // voter sets by first index, ascending; none: 1..N
	neutral   bool                   // no Raft leader checks (ProtocolNeutral)
	first     *Violation
	count     int
}

type termIndex struct{ term, index uint64 }

type seenAt struct {
	chain uint64
	node  int
}

type chained struct {
	LogEntry
	chain uint64 // chainHash(previous chain, entry)
}

type committedAt struct {
	chained
	node int // first node that reported it committed
}

// ackAt is an acknowledged write and the term of the node that acknowledged it:
// leaders of later terms must hold it.
type ackAt struct {
	LogEntry
	inTerm uint64
}

type appliedAt struct {
	LogEntry
	node int
}

type leaderSpan struct {
	node int
	term uint64
	atNs int64
}

// NewInvariants checks a cluster of nodes 1..nodes.
func NewInvariants(nodes int) *Invariants {
	if nodes < 1 {
		panic(fmt.Sprintf("checker: NewInvariants(%d): need at least one node", nodes))
	}
	return &Invariants{
		logs:      make([]nodeLog, nodes+1),
		leaders:   map[uint64]int{},
		seen:      map[termIndex]seenAt{},
		committed: map[uint64]committedAt{},
		applied:   map[uint64]appliedAt{},
		acks:      map[uint64]ackAt{},
	}
}

// ProtocolNeutral turns off the checks that hold only for Raft-like
// protocols, whose leader holds the whole committed log when elected (leader
// completeness, a new leader holds every acknowledged write). The log mirror
// is then the committed stream itself; the rest is unchanged.
func (c *Invariants) ProtocolNeutral() { c.neutral = true }

// Violation returns the first violation, or nil.
func (c *Invariants) Violation() *Violation { return c.first }

// Count is the number of violations seen (the first is kept).
func (c *Invariants) Count() int { return c.count }

func (c *Invariants) fail(check string, atNs int64, nodes []int, format string, args ...any) {
	c.count++
	if c.first != nil {
		return
	}
	nodes = slices.Clone(nodes)
	slices.Sort(nodes)
	c.first = &Violation{Check: check, AtNs: atNs, Nodes: slices.Compact(nodes), Msg: fmt.Sprintf(format, args...)}
}

func (c *Invariants) log(node int) *nodeLog {
	if node < 1 || node >= len(c.logs) {
		panic(fmt.Sprintf("checker: node %d outside 1..%d", node, len(c.logs)-1))
	}
	return &c.logs[node]
}

// chainHash folds one entry into the prefix hash (FNV-1a over 32 bytes).
func chainHash(prev uint64, e LogEntry) uint64 {
	h := uint64(14695981039346656037)
	for _, w := range [4]uint64{prev, e.Index, e.Term, e.Hash} {
		for i := 0; i < 8; i++ {
			h ^= (w >> (8 * i)) & 0xff
			h *= 1099511628211
		}
	}
	return h
}
