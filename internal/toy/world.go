package toy

import (
	"fmt"

	"github.com/faultline-sim/faultline/clock"
	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/faultline-sim/faultline/internal/trace"
	"github.com/faultline-sim/faultline/simnet"
)

// Msg is a toy message: ping, pong, or gossip with a counter vector.
type Msg struct {
	Kind string // "ping", "pong", "gossip"
	Seq  uint64
	Vec  []uint64
}

// Clone deep-copies Vec.
func (m Msg) Clone() Msg { return Msg{Kind: m.Kind, Seq: m.Seq, Vec: append([]uint64(nil), m.Vec...)} }

type node struct {
	id    int
	clk   clock.NodeClock
	rng   *prng.Rand
	vec   []uint64
	seq   uint64
	pings int
	timer [3]armed // by timerKind
}

// armed is a node's pending timer: its queue handle and local deadline.
type armed struct {
	h          clock.Handle
	deadlineNs int64
}

type world struct {
	cfg    Config
	loop   *clock.Loop[event]
	net    *simnet.Network[Msg]
	tr     *trace.Trace
	nodes  []*node
	faults []fault
	rng    *prng.Rand
	pongs  int
	seen   map[uint64]int // delivered message seq -> count (only read by tests)
	sendq  []simnet.Delivery[Msg]
	err    error
}

func newWorld(cfg Config, tr *trace.Trace) (*world, error) {
	root := prng.New(cfg.Seed)
	net, err := simnet.New[Msg](cfg.Nodes, simnet.Options{Link: cfg.Link}, root.Fork("simnet"))
	if err != nil {
		return nil, err
	}
	if cfg.PingEveryNs <= 0 || cfg.GossipEveryNs <= 0 {
		return nil, fmt.Errorf("toy: periods must be > 0")
	}
	w := &world{cfg: cfg, loop: clock.NewLoop[event](1 << 14), net: net, tr: tr,
		rng: root.Fork("toy"), seen: map[uint64]int{}}
	for id := 1; id <= cfg.Nodes; id++ {
		n := &node{id: id, rng: root.Forkf("node-%d", id), vec: make([]uint64, cfg.Nodes)}
		if id <= len(cfg.OffsetNs) {
			n.clk.SetOffset(0, cfg.OffsetNs[id-1])
		}
		if id <= len(cfg.DriftPPM) {
			n.clk.SetDriftPPM(0, cfg.DriftPPM[id-1])
		}
		w.nodes = append(w.nodes, n)
		w.arm(n, timerPing, n.clk.Local(0)+n.rng.Range(1, cfg.PingEveryNs))
		w.arm(n, timerGossip, n.clk.Local(0)+n.rng.Range(1, cfg.GossipEveryNs))
	}
	w.faults = drawFaults(root.Fork("faults"), cfg)
	for i, f := range w.faults {
		w.push(f.atNs, event{kind: evFault, fault: i})
	}
	return w, w.err
}

// push schedules ev; a full queue ends the run with an error.
func (w *world) push(atNs int64, ev event) {
	if _, err := w.loop.At(atNs, ev); err != nil && w.err == nil {
		w.err = fmt.Errorf("toy: seed %d: %w", w.cfg.Seed, err)
	}
}

// arm sets a timer for local deadline on n's own clock.
func (w *world) arm(n *node, t timerKind, deadlineNs int64) {
	at := max(n.clk.Global(deadlineNs), w.loop.Now())
	h, err := w.loop.At(at, event{kind: evTimer, node: n.id, timer: t, deadlineNs: deadlineNs})
	if err != nil && w.err == nil {
		w.err = fmt.Errorf("toy: seed %d: %w", w.cfg.Seed, err)
	}
	n.timer[t] = armed{h: h, deadlineNs: deadlineNs}
}

// rearm moves n's pending timers after its clock changed, so that they fire
// when n's local clock reaches their deadlines.
func (w *world) rearm(n *node) {
	if w.err != nil {
		return // a push failed; the run is ending with that error
	}
	for _, t := range []timerKind{timerPing, timerGossip} {
		if !w.loop.Cancel(n.timer[t].h) {
			panic(fmt.Sprintf("toy: node %d timer %d was not pending", n.id, t))
		}
		w.arm(n, t, n.timer[t].deadlineNs)
	}
}

func (w *world) send(from, to int, m Msg) {
	w.sendq = w.net.AppendSend(w.sendq[:0], w.loop.Now(), from, to, m)
	w.schedule(w.sendq)
}

func (w *world) schedule(ds []simnet.Delivery[Msg]) {
	for _, d := range ds {
		w.push(d.AtNs, event{kind: evDeliver, node: d.To, d: d})
	}
}

func (w *world) handle(atNs int64, ev event) {
	switch ev.kind {
	case evTimer:
		w.onTimer(atNs, w.nodes[ev.node-1], ev)
	case evDeliver:
		w.onDeliver(atNs, ev.d)
	case evFault:
		w.applyFault(atNs, w.faults[ev.fault])
	default:
		panic(fmt.Sprintf("toy: unknown event kind %d", ev.kind))
	}
}

func (w *world) onTimer(atNs int64, n *node, ev event) {
	if local := n.clk.Local(atNs); local < ev.deadlineNs {
		panic(fmt.Sprintf("toy: node %d timer fired at local %d ns before its deadline %d ns", n.id, local, ev.deadlineNs))
	}
	peer := w.peer(n)
	if ev.timer == timerPing {
		n.pings++
		n.seq++
		seq := uint64(n.id)<<32 | n.seq
		w.tr.Begin(atNs, n.id, "ping").Int("to", int64(peer)).Int("seq", int64(seq)).End()
		w.send(n.id, peer, Msg{Kind: "ping", Seq: seq})
		w.arm(n, timerPing, ev.deadlineNs+w.cfg.PingEveryNs)
		return
	}
	n.vec[n.id-1]++
	w.tr.Begin(atNs, n.id, "gossip").Int("to", int64(peer)).Int("own", int64(n.vec[n.id-1])).End()
	w.send(n.id, peer, Msg{Kind: "gossip", Vec: n.vec})
	w.arm(n, timerGossip, ev.deadlineNs+w.cfg.GossipEveryNs)
}

// peer picks a random other node (itself in a one-node world).
func (w *world) peer(n *node) int {
	if w.cfg.Nodes == 1 {
		return n.id
	}
	p := 1 + n.rng.IntN(w.cfg.Nodes-1)
	if p >= n.id {
		p++
	}
	return p
}

func (w *world) onDeliver(atNs int64, d simnet.Delivery[Msg]) {
	m, ok := w.net.Arrive(atNs, d)
	if !ok {
		w.tr.Begin(atNs, d.To, "drop").Int("from", int64(d.From)).Int("id", int64(d.ID)).End()
		return
	}
	w.tr.Begin(atNs, d.To, "recv").Int("from", int64(d.From)).Int("id", int64(d.ID)).
		Str("m", m.Kind).Int("seq", int64(m.Seq)).End()
	n := w.nodes[d.To-1]
	switch m.Kind {
	case "ping":
		w.seen[m.Seq]++
		w.send(n.id, d.From, Msg{Kind: "pong", Seq: m.Seq})
	case "pong":
		w.pongs++
	case "gossip":
		for i, v := range m.Vec {
			n.vec[i] = max(n.vec[i], v)
		}
	}
}
