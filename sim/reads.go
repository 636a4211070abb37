package sim

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/kv"
	"github.com/faultline-sim/faultline/replica"
)

// Reads outside the log. A get carries a mode (request.mode, the checker's
// Mode constants; "" goes through the log as a proposal):
//
//   - consistent: ReadIndex. The leader confirms it leads by a heartbeat
//     round; Ready.ReadStates hands back the read index, and the host answers
//     from its kv once it applied that index. An unconfirmed read is dropped
//     when the host stops leading (or its term changes); the client retries
//     after its timeout. A confirmed one is still answered: it was confirmed
//     while leading.
//   - lease: if LeaseRead says the leader's lease holds, the read is
//     confirmed at the commit index it returns: the host answers at once if
//     it has applied that index, else once it has (as a confirmed ReadIndex
//     read). Without a lease the read falls back to ReadIndex.
//   - stale: any host answers from its own kv, followers too, unless it is
//     still replaying what it had applied before a crash.
//
// A follower redirects consistent and lease reads to the leader it knows,
// as it does proposals.

// pendingRead is a ReadIndex request the host made for a client.
type pendingRead struct {
	ctx    string
	client int // network id of the client
	seq    uint64
	key    string
	term   uint64 // the host's term when it asked
	index  uint64 // confirmed read index
	ready  bool   // confirmed: answer once applied >= index
}

// maxHostReads bounds a host's pending reads (raft bounds its own at 4096).
const maxHostReads = 4096

// readModes are the modes of Options.ReadModes; "log" is the history's "".
var readModes = []string{"log", checker.ModeConsistent, checker.ModeLease, checker.ModeStale}

// historyMode is the history's Mode for a read mode name.
func historyMode(m string) string {
	if m == "log" {
		return ""
	}
	return m
}

// fitLeaseByReadIndex fits lease reads to a protocol whose lease answers
// every ReadIndex (Caps.LeaseByReadIndex: etcd's ReadOnlyLeaseBased): with
// CheckQuorum only, never beside consistent reads. Given modes with lease
// turn a drawn CheckQuorum on. Drawn modes lose lease (log if nothing is
// left), as for a protocol without it: etcd's server runs ReadOnlySafe,
// and its lease is unsafe even with exact clocks (a reported finding the
// lease sweeps measure, -read-modes lease), so the swarm looks for what
// else fails. No draw is made.
func (o Options) fitLeaseByReadIndex(given Options) Options {
	modes, _ := parseReadModes(o.ReadModes)
	if !slices.Contains(modes, checker.ModeLease) {
		return o
	}
	if given.ReadModes != "" {
		if given.CheckQuorum == Draw {
			o.CheckQuorum = On
		}
		return o
	}
	kept := slices.DeleteFunc(modes, func(m string) bool { return m == checker.ModeLease })
	if len(kept) == 0 {
		kept = []string{"log"}
	}
	o.ReadModes = strings.Join(kept, ",")
	return o
}

// validateLeaseByReadIndex refuses what fitLeaseByReadIndex avoids in a
// draw, for protocol name: lease beside consistent reads, or without
// CheckQuorum.
func (o Options) validateLeaseByReadIndex(name string) error {
	if !o.hasReadMode(checker.ModeLease) {
		return nil
	}
	if o.hasReadMode(checker.ModeConsistent) {
		return fmt.Errorf("read-modes: protocol %s answers every ReadIndex from its lease once lease reads are on: consistent and lease cannot be mixed", name)
	}
	if o.CheckQuorum != On {
		return fmt.Errorf("read-modes: protocol %s serves lease reads only with CheckQuorum (-checkquorum on)", name)
	}
	return nil
}

// hasReadMode reports whether the run's clients use read mode m.
func (o Options) hasReadMode(m string) bool {
	modes, _ := parseReadModes(o.ReadModes)
	return slices.Contains(modes, m)
}

// readCtx identifies a read for ReadIndex: client network id and seq.
func readCtx(client int, seq uint64) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(client))
	binary.BigEndian.PutUint64(b[8:], seq)
	return string(b[:])
}

// handleRead serves a get whose mode is not "" (see above).
func (h *host) handleRead(r *request) {
	from := h.w.clientNet(int(r.op.Client))
	switch r.mode {
	case checker.ModeStale:
		if h.applied >= h.replayTo {
			h.answerRead(from, r.op.Seq, r.op.Key)
		}
		return // replaying: silent, the client retries elsewhere
	case checker.ModeLease:
		idx, ok := h.node.LeaseRead()
		h.w.noteLease(h, ok)
		if ok {
			h.leaseRead(from, r.op, idx)
			return
		}
	}
	h.readIndex(from, r.op)
}

// leaseRead answers a read the lease confirmed at index idx: now if the
// host has applied idx, else once it has.
func (h *host) leaseRead(from int, op kv.Op, idx uint64) {
	if h.applied >= idx {
		h.answerRead(from, op.Seq, op.Key)
		return
	}
	ctx := readCtx(from, op.Seq)
	h.reads = slices.DeleteFunc(h.reads, func(p pendingRead) bool { return p.ctx == ctx && !p.ready })
	if len(h.reads) < maxHostReads {
		h.reads = append(h.reads, pendingRead{ctx: ctx, client: from, seq: op.Seq, key: op.Key,
			term: h.node.Status().Epoch, index: idx, ready: true})
	}
}

// readIndex asks Raft for a read index for op.
func (h *host) readIndex(from int, op kv.Op) {
	ctx := readCtx(from, op.Seq)
	err := h.node.ReadIndex([]byte(ctx))
	if err != nil {
		if nl, ok := notLeaderOf(err); ok {
			h.w.send(h.id, from, packet{kind: pkResp, resp: &response{seq: op.Seq, notLeader: true, leader: int(nl.Leader)}})
		}
		return // else already pending, or too many: the pending one answers, or the client retries
	}
	h.reads = slices.DeleteFunc(h.reads, func(p pendingRead) bool { return p.ctx == ctx && !p.ready })
	if len(h.reads) >= maxHostReads {
		return // Raft will confirm it, but the host has no room: the client retries
	}
	h.reads = append(h.reads, pendingRead{ctx: ctx, client: from, seq: op.Seq, key: op.Key, term: h.node.Status().Epoch})
}

// confirmReads marks the reads Raft confirmed (Ready.ReadStates).
func (h *host) confirmReads(rs []replica.ReadState) {
	for _, s := range rs {
		k := slices.IndexFunc(h.reads, func(p pendingRead) bool { return p.ctx == string(s.Ctx) && !p.ready })
		if k >= 0 {
			h.reads[k].index, h.reads[k].ready = s.Index, true
		}
	}
}

// answerReads answers, in request order, the confirmed reads the host has
// applied far enough for.
func (h *host) answerReads() {
	h.reads = slices.DeleteFunc(h.reads, func(p pendingRead) bool {
		if !p.ready || p.index > h.applied {
			return false
		}
		h.answerRead(p.client, p.seq, p.key)
		return true
	})
}

// dropReads forgets the unconfirmed reads Raft dropped: all of them unless
// the host still leads in the term it asked in.
func (h *host) dropReads(term uint64, role replica.Role) {
	h.reads = slices.DeleteFunc(h.reads, func(p pendingRead) bool {
		return !p.ready && (role != replica.Leader || p.term != term)
	})
}

func (h *host) answerRead(client int, seq uint64, key string) {
	h.w.send(h.id, client, packet{kind: pkResp, resp: &response{seq: seq, result: h.kv.Read(key), node: h.id}})
}

// leaseMarginTicks is raft's LeaseMarginTicks for an election timeout of et
// ticks and a drift bound of d ppm (Options.MaxDriftPPM; every clock's rate
// is within 1 +- d/1e6, which the generator keeps to). The lease must end
// before a follower that acked it may vote again. The leader trusts an ack
// of a heartbeat it stamped at tick s until tick s+L, L = et - margin - 1;
// the follower refuses votes until et of its own ticks after it received
// that heartbeat, the first of which may come at once (raft's "-1" keeps
// that tick phase). L leader ticks last at most L/(1-d) tick lengths of real
// time, et-1 follower ticks at least (et-1)/(1+d), so the lease is safe when
// margin >= 2d(et-1)/(1+d), which ceil(et*2d/1e6) covers. Two more ticks
// cover clock steps (skew): a leader's clock stepped back fires its next
// tick up to a tick late, a follower's stepped forward fires its next at
// once. With d = 100000 ppm: et 10 -> 4, 15 -> 5, 20 -> 6; with 200000:
// 6, 8, 10. A pause needs no margin: a resumed host runs the ticks it missed
// (the timer kept firing while it was paused) before it handles anything it
// received, so its lease has expired by then. The margin stays below et;
// with a lease of 0 ticks LeaseRead always falls back to ReadIndex.
func leaseMarginTicks(et, driftPPM int) int {
	drift := (int64(et)*2*int64(driftPPM) + 999_999) / 1_000_000
	return min(int(drift)+2, et-1)
}

// Stale lease reads. A history that is not linearizable but is once its
// lease-mode gets are left out has a stale lease read. A lease is promised
// only while every clock drifts within the run's bound (Options.MaxDriftPPM,
// which generated schedules keep to; an explicit one may go past it): a
// stale lease read in a run whose schedule drifted a clock beyond the bound
// is the lease's clock assumption broken (check lease-clock-assumption, still
// a violation: the read was stale); within the bound it is a linearizability
// violation of the protocol (our Raft's margin covers the bound; etcd-io/raft
// states only that drift must be bounded, and keeps no margin).

// staleLeaseCheck is the check a linearizability violation of ops gets:
// lease-clock-assumption or linearizability, and a note for the message.
func (w *world) staleLeaseCheck(ops []checker.Operation) (check, note string) {
	if !w.o.hasReadMode(checker.ModeLease) {
		return "linearizability", ""
	}
	rest := slices.DeleteFunc(slices.Clone(ops), func(op checker.Operation) bool {
		return op.Kind == "get" && op.Mode == checker.ModeLease
	})
	if checker.CheckLinearizable(rest, linTimeout).Verdict != checker.Ok {
		return "linearizability", "" // not (only) the lease reads
	}
	if ppm := maxDriftPPM(w.sched); ppm > int64(w.o.MaxDriftPPM) {
		return "lease-clock-assumption", fmt.Sprintf("a stale lease read with a clock drifting %d ppm, beyond the run's bound of %d ppm (the lease's clock assumption broken): ", ppm, w.o.MaxDriftPPM)
	}
	return "linearizability", fmt.Sprintf("a stale lease read with every clock within the drift bound of %d ppm: ", w.o.MaxDriftPPM)
}

// maxDriftPPM is the largest clock rate error the schedule sets, in ppm
// (drift actions, and partition-leader's on the leader and the others).
func maxDriftPPM(s faults.Schedule) int64 {
	var most int64
	for _, a := range s.Actions {
		if a.Kind == faults.Drift || a.Kind == faults.PartitionLeader {
			most = max(most, a.DriftPPM, -a.DriftPPM)
		}
	}
	return most
}
