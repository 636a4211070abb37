package sim

import (
	"fmt"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/clock"
	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/faultline-sim/faultline/internal/trace"
	"github.com/faultline-sim/faultline/replica"
	"github.com/faultline-sim/faultline/simnet"
)

// evKind is what an event does when the loop pops it.
type evKind uint8

const (
	evTick      evKind = iota + 1 // a host's tick timer; gen = incarnation
	evSynced                      // a host's fsync completed; gen = incarnation
	evDeliver                     // a packet arrives (d)
	evFault                       // schedule action idx
	evFaultEnd                    // the window of a *-leader action idx ends
	evClient                      // a client wakes; gen = its attempt counter
	evQuiet                       // the quiet phase begins (after the healing actions)
	evExec                        // a run-time fault's timer: executor idx, op, node, gen
	evRetire                      // host node shuts down for good (its removal committed)
	evOperator                    // the operator polls (membership requests); gen 1: an extra poll at an election
	evCalm                        // a calm span of the fault phase begins (every fault healed)
	evCalmJudge                   // the leader bound of that span expires
)

// event is one entry of the loop's queue.
type event struct {
	kind evKind
	op   uint8  // evExec: the executor's own timer kind
	node int    // host id, or client id for evClient
	gen  uint64 // staleness guard, see evKind
	idx  int    // schedule action index
	d    uint32 // evDeliver: the delivery's slot in world.slab
}

// An event holds no pointer, so neither the queue's moves nor the GC's scans
// of it pay for pointers; deliveries wait in world.slab.

// Bounds on one run: every loop has a limit, every queue a capacity.
const (
	queueCapacity = 1 << 20
	maxEvents     = 50_000_000
	eventChunk    = 4096 // events between checks for a violation
)

// world is one run's whole state. Single-threaded: nothing here is shared.
type world struct {
	o       Options
	seed    uint64
	defects defectSet
	proto   replica.Protocol
	caps    replica.Caps
	// leaseReads: clients issue lease reads (Config.LeaseReads).
	leaseReads bool
	rng        *prng.Rand // root; components fork their own streams
	netRng     *prng.Rand
	faultRng   *prng.Rand

	loop      *clock.Loop[event]
	net       *simnet.Network[packet]
	hosts     []*host // index 0 unused
	peers     []uint64
	clients   []*client
	sched     faults.Schedule
	tr        trace.Trace
	inv       *checker.Invariants
	pcheck    replica.Checker // the protocol's own invariants; nil if none
	live      *checker.Liveness
	sendBuf   []simnet.Delivery[packet] // reused by send
	slab      []simnet.Delivery[packet] // deliveries in flight, by slot (at most queueCapacity)
	freeSlots []uint32                  // slots of slab to reuse
	stats     stats
	history   []checker.Operation
	rt        *runtimeFaults     // the run-time fault executors
	op        operator           // membership requests
	catch     catchUp            // the quiet phase's catch-up check (catchup.go)
	solo      soloLeader         // the one-host leadership check (solo.go)
	deaf      *checker.Violation // the deaf-leader check's first failure (leadercheck.go)
	outbid    *checker.Violation // the outbid-leader check's first failure (leadercheck.go)
	lease     leaseUse           // the lease-use check (leaseuse.go)
	linkOpts  simnet.LinkOptions // every link's options when no fault changes them
}

func (w *world) now() int64 { return w.loop.Now() }

// push schedules an event; a full queue is a bug in the bounds, so it panics.
func (w *world) push(atNs int64, ev event) clock.Handle {
	h, err := w.loop.At(atNs, ev)
	if err != nil {
		panic(fmt.Sprintf("sim: seed %d: %v", w.seed, err))
	}
	return h
}

// clientNet is the network id of client c (clients sit after the hosts).
func (w *world) clientNet(c int) int { return len(w.hosts) + c }

// send hands a packet to the network and schedules its deliveries.
func (w *world) send(from, to int, p packet) {
	w.sendBuf = w.net.AppendSend(w.sendBuf[:0], w.now(), from, to, p)
	for _, d := range w.sendBuf {
		w.schedule(d)
	}
}

// schedule queues a delivery; its record takes a free slot of the slab,
// since deliveries are most of the events.
func (w *world) schedule(d simnet.Delivery[packet]) {
	var slot uint32
	if n := len(w.freeSlots); n > 0 {
		slot, w.freeSlots = w.freeSlots[n-1], w.freeSlots[:n-1]
	} else {
		slot = uint32(len(w.slab))
		w.slab = append(w.slab, simnet.Delivery[packet]{})
	}
	w.slab[slot] = d
	w.push(d.AtNs, event{kind: evDeliver, node: d.To, d: slot})
}

// handle dispatches one event and records it in the trace.
func (w *world) handle(at int64, ev event) {
	switch ev.kind {
	case evTick:
		w.tr.Begin(at, ev.node, "tick").End()
		w.hosts[ev.node].onTick(ev.gen)
	case evSynced:
		if h := w.hosts[ev.node]; at < h.stallUntil {
			w.tr.Begin(at, ev.node, "sync-stalled").End()
			w.push(h.stallUntil, ev) // one push per sync: the window is fixed
			return
		}
		w.tr.Begin(at, ev.node, "synced").End()
		w.hosts[ev.node].onSynced(ev.gen)
	case evDeliver:
		w.deliver(at, ev.d)
	case evFault:
		w.applyFault(ev.idx)
	case evFaultEnd:
		w.endFault(ev.idx)
	case evExec:
		w.rt.execs[ev.idx].fire(ev.op, ev.node, ev.gen)
	case evCalm:
		if !w.op.idle() {
			w.tr.Begin(at, 0, "calm").Str("skip", "membership").End()
			break
		}
		w.tr.Begin(at, 0, "calm").End()
		w.live.CalmStart(at)
	case evCalmJudge:
		w.tr.Begin(at, 0, "calm-judge").End()
		w.live.CalmJudge(at)
	case evQuiet:
		w.tr.Begin(at, 0, "quiet").End()
		w.live.QuietStart(at)
		w.catchUpStart()
	case evRetire:
		w.retire(ev.node)
	case evOperator:
		w.operatorPoll(ev.gen == 1)
	case evClient:
		w.tr.Begin(at, w.clientNet(ev.node), "wake").Int("a", int64(ev.gen)).End()
		w.clients[ev.node].wake(ev.gen)
	default:
		panic(fmt.Sprintf("sim: unknown event kind %d", ev.kind))
	}
}

func (w *world) deliver(at int64, slot uint32) {
	d := w.slab[slot]
	w.slab[slot] = simnet.Delivery[packet]{} // the slot is free: nothing may keep it
	w.freeSlots = append(w.freeSlots, slot)
	p, ok := w.net.Arrive(at, d)
	from, to := d.From, d.To
	line := w.tr.Begin(at, to, "recv").Int("from", int64(from))
	if !ok {
		line.Str("drop", "link").End()
		return
	}
	traceRecv(line, p)
	if to >= len(w.hosts) {
		w.clients[to-len(w.hosts)].receive(p.resp)
		return
	}
	w.hosts[to].receive(p)
}

// traceRecv appends a packet's fields to its trace line and ends it.
func traceRecv(l trace.Line, p packet) {
	switch p.kind {
	case pkRaft:
		m := p.msg.Header()
		l.Str("m", m.Type).Int("t", int64(m.Epoch)).Int("i", int64(m.Index)).
			Int("lt", int64(m.LogEpoch)).Int("c", int64(m.Commit)).Int("n", int64(m.Entries)).End()
	case pkReq:
		l.Str("req", p.req.op.Kind.String()).Int("c", int64(p.req.op.Client)).Int("s", int64(p.req.op.Seq)).End()
	case pkResp:
		l.Str("resp", "").Int("s", int64(p.resp.seq)).Int("lead", int64(p.resp.leader)).End()
	default:
		l.End()
	}
}
