package paxosr

import (
	"fmt"
	"math/bits"
	"slices"

	"github.com/faultline-sim/faultline/paxos"
	"github.com/faultline-sim/faultline/replica"
)

// Check names of the Paxos invariants.
const (
	CheckBallotValue = "paxos-ballot-value" // one ballot proposes one value per slot
	CheckOneValue    = "paxos-one-value"    // at most one value chosen per slot
	CheckChosen      = "paxos-chosen"       // a node learns only the chosen value
	CheckDurable     = "paxos-durable"      // a promise or accept survives a crash
	CheckPromise     = "paxos-promise"      // a Prepare is granted only above every ballot promised
	CheckLease       = "paxos-lease"        // no other proposer's Prepare is granted in a leader's lease
)

// NewChecker implements replica.CheckedProtocol.
func (Protocol) NewChecker(nodes int) replica.Checker {
	return &checker{nodes: nodes, quorum: nodes/2 + 1, accepts: map[slotBallot]accepted{},
		chosen: map[uint64]valueAt{}, learned: map[uint64]valueAt{},
		promised: make([]paxos.Ballot, nodes+1), bound: make([]paxos.Ballot, nodes+1), vouched: make([]map[uint64]paxos.Ballot, nodes+1),
		leaseEnd: make([]uint64, nodes+1), leaseBy: make([]uint64, nodes+1)}
}

// checker holds what the nodes' durable replies vouched for: promises and
// accepts (by slot and ballot), the values chosen (a majority accepted them
// in one ballot) and the values nodes learned as chosen.
type checker struct {
	nodes, quorum int
	accepts       map[slotBallot]accepted
	chosen        map[uint64]valueAt        // slot -> value a majority accepted in one ballot
	learned       map[uint64]valueAt        // slot -> first value a node learned as chosen
	promised      []paxos.Ballot            // by node: highest promise vouched
	bound         []paxos.Ballot            // by node: highest ballot promised or accepted
	vouched       []map[uint64]paxos.Ballot // by node: slot -> highest accept vouched
	leaseEnd      []uint64                  // by node: tick (since its boot) its acceptor lease ends at; 0 none
	leaseBy       []uint64                  // by node: the leader the lease is for (0: none, the boot fence)
	first         *replica.Violation
}

type slotBallot struct {
	slot   uint64
	ballot paxos.Ballot
}

// accepted is one ballot's value at a slot and who accepted it.
type accepted struct {
	hash  uint64
	by    uint64 // bit id
	first uint64 // first acceptor
}

type valueAt struct {
	hash   uint64
	node   uint64
	ballot paxos.Ballot
}

func (c *checker) Violation() *replica.Violation { return c.first }

func (c *checker) fail(check string, atNs int64, nodes []uint64, format string, args ...any) {
	if c.first == nil {
		c.first = &replica.Violation{Check: check, AtNs: atNs, Nodes: nodes, Msg: fmt.Sprintf(format, args...)}
	}
}

// Durable takes the observations of a node's durable batch.
func (c *checker) Durable(atNs int64, node uint64, obs []any) {
	for _, x := range obs {
		o, ok := x.(paxos.Observation)
		if !ok || o.Node != node || node == 0 || int(node) > c.nodes {
			panic(fmt.Sprintf("paxosr: checker: node %d observation %#v", node, x))
		}
		switch o.Kind {
		case paxos.ObsPromise:
			c.inLease(atNs, o)
			c.promise(atNs, o)
		case paxos.ObsLease:
			c.leaseEnd[node], c.leaseBy[node] = o.Index, o.Ballot.Node()
		case paxos.ObsAccept:
			c.bound[node] = max(c.bound[node], o.Ballot)
			c.accept(atNs, o)
		case paxos.ObsChosen:
			c.learn(atNs, o)
		}
	}
}

// promise checks the first of the seeds' two promises: an acceptor grants
// a Prepare only if its ballot is above every ballot it promised or
// accepted (an accept of b is a promise of b), so each ballot is granted at
// most once per acceptor.
func (c *checker) promise(atNs int64, o paxos.Observation) {
	if o.Ballot <= c.bound[o.Node] {
		c.fail(CheckPromise, atNs, []uint64{o.Node}, "node %d granted a Prepare of ballot %s, but it had already promised or accepted %s",
			o.Node, ballot(o.Ballot), ballot(c.bound[o.Node]))
	}
	c.promised[o.Node] = max(c.promised[o.Node], o.Ballot)
	c.bound[o.Node] = max(c.bound[o.Node], o.Ballot)
}

// inLease checks the acceptor's lease (leases on): a node that acked a
// leader's heartbeat or Accept, or booted, grants no Prepare of another
// proposer for ElectionTicks of its own ticks, so a leader whose majority
// acked it recently may answer reads alone. The lease comes from the
// node's ObsLease (the tick it ends at), the grant's tick from ObsPromise.
func (c *checker) inLease(atNs int64, o paxos.Observation) {
	if o.Index < c.leaseEnd[o.Node] && o.Ballot.Node() != c.leaseBy[o.Node] {
		nodes := []uint64{o.Node}
		if c.leaseBy[o.Node] != 0 {
			nodes = append(nodes, c.leaseBy[o.Node])
		}
		c.fail(CheckLease, atNs, nodes, "node %d granted a Prepare of ballot %s at its tick %d, in the lease it holds for node %d (0: its boot fence) until tick %d",
			o.Node, ballot(o.Ballot), o.Index, c.leaseBy[o.Node], c.leaseEnd[o.Node])
	}
}

// accept records node's accept; a majority in one ballot chooses the value.
func (c *checker) accept(atNs int64, o paxos.Observation) {
	if c.vouched[o.Node] == nil {
		c.vouched[o.Node] = map[uint64]paxos.Ballot{}
	}
	c.vouched[o.Node][o.Index] = max(c.vouched[o.Node][o.Index], o.Ballot)
	h := hashValue(o.Value)
	k := slotBallot{o.Index, o.Ballot}
	a, ok := c.accepts[k]
	switch {
	case !ok:
		a = accepted{hash: h, first: o.Node}
	case a.hash != h:
		c.fail(CheckBallotValue, atNs, []uint64{a.first, o.Node}, "slot %d ballot %s: node %d accepted value %016x, node %d value %016x",
			o.Index, ballot(o.Ballot), a.first, a.hash, o.Node, h)
		return
	}
	a.by |= 1 << o.Node
	c.accepts[k] = a
	if bits.OnesCount64(a.by) < c.quorum {
		return
	}
	if ch, ok := c.chosen[o.Index]; ok && ch.hash != h {
		c.fail(CheckOneValue, atNs, []uint64{ch.node, o.Node}, "slot %d: value %016x chosen in ballot %s, then value %016x in ballot %s",
			o.Index, ch.hash, ballot(ch.ballot), h, ballot(o.Ballot))
		return
	} else if !ok {
		c.chosen[o.Index] = valueAt{hash: h, node: o.Node, ballot: o.Ballot}
	}
	if l, ok := c.learned[o.Index]; ok && l.hash != h {
		c.fail(CheckChosen, atNs, []uint64{l.node}, "slot %d: node %d learned value %016x as chosen, but a majority chose %016x in ballot %s",
			o.Index, l.node, l.hash, h, ballot(o.Ballot))
	}
}

// learn records that a node learned a value as chosen: it must be the one
// a majority accepted in one ballot, and that majority's accepts were
// durable before any reply that let the node learn it left.
func (c *checker) learn(atNs int64, o paxos.Observation) {
	h := hashValue(o.Value)
	ch, ok := c.chosen[o.Index]
	switch {
	case !ok: // a node learns a value only after a majority's accepts were durable
		c.fail(CheckChosen, atNs, []uint64{o.Node}, "slot %d: node %d learned value %016x as chosen, but no majority accepted a value there in one ballot",
			o.Index, o.Node, h)
		return
	case ch.hash != h:
		c.fail(CheckChosen, atNs, []uint64{o.Node, ch.node}, "slot %d: node %d learned value %016x as chosen, but a majority chose %016x in ballot %s",
			o.Index, o.Node, h, ch.hash, ballot(ch.ballot))
		return
	}
	if l, ok := c.learned[o.Index]; ok && l.hash != h {
		c.fail(CheckChosen, atNs, []uint64{l.node, o.Node}, "slot %d: node %d learned value %016x as chosen, node %d value %016x",
			o.Index, l.node, l.hash, o.Node, h)
	} else if !ok {
		c.learned[o.Index] = valueAt{hash: h, node: o.Node, ballot: o.Ballot}
	}
}

// Restarted checks that node's disk kept every promise and accept its
// replies vouched for (slots its snapshot covers are chosen and applied).
func (c *checker) Restarted(atNs int64, node uint64, rec replica.Recovered) {
	st, ok := rec.State.(paxos.State)
	if !ok {
		panic(fmt.Sprintf("paxosr: checker: node %d recovered state %T", node, rec.State))
	}
	c.leaseEnd[node], c.leaseBy[node] = 0, 0 // its ticks start again; the boot fence comes with its first Ready
	if st.Promised < c.promised[node] {
		c.fail(CheckDurable, atNs, []uint64{node}, "node %d restarted with promise %s, but it had promised %s",
			node, ballot(st.Promised), ballot(c.promised[node]))
		return
	}
	held := map[uint64]paxos.Slot{}
	for _, s := range st.Slots {
		held[s.Index] = s
	}
	v := c.vouched[node]
	slots := make([]uint64, 0, len(v))
	for i := range v {
		slots = append(slots, i)
	}
	slices.Sort(slots)
	for _, i := range slots {
		if s := held[i]; i > st.Snap.Index && !s.Chosen && s.Ballot < v[i] {
			c.fail(CheckDurable, atNs, []uint64{node}, "node %d restarted with slot %d at ballot %s, but it had accepted ballot %s",
				node, i, ballot(s.Ballot), ballot(v[i]))
			return
		}
	}
}

func ballot(b paxos.Ballot) string { return fmt.Sprintf("%d.%d", b.Round(), b.Node()) }
