package sim

import (
	"errors"
	"fmt"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/clock"
	"github.com/faultline-sim/faultline/kv"
	"github.com/faultline-sim/faultline/raft"
)

// host is one server: a Raft node, its disk, the kv state machine and the
// request handler, on its own clock. It follows the Ready contract: persist,
// sync (fsync takes FsyncNs of virtual time), then send, apply, Advance.
type host struct {
	w    *world
	id   int
	clk  clock.NodeClock
	disk disk

	node *raft.Node // nil while crashed
	kv   *kv.Store
	up   bool // the process exists (not crashed)

	paused     bool
	inbox      []packet // deliveries held while paused, at most maxInbox
	missed     int      // ticks missed while paused
	incarn     uint64   // bumped by crash and restart: stale timers are ignored
	tickLocal  int64    // local time (ns) of the next tick
	tickHandle clock.Handle

	rd      *raft.Ready // the Ready being synced, nil if none
	synced  bool        // rd's fsync completed (while paused)
	waiting map[uint64]pendingReq
	commit  uint64 // last commit index reported to the checker
	lead    uint64 // last leader seen in a SoftState
	role    raft.Role

	applied  uint64         // last index applied to kv (or restored from a snapshot)
	replayTo uint64         // commit index the disk held at boot: stale reads wait for it
	conf     raft.ConfState // configuration at applied, for snapshots
	reads    []pendingRead  // ReadIndex requests, in request order
}

// pendingReq is a client request proposed at an index, awaiting its apply.
type pendingReq struct {
	term   uint64
	client int // network id of the client
	seq    uint64
	write  bool
}

// maxInbox bounds what a paused process buffers (a socket buffer); more is dropped.
const maxInbox = 4096

// maxMissedTicks bounds the ticks a resumed process catches up at once.
const maxMissedTicks = 1000

func (h *host) boot() {
	w := h.w
	cfg := raft.Config{
		ID: uint64(h.id), Peers: w.peers, ElectionTicks: w.o.ElectionTicks, HeartbeatTicks: w.o.HeartbeatTicks,
		PreVote: w.o.PreVote == On, CheckQuorum: w.o.CheckQuorum == On,
		MaxEntriesPerMsg: w.o.MaxEntries, MaxInflightMsgs: w.o.MaxInflight,
		MaxSnapshotChunkBytes: snapshotChunkBytes, LeaseMarginTicks: leaseMarginTicks(w.o.ElectionTicks, w.o.MaxDriftPPM),
		Storage: &h.disk, Rand: w.rng.Forkf("raft-%d-%d", h.id, h.incarn), Defects: w.defects.raft,
	}
	n, err := raft.NewNode(cfg)
	if err != nil {
		panic(fmt.Sprintf("sim: host %d cannot boot: %v", h.id, err))
	}
	h.node, h.kv, h.up = n, kv.New(), true
	h.kv.NoDedup = w.defects.kvNoDedup
	h.restoreFromDisk()
	h.waiting, h.reads = map[uint64]pendingReq{}, nil
	h.rd, h.synced, h.commit, h.lead, h.role = nil, false, 0, 0, raft.Follower
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
	h.node.Tick()
	h.pump()
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
		if err := h.node.Step(p.msg); err != nil && !errors.Is(err, raft.ErrInvalidMessage) {
			panic(fmt.Sprintf("sim: host %d step %s: %v", h.id, p.msg, err))
		}
	case pkReq:
		h.handleRequest(&p.req)
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
		rd := h.node.Ready()
		h.persist(&rd)
		if rd.MustSync && h.w.o.FsyncNs > 0 {
			h.rd = &rd
			if h.w.defects.voteBeforePersist {
				rd.Messages = h.sendVotesEarly(rd.Messages)
			}
			h.w.push(h.w.now()+h.w.o.FsyncNs, event{kind: evSynced, node: h.id, gen: h.incarn})
			return
		}
		h.disk.sync()
		h.finish(rd)
	}
}

func (h *host) onSynced(gen uint64) {
	if gen != h.incarn || !h.up || h.rd == nil {
		return
	}
	h.disk.sync()
	if h.paused {
		h.synced = true
		return
	}
	rd := *h.rd
	h.rd = nil
	h.finish(rd)
	h.pump()
}

// persist writes what rd asks to the disk (unsynced) and tells the checker.
func (h *host) persist(rd *raft.Ready) {
	w := h.w
	if rd.SoftState != nil {
		h.observeRole(*rd.SoftState)
	}
	if !rd.Snapshot.IsEmpty() {
		h.persistSnapshot(rd.Snapshot)
	}
	h.disk.write(rd.HardState, rd.Entries)
	if len(rd.Entries) > 0 {
		w.inv.LogAppend(w.now(), h.id, logEntries(rd.Entries))
	}
}

// finish sends, applies and advances a Ready whose writes are durable.
func (h *host) finish(rd raft.Ready) {
	w := h.w
	w.leaderCommitting(h, &rd) // crash-new-leader: may drop the messages and doom h
	h.send(rd.Messages)
	if t := rd.HardState.Term; t != 0 {
		w.inv.Term(h.id, t)
	}
	if c := rd.HardState.Commit; c > h.commit {
		h.commit = c
		w.inv.Commit(w.now(), h.id, c)
	}
	if !rd.Snapshot.IsEmpty() {
		h.applySnapshot(rd.Snapshot)
	}
	for _, e := range rd.CommittedEntries {
		h.apply(e)
	}
	h.confirmReads(rd.ReadStates)
	h.answerReads()
	h.node.Advance(rd)
	h.maybeCompact()
}

// sendVotesEarly is the vote-before-persist defect: vote replies leave
// before the term and vote they carry are durable. It returns the rest.
func (h *host) sendVotesEarly(msgs []raft.Message) []raft.Message {
	var rest []raft.Message
	for _, m := range msgs {
		if m.Type == raft.MsgVoteResp || m.Type == raft.MsgPreVoteResp {
			h.send([]raft.Message{m})
		} else {
			rest = append(rest, m)
		}
	}
	return rest
}

func (h *host) send(msgs []raft.Message) {
	for i := range msgs {
		h.w.send(h.id, int(msgs[i].To), packet{kind: pkRaft, msg: msgs[i]})
		switch m := &msgs[i]; {
		case m.Type == raft.MsgVoteResp && !m.Reject:
			h.w.votedNow(h.id)
			h.w.splitVote(h.id, int(m.To), m.Term)
		case m.Type == raft.MsgAppResp:
			h.w.replayKeep(h.id, m)
		}
	}
}

func (h *host) observeRole(s raft.SoftState) {
	w := h.w
	st := h.node.Status()
	if s.Role == raft.Leader && h.role != raft.Leader {
		w.inv.Leader(w.now(), h.id, st.Term)
		w.leaderElected(h.id, st.Term)
		w.replaySeen(h.id, st.Term)
		w.splitSeen(h.id, st.Term)
	}
	if s.Role != raft.Leader && h.role == raft.Leader {
		w.leaderLost(h.id)
	}
	h.role, h.lead = s.Role, s.Lead
	h.dropReads(st.Term, s.Role)
	w.live.Role(w.now(), h.id, st.Term, s.Role == raft.Leader)
}

// apply runs one committed entry on the state machine and answers its client.
func (h *host) apply(e raft.Entry) {
	w := h.w
	le := logEntry(e)
	w.inv.Apply(w.now(), h.id, le.Index, le.Term, le.Hash)
	h.noteApplied(e)
	if e.Type != raft.EntryNormal || len(e.Data) == 0 {
		return
	}
	res := h.kv.Apply(e.Index, e.Data)
	w.applied(e, res)
	p, ok := h.waiting[e.Index]
	if !ok {
		return
	}
	delete(h.waiting, e.Index)
	if p.term != e.Term {
		return // another leader's entry took the index: the client will retry
	}
	if !w.defects.ackBeforeCommit || !p.write {
		h.reply(p, le, res)
	}
}

// handleRequest proposes a client's operation, or redirects the client.
func (h *host) handleRequest(r *request) {
	w := h.w
	if r.op.Kind == kv.Get && w.defects.readLocal && h.role == raft.Leader {
		res := h.kv.Read(r.op.Key)
		w.send(h.id, w.clientNet(int(r.op.Client)), packet{kind: pkResp, resp: response{seq: r.op.Seq, result: res, node: h.id}})
		return
	}
	if r.op.Kind == kv.Get && r.mode != "" {
		h.handleRead(r)
		return
	}
	index, term, err := h.node.Propose(kv.Encode(r.op))
	from := w.clientNet(int(r.op.Client))
	var nl *raft.NotLeaderError
	switch {
	case errors.As(err, &nl):
		w.send(h.id, from, packet{kind: pkResp, resp: response{seq: r.op.Seq, notLeader: true, leader: int(nl.Leader)}})
		return
	case err != nil:
		return // dropped (too many uncommitted entries): the client retries
	}
	p := pendingReq{term: term, client: from, seq: r.op.Seq, write: r.op.Kind != kv.Get}
	h.waiting[index] = p
	if w.defects.ackBeforeCommit && p.write {
		le := checker.LogEntry{Index: index, Term: term, Hash: hashData(raft.EntryNormal, kv.Encode(r.op))}
		h.w.inv.Ack(h.w.now(), h.id, le.Index, le.Term, le.Hash)
		w.send(h.id, from, packet{kind: pkResp, resp: response{seq: p.seq, guess: true}}) // the write has not happened yet
	}
}

// reply answers a client; an acknowledged write is reported to the checker,
// which then holds the cluster to it.
func (h *host) reply(p pendingReq, e checker.LogEntry, res kv.Result) {
	if p.write {
		h.w.inv.Ack(h.w.now(), h.id, e.Index, e.Term, e.Hash)
	}
	h.w.send(h.id, p.client, packet{kind: pkResp, resp: response{seq: p.seq, result: res, node: h.id}})
}

// crash stops the process; unsynced writes are lost (a prefix survives if torn).
func (h *host) crash(torn bool) {
	keep := 0
	if torn && len(h.disk.pending) > 0 {
		keep = h.w.faultRng.IntN(len(h.disk.pending) + 1)
	}
	h.disk.crash(keep)
	h.w.loop.Cancel(h.tickHandle)
	if h.role == raft.Leader {
		h.w.leaderLost(h.id)
		h.w.live.Role(h.w.now(), h.id, 0, false)
	}
	h.node, h.kv, h.up, h.paused = nil, nil, false, false
	h.inbox, h.missed, h.rd, h.waiting, h.role = nil, 0, nil, nil, raft.Follower
	h.reads = nil
	h.incarn++
}

// restart boots the node from what its disk synced.
func (h *host) restart() {
	h.incarn++
	h.w.inv.Term(h.id, h.disk.hard.Term)
	h.w.inv.Restart(h.w.now(), h.id, logEntries(h.disk.logAfterSnapshot()), max(h.disk.hard.Commit, h.disk.snapIndex()))
	h.boot()
	h.pump()
}

func (h *host) pause() { h.paused = true }

// resume continues a paused process: the fsync that finished, the ticks it
// missed and the packets it buffered are handled now, in that order. The
// missed ticks come first, so a leader's lease counts the pause before the
// leader answers any read that waited for it.
func (h *host) resume() {
	h.paused = false
	if h.synced {
		h.synced = false
		rd := *h.rd
		h.rd = nil
		h.finish(rd)
	}
	if h.w.defects.pauseDropsTicks {
		h.missed = min(h.missed, 1)
	}
	for ; h.missed > 0; h.missed-- {
		h.node.Tick()
	}
	inbox := h.inbox
	h.inbox = nil
	for _, p := range inbox {
		h.receive(p)
	}
	h.pump()
}
