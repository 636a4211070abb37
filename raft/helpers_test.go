package raft

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// tb is what both *testing.T and *rapid.T provide.
type tb interface {
	require.TestingT
	Helper()
}

// seqRand returns vals in turn (each mod n): scripted election timeouts.
type seqRand struct {
	vals []int
	i    int
}

func (r *seqRand) IntN(n int) int {
	v := r.vals[r.i%len(r.vals)]
	r.i++
	return v % n
}

func fixedRand(v int) *seqRand { return &seqRand{vals: []int{v}} }

func ids(n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = uint64(i + 1)
	}
	return out
}

// testConfig: ET 10, HB 1, PreVote and CheckQuorum off unless opts say so.
func testConfig(id uint64, peers []uint64, s Storage, opts ...func(*Config)) Config {
	cfg := DefaultConfig(id, peers, s, fixedRand(0))
	cfg.PreVote, cfg.CheckQuorum = false, false
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

func withPreVote(c *Config)     { c.PreVote = true }
func withCheckQuorum(c *Config) { c.CheckQuorum = true }

func newTestNode(t testing.TB, id uint64, peers []uint64, opts ...func(*Config)) *Node {
	t.Helper()
	n, err := NewNode(testConfig(id, peers, NewMemoryStorage(), opts...))
	require.NoError(t, err)
	return n
}

// newNodeWithLog starts a node whose storage holds ents and HardState{term}.
func newNodeWithLog(t testing.TB, id uint64, peers []uint64, term uint64, ents []Entry, opts ...func(*Config)) *Node {
	t.Helper()
	s := NewMemoryStorage()
	require.NoError(t, s.Append(ents))
	require.NoError(t, s.SetHardState(HardState{Term: term}))
	n, err := NewNode(testConfig(id, peers, s, opts...))
	require.NoError(t, err)
	return n
}

// ents builds entries with the given terms at indices 1, 2, ...
func ents(terms ...uint64) []Entry {
	out := make([]Entry, len(terms))
	for i, t := range terms {
		out[i] = Entry{Index: uint64(i + 1), Term: t}
	}
	return out
}

// persist handles one Ready like a host (storage only) and returns it.
func persist(t tb, n *Node) Ready {
	rd := n.Ready()
	save(t, n, rd)
	sent := slices.Clone(rd.Messages) // Advance reuses the outbox array
	n.Advance(rd)
	rd.Messages = sent
	return rd
}

// campaignPersisted starts an election and persists the Ready carrying the
// candidate's term and own vote, as a host does before the vote requests
// leave: the candidate's own vote counts only then.
func campaignPersisted(t tb, n *Node) {
	n.Campaign()
	persist(t, n)
}

// save writes rd to n's MemoryStorage (steps 1-2 of the Ready contract).
func save(t tb, n *Node, rd Ready) {
	s := n.cfg.Storage.(*MemoryStorage)
	if !rd.Snapshot.IsEmpty() {
		require.NoError(t, s.ApplySnapshot(rd.Snapshot))
	}
	if err := s.Append(rd.Entries); err != nil {
		t.Errorf("append: %v", err)
		t.FailNow()
	}
	if !rd.HardState.IsEmpty() {
		_ = s.SetHardState(rd.HardState) // MemoryStorage never fails
	}
}

// readMsgs drains every Ready of n and returns the messages, sorted by To
// (stable), as the host would send them.
func readMsgs(t testing.TB, n *Node) []Message {
	t.Helper()
	var out []Message
	for i := 0; n.HasReady(); i++ {
		require.Less(t, i, 100, "Ready loop did not settle")
		out = append(out, persist(t, n).Messages...)
	}
	slices.SortStableFunc(out, func(a, b Message) int { return int(a.To) - int(b.To) })
	return out
}

func msgTypes(ms []Message) []MessageType {
	out := make([]MessageType, len(ms))
	for i, m := range ms {
		out[i] = m.Type
	}
	return out
}

// logTerms lists the terms of n's whole log, index 1 first.
func logTerms(t testing.TB, n *Node) []uint64 {
	t.Helper()
	ents, err := n.log.slice(n.log.firstIndex(), n.log.lastIndex()+1, 0)
	require.NoError(t, err)
	out := []uint64{}
	for _, e := range ents {
		out = append(out, e.Term)
	}
	return out
}

// network is a small in-test cluster: a FIFO of messages between nodes that
// can be cut, crashed and restarted. Every node persists to a MemoryStorage
// that survives crashes.
type network struct {
	t       tb
	peers   []uint64
	nodes   map[uint64]*Node // nil while crashed
	stores  map[uint64]*MemoryStorage
	opts    []func(*Config)
	rands   map[uint64]Rand
	queue   []Message
	cut     map[[2]uint64]bool
	applied map[uint64][]Entry
	// filter, if set, sees each message before delivery; false drops it.
	filter func(m *Message) bool
	// onReady, if set, sees every Ready after it is persisted.
	onReady func(id uint64, rd Ready)
	// maxQueue bounds messages in flight (0: unbounded); extra ones are lost.
	maxQueue int
	// voters, if set, is every node's Config.Peers (nodes outside it join later).
	voters []uint64
}

func newNetwork(t tb, size int, opts ...func(*Config)) *network {
	nw := &network{t: t, peers: ids(size), nodes: map[uint64]*Node{}, stores: map[uint64]*MemoryStorage{},
		opts: opts, rands: map[uint64]Rand{}, cut: map[[2]uint64]bool{}, applied: map[uint64][]Entry{}}
	for _, id := range nw.peers {
		// Node id times out after ET + 2*(id-1) ticks first: node 1 is the usual first candidate.
		nw.rands[id] = &seqRand{vals: []int{2 * int(id-1), 3*int(id) + 1, 5 * int(id)}}
		nw.stores[id] = NewMemoryStorage()
		nw.start(id)
	}
	return nw
}

func (nw *network) start(id uint64) {
	peers := nw.peers
	if nw.voters != nil {
		peers = nw.voters
	}
	cfg := testConfig(id, peers, nw.stores[id], nw.opts...)
	cfg.Rand = nw.rands[id]
	n, err := NewNode(cfg)
	require.NoError(nw.t, err)
	nw.nodes[id] = n
	nw.applied[id] = nil // the state machine is volatile: replayed from the log
}

func (nw *network) crash(id uint64) { nw.nodes[id] = nil }

func (nw *network) restart(id uint64) { nw.start(id) }

// process handles every Ready of id like a host: persist, send, apply, Advance.
func (nw *network) process(id uint64) {
	n := nw.nodes[id]
	for i := 0; n != nil && n.HasReady(); i++ {
		if i >= 1000 {
			nw.t.Errorf("Ready loop did not settle")
			nw.t.FailNow()
		}
		rd := persist(nw.t, n)
		if nw.onReady != nil {
			nw.onReady(id, rd)
		}
		for _, m := range rd.Messages {
			if nw.maxQueue == 0 || len(nw.queue) < nw.maxQueue {
				nw.queue = append(nw.queue, m.Clone())
			}
		}
		nw.applied[id] = append(nw.applied[id], rd.CommittedEntries...)
	}
}

func (nw *network) isolate(id uint64) {
	for _, p := range nw.peers {
		if p != id {
			nw.cut[[2]uint64{id, p}], nw.cut[[2]uint64{p, id}] = true, true
		}
	}
}

func (nw *network) heal() { nw.cut = map[[2]uint64]bool{} }

// deliverOne pops the oldest message and steps it, unless its link is cut or
// its target is down (then it is dropped).
func (nw *network) deliverOne() {
	m := nw.queue[0]
	nw.queue = nw.queue[1:]
	nw.deliver(m)
}

// deliverAt removes message k from the queue and steps it.
func (nw *network) deliverAt(k int) {
	m := nw.queue[k]
	nw.queue = append(nw.queue[:k], nw.queue[k+1:]...)
	nw.deliver(m)
}

func (nw *network) deliver(m Message) {
	n := nw.nodes[m.To]
	if n == nil || nw.cut[[2]uint64{m.From, m.To}] || (nw.filter != nil && !nw.filter(&m)) {
		return
	}
	if err := n.Step(m); err != nil {
		nw.t.Errorf("step %v: %v", m, err)
		nw.t.FailNow()
	}
	nw.process(m.To)
}

// stabilize delivers until no message is in flight.
func (nw *network) stabilize() {
	for i := 0; len(nw.queue) > 0; i++ {
		if i >= 1_000_000 {
			nw.t.Errorf("network did not quiesce")
			nw.t.FailNow()
		}
		nw.deliverOne()
	}
}

// tick ticks every live node k times, stabilizing after each round.
func (nw *network) tick(k int) {
	for range k {
		for _, id := range nw.peers {
			if n := nw.nodes[id]; n != nil {
				n.Tick()
				nw.process(id)
			}
		}
		nw.stabilize()
	}
}

// tickUntilLeader ticks until some live node leads; returns it.
func (nw *network) tickUntilLeader(maxTicks int) uint64 {
	for range maxTicks {
		if l := nw.leader(); l != 0 {
			return l
		}
		nw.tick(1)
	}
	l := nw.leader()
	require.NotZero(nw.t, l, "no leader after %d ticks", maxTicks)
	return l
}

// leader returns the live leader with the highest term, 0 if none.
func (nw *network) leader() uint64 {
	var best, bestTerm uint64
	for _, id := range nw.peers {
		if n := nw.nodes[id]; n != nil && n.role == Leader && n.term >= bestTerm {
			best, bestTerm = id, n.term
		}
	}
	return best
}

func (nw *network) propose(id uint64, data string) uint64 {
	idx, _, err := nw.nodes[id].Propose([]byte(data))
	require.NoError(nw.t, err)
	nw.process(id)
	return idx
}

// newNetworkWithLogs is newNetwork with node i+1 starting from log terms
// logs[i] and HardState{Term: term}.
func newNetworkWithLogs(t tb, term uint64, logs [][]uint64, opts ...func(*Config)) *network {
	nw := newNetwork(t, len(logs), opts...)
	for i, terms := range logs {
		id := uint64(i + 1)
		require.NoError(t, nw.stores[id].Append(ents(terms...)))
		require.NoError(t, nw.stores[id].SetHardState(HardState{Term: term}))
		nw.start(id)
	}
	return nw
}

// campaign makes id start an election now and runs the network to quiet.
func (nw *network) campaign(id uint64) {
	nw.nodes[id].Campaign()
	nw.process(id)
	nw.stabilize()
}

// entryAt returns node id's entry at index i.
func (nw *network) entryAt(id, i uint64) Entry {
	e, err := nw.nodes[id].log.slice(i, i+1, 0)
	require.NoError(nw.t, err)
	return e[0]
}
