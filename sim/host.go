package sim

import (
	"errors"
	"fmt"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/clock"
	"github.com/faultline-sim/faultline/kv"
	"github.com/faultline-sim/faultline/replica"
)

// host is one server: a replica, its disk, the kv state machine and the
// request handler, on its own clock. It follows the Ready contract: persist,
// sync (fsync takes FsyncNs of virtual time), then send, apply, Advance.
type host struct {
	w     *world
	id    int
	clk   clock.NodeClock
	store replica.Store // the disk: it survives crashes

	node replica.Replica // nil while crashed
	kv   *kv.Store
	up   bool // the process exists (not crashed)

	paused     bool
	inbox      []packet // deliveries held while paused, at most maxInbox
	missed     int      // ticks missed while paused
	incarn     uint64   // bumped by crash and restart: stale timers are ignored
	tickLocal  int64    // local time (ns) of the next tick
	tickHandle clock.Handle

	rd     *replica.Ready // the Ready being synced (&rdBuf), nil if none
	rdBuf  replica.Ready  // the latest Ready, held here so it is not allocated
	synced bool           // rd's fsync completed (while paused)
	// stallUntil: a disk-stall holds h's disk, virtual ns; no sync
	// completes before it (kept across crash and restart: the disk is slow).
	stallUntil int64
	waiting    map[uint64]pendingReq
	commit     uint64 // last commit index reported to the checker
	lead       uint64 // last leader seen in a SoftState
	role       replica.Role
	epoch      uint64 // the epoch of the last RoleChange handed out

	// The deaf-leader check (leadercheck.go), in h's ticks: ticks counts
	// the Ticks its replicas took, heard[p] the tick a message from p was
	// last stepped while h led, ledAt the tick its leadership was seen, cfgSince the
	// tick the check saw configuration cfgIndex first.
	ticks, ledAt, cfgIndex, cfgSince uint64
	heard                            []uint64

	applied  uint64        // last index applied to kv (or restored from a snapshot)
	replayTo uint64        // commit index the disk held at boot: stale reads wait for it
	snapAt   uint64        // index of the disk's latest snapshot
	reads    []pendingRead // ReadIndex requests, in request order
}

// pendingReq is a client request proposed at an index, awaiting its apply.
type pendingReq struct {
	term   uint64
	hash   uint64 // the proposal's Entry.Hash: another value at the index is not it
	client int    // network id of the client
	seq    uint64
	write  bool
}

// maxInbox bounds what a paused process buffers (a socket buffer); more is dropped.
const maxInbox = 4096

// maxMissedTicks bounds the ticks a resumed process catches up at once.
const maxMissedTicks = 1000

func (h *host) boot() {
	w := h.w
	cfg := replica.Config{
		ID: uint64(h.id), Peers: w.peers, ElectionTicks: w.o.ElectionTicks, HeartbeatTicks: w.o.HeartbeatTicks,
		PreVote: w.o.PreVote == On, CheckQuorum: w.o.CheckQuorum == On,
		MaxEntries: w.o.MaxEntries, MaxInflight: w.o.MaxInflight,
		LeaseMarginTicks: leaseMarginTicks(w.o.ElectionTicks, w.o.MaxDriftPPM),
		LeaseReads:       w.leaseReads,
		Rand:             w.rng.Forkf("raft-%d-%d", h.id, h.incarn), Defect: w.o.Defect,
	}
	n, err := w.proto.Boot(cfg, h.store)
	if err != nil {
		panic(fmt.Sprintf("sim: host %d cannot boot: %v", h.id, err))
	}
	h.node, h.kv, h.up = n, kv.New(), true
	h.kv.NoDedup = w.defects.kvNoDedup
	h.restoreFromDisk()
	h.waiting, h.reads = map[uint64]pendingReq{}, nil
	h.rd, h.synced, h.commit, h.lead, h.role = nil, false, 0, 0, replica.Follower
	h.tickLocal = h.clk.Local(w.now()) + w.o.TickNs
	h.armTick()
}

// armTick schedules the next tick at the global time the node's clock reaches tickLocal.
func (h *host) armTick() {
	at := max(h.clk.Global(h.tickLocal), h.w.now()) // a clock stepped forward: due now
	h.tickHandle = h.w.push(at, event{kind: evTick, node: h.id, gen: h.incarn})
}

// clockChanged re-arms the tick timer after a skew or drift change.
func (h *host) clockChanged() {
	if !h.up {
		return
	}
	h.w.loop.Cancel(h.tickHandle)
	if local := h.clk.Local(h.w.now()); h.tickLocal > local+h.w.o.TickNs {
		h.tickLocal = local + h.w.o.TickNs // a clock stepped back must not stall the node
	}
	h.armTick()
}

func (h *host) onTick(gen uint64) {
	if gen != h.incarn || !h.up {
		return
	}
	h.tickLocal += h.w.o.TickNs
	if local := h.clk.Local(h.w.now()); h.tickLocal <= local {
		h.tickLocal = local + h.w.o.TickNs // a clock stepped forward fires once, not a burst
	}
	h.armTick()
	if h.paused {
		h.missed = min(h.missed+1, maxMissedTicks)
		return
	}
	h.tick()
	h.pump()
}

// tick hands the replica one tick.
func (h *host) tick() {
	h.node.Tick()
	h.ticks++
	h.w.leaderChecks(h)
}

// receive handles one packet that reached this host.
func (h *host) receive(p packet) {
	if !h.up {
		return
	}
	if h.paused {
		if len(h.inbox) < maxInbox {
			h.inbox = append(h.inbox, p)
		}
		return
	}
	switch p.kind {
	case pkRaft:
		if h.role != replica.Leader { // the leader checks read only a leader's messages
			h.node.Step(p.msg)
			break
		}
		hd := p.msg.Header()
		h.heardFrom(hd.From)
		h.node.Step(p.msg)
		h.w.checkOutbid(h, &hd)
	case pkReq:
		h.handleRequest(p.req)
	}
	h.pump()
}

// pump hands every available Ready through the contract; bounded because a
// Ready needing a sync parks until evSynced.
func (h *host) pump() {
	for range 64 {
		if !h.up || h.paused || h.rd != nil || !h.node.HasReady() {
			return
		}
		h.rdBuf = h.node.Ready()
		rd := &h.rdBuf
		h.checkNotEmpty(rd)
		h.persist(rd)
		if rd.MustSync && (h.w.o.FsyncNs > 0 || h.w.now() < h.stallUntil) {
			h.rd = rd
			if h.w.defects.voteBeforePersist {
				rd.Messages = h.sendVotesEarly(rd.Messages)
			}
			h.w.push(h.w.now()+h.w.o.FsyncNs, event{kind: evSynced, node: h.id, gen: h.incarn})
			return
		}
		h.store.Sync()
		h.finish(*rd)
	}
}

// checkNotEmpty panics (as the protocol's assertion) on a Ready with nothing
// in it: HasReady said there was something to hand out. A replica that
// reports Readies it does not have never lets the host idle.
func (h *host) checkNotEmpty(rd *replica.Ready) {
	if rd.MustSync || len(rd.Messages) > 0 || rd.Role != nil || rd.Epoch != 0 || rd.Commit != 0 ||
		len(rd.Appended) > 0 || rd.Snapshot != nil || len(rd.Committed) > 0 || len(rd.Reads) > 0 ||
		rd.CompactNow || len(rd.Observations) > 0 {
		return
	}
	panic(fmt.Sprintf("%s: contract broken: node %d reported a Ready (HasReady), and it is empty", h.w.proto.Name(), h.id))
}

func (h *host) onSynced(gen uint64) {
	if gen != h.incarn || !h.up || h.rd == nil {
		return
	}
	h.store.Sync()
	if h.paused {
		h.synced = true
		return
	}
	rd := *h.rd
	h.rd = nil
	h.finish(rd)
	h.pump()
}

// persist tells the checker what rd wrote to the disk (unsynced).
func (h *host) persist(rd *replica.Ready) {
	w := h.w
	if rd.Role != nil {
		h.observeRole(*rd.Role)
	}
	if rd.Snapshot != nil {
		h.snapAt = rd.Snapshot.Index
		w.inv.InstallSnapshot(w.now(), h.id, rd.Snapshot.Index)
	}
	if len(rd.Appended) > 0 && w.caps.LogChecks {
		w.inv.LogAppend(w.now(), h.id, checkerLog(rd.Appended))
	}
}

// finish sends, applies and advances a Ready whose writes are durable.
func (h *host) finish(rd replica.Ready) {
	w := h.w
	w.rt.finishing(h.id, &rd, h.commit) // crash-new-leader: may drop the messages and doom h
	if w.pcheck != nil && len(rd.Observations) > 0 {
		w.pcheck.Durable(w.now(), uint64(h.id), rd.Observations)
	}
	h.send(rd.Messages)
	if t := rd.Epoch; t != 0 {
		w.inv.Term(h.id, t)
	}
	if !w.caps.LogChecks && len(rd.Committed) > 0 { // the log mirror is the committed stream
		w.inv.LogAppend(w.now(), h.id, committedLog(rd.Committed))
	}
	if c := rd.Commit; c > h.commit {
		h.commit = c
		w.inv.Commit(w.now(), h.id, c)
	}
	if rd.Snapshot != nil {
		h.applySnapshot(rd.Snapshot)
	}
	for i := range rd.Committed {
		h.apply(&rd.Committed[i])
	}
	h.confirmReads(rd.Reads)
	h.answerReads()
	h.node.Advance()
	h.maybeCompact(rd.CompactNow)
}

// sendVotesEarly is the vote-before-persist defect: vote replies leave
// before the term and vote they carry are durable. It returns the rest.
func (h *host) sendVotesEarly(msgs []replica.Message) []replica.Message {
	var rest []replica.Message
	for _, m := range msgs {
		if k := m.Header().Kind; k == replica.MsgVoteResp || k == replica.MsgPreVoteResp {
			h.send([]replica.Message{m})
		} else {
			rest = append(rest, m)
		}
	}
	return rest
}

func (h *host) send(msgs []replica.Message) {
	for _, m := range msgs {
		hd := m.Header()
		h.w.send(h.id, int(hd.To), packet{kind: pkRaft, msg: m})
		switch {
		case hd.Kind == replica.MsgVoteResp && !hd.Reject:
			h.w.rt.voted(h.id, int(hd.To), hd.Epoch)
		case hd.Kind == replica.MsgAppendResp:
			h.w.rt.appendReply(h.id, m, &hd)
		}
	}
}

func (h *host) observeRole(s replica.RoleChange) {
	w := h.w
	w.checkCampaign(h, s)
	w.checkSolo(h, s)
	if s.Role == replica.Leader && h.role != replica.Leader {
		w.inv.Leader(w.now(), h.id, s.Epoch)
		h.ledAt = h.ticks
		w.leaderElected(h.id, s.Epoch)
		w.rt.elected(h.id, s.Epoch)
	}
	if s.Role != replica.Leader && h.role == replica.Leader {
		w.leaderLost(h.id)
	}
	h.role, h.lead, h.epoch = s.Role, s.Lead, s.Epoch
	h.dropReads(s.Epoch, s.Role)
	w.live.Role(w.now(), h.id, s.Epoch, s.Role == replica.Leader)
}

// apply runs one committed entry on the state machine and answers its client.
func (h *host) apply(e *replica.Entry) {
	w := h.w
	le := checker.LogEntry{Index: e.Index, Term: e.Epoch, Hash: e.Hash}
	w.inv.Apply(w.now(), h.id, le.Index, le.Term, le.Hash)
	h.noteApplied(e)
	if e.Kind != replica.EntryCommand {
		return
	}
	res := h.kv.Apply(e.Index, e.Data)
	w.applied(e, res)
	p, ok := h.waiting[e.Index]
	if !ok {
		return
	}
	delete(h.waiting, e.Index)
	if p.term != e.Epoch || p.hash != e.Hash {
		return // another leader's entry took the index: the client will retry
	}
	if !w.defects.ackBeforeCommit || !p.write {
		h.reply(p, le, res)
	}
}

// handleRequest proposes a client's operation, or redirects the client.
func (h *host) handleRequest(r *request) {
	w := h.w
	if r.op.Kind == kv.Get && w.defects.readLocal && h.role == replica.Leader {
		res := h.kv.Read(r.op.Key)
		w.send(h.id, w.clientNet(int(r.op.Client)), packet{kind: pkResp, resp: &response{seq: r.op.Seq, result: res, node: h.id}})
		return
	}
	if r.op.Kind == kv.Get && r.mode != "" {
		h.handleRead(r)
		return
	}
	prop, err := h.node.Propose(kv.Encode(r.op))
	from := w.clientNet(int(r.op.Client))
	if err != nil {
		if nl, ok := notLeaderOf(err); ok {
			w.send(h.id, from, packet{kind: pkResp, resp: &response{seq: r.op.Seq, notLeader: true, leader: int(nl.Leader)}})
		}
		return // else dropped (too many uncommitted entries): the client retries
	}
	p := pendingReq{term: prop.Epoch, hash: prop.Hash, client: from, seq: r.op.Seq, write: r.op.Kind != kv.Get}
	h.waiting[prop.Index] = p
	if w.defects.ackBeforeCommit && p.write {
		le := checker.LogEntry{Index: prop.Index, Term: prop.Epoch, Hash: prop.Hash}
		h.w.inv.Ack(h.w.now(), h.id, le.Index, le.Term, le.Hash)
		w.send(h.id, from, packet{kind: pkResp, resp: &response{seq: p.seq, guess: true}}) // the write has not happened yet
	}
}

// reply answers a client; an acknowledged write is reported to the checker,
// which then holds the cluster to it.
func (h *host) reply(p pendingReq, e checker.LogEntry, res kv.Result) {
	if p.write {
		h.w.inv.Ack(h.w.now(), h.id, e.Index, e.Term, e.Hash)
	}
	h.w.send(h.id, p.client, packet{kind: pkResp, resp: &response{seq: p.seq, result: res, node: h.id}})
}

// notLeaderOf is err's *replica.NotLeaderError, if it is one. Callers test
// err != nil first: errors.As's target escapes to the heap, so this is
// called only on the rare path.
func notLeaderOf(err error) (*replica.NotLeaderError, bool) {
	var nl *replica.NotLeaderError
	ok := errors.As(err, &nl)
	return nl, ok
}
