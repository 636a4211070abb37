package paxosr

import (
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/faultline-sim/faultline/paxos"
	"github.com/faultline-sim/faultline/replica"
)

// node is a paxos.Node behind replica.Replica. Ready writes the batch to the
// disk (unsynced) as it hands it out.
type node struct {
	n     *paxos.Node
	d     *disk
	peers []uint64
	buf   []message
	msgs  []replica.Message
	reads readOrder // the core's ReadIndex order, asserted (reads.go)
	// pending: a Ready is handed out, Advance not yet called; soft: the last
	// SoftState handed out (idle.go).
	pending bool
	soft    paxos.SoftState
	// maxEntries is Config.MaxEntriesPerMsg (0: no bound asserted).
	maxEntries int
}

func (r *node) Tick() { r.n.Tick() }

func (r *node) Step(m replica.Message) { r.n.Step(m.(*message).m) }

// Propose: Epoch 0, as every committed Entry's (a slot's value is chosen
// whatever ballot carried it); the host tells a lost proposal by its Hash.
func (r *node) Propose(cmd []byte) (replica.Proposal, error) {
	i, err := r.n.Propose(cmd)
	if err != nil {
		return replica.Proposal{}, notLeader(err)
	}
	return replica.Proposal{Index: i, Hash: hashValue(paxos.Value{Data: cmd})}, nil
}

// notLeader maps the core's *NotLeaderError to the contract's.
func notLeader(err error) error {
	var nl *paxos.NotLeaderError
	if errors.As(err, &nl) {
		return &replica.NotLeaderError{Leader: nl.Leader}
	}
	return err
}

// ReadIndex records the reads the core takes, to assert their order.
func (r *node) ReadIndex(ctx []byte) error {
	if err := r.n.ReadIndex(ctx); err != nil {
		return notLeader(err)
	}
	r.reads.took(ctx, r.n.Status().Promised)
	return nil
}

func (r *node) LeaseRead() (uint64, bool)      { return r.n.LeaseRead() }
func (r *node) Advance()                       { r.n.Advance(); r.pending = false }
func (r *node) Match(id uint64) (uint64, bool) { return r.n.Acked(id) }

func (r *node) ChangeConfig(replica.ConfigChange) (uint64, error) {
	return 0, replica.ErrConfigRejected
}

// Ready takes the core's Ready, writes it to the disk and converts it.
func (r *node) Ready() replica.Ready {
	rd := r.n.Ready()
	r.pending = true
	r.checkFull(&rd)
	checkMustSync(&rd)
	r.d.write(&rd)
	out := replica.Ready{MustSync: rd.MustSync, Epoch: uint64(rd.Promised)}
	if s := rd.SoftState; s != nil {
		out.Role = &replica.RoleChange{Role: role(s.Role), Epoch: uint64(s.Ballot), Lead: s.Lead}
	}
	if s := rd.Snapshot; s != nil {
		out.Snapshot = &replica.Snapshot{Index: s.Index, Data: s.Data, Membership: replica.Membership{Voters: r.peers}}
	}
	r.buf, r.msgs = r.buf[:0], r.msgs[:0]
	for i := range rd.Messages {
		r.checkBound(&rd.Messages[i])
		r.buf = append(r.buf, message{m: rd.Messages[i]})
	}
	for i := range r.buf {
		r.msgs = append(r.msgs, &r.buf[i])
	}
	out.Messages = r.msgs
	if k := len(rd.Committed); k > 0 {
		out.Committed = make([]replica.Entry, k)
		for i, s := range rd.Committed {
			out.Committed[i] = entry(s)
		}
		out.Commit = rd.Committed[k-1].Index
	}
	r.reads.handed(r.n.Status().ID, rd.Reads)
	for _, s := range rd.Reads {
		out.Reads = append(out.Reads, replica.ReadState{Index: s.Index, Ctx: s.Ctx})
	}
	for _, o := range rd.Observations {
		out.Observations = append(out.Observations, o)
	}
	return out
}

// checkMustSync asserts the Ready contract the world relies on for
// durability: a promise, a slot or a snapshot written must be synced before
// the messages leave (MustSync). The world syncs every Ready, so a MustSync
// missing where it is due would otherwise go unseen (make mutate:
// paxos/ready.go:87).
func checkMustSync(rd *paxos.Ready) {
	if (rd.Promised != 0 || len(rd.Slots) > 0 || rd.Snapshot != nil) && !rd.MustSync {
		panic(fmt.Sprintf("paxos: invariant broken: a Ready with promise %v, %d slots, snapshot %t does not ask to sync",
			rd.Promised, len(rd.Slots), rd.Snapshot != nil))
	}
}

func entry(s paxos.Slot) replica.Entry {
	e := replica.Entry{Index: s.Index, Data: s.Value.Data, Hash: hashValue(s.Value)}
	if s.Value.Noop || len(s.Value.Data) == 0 {
		e.Kind = replica.EntryNoop
	}
	return e
}

func (r *node) Status() replica.Status {
	st := r.n.Status()
	return replica.Status{ID: st.ID, Role: role(st.Role), Epoch: uint64(st.Promised), Lead: st.Lead,
		Commit: st.Commit, Applied: st.Applied, Membership: replica.Membership{Voters: r.peers}}
}

// Compact trims the core and the disk, and asserts that the core kept no
// slot the snapshot covers: a core that ignores Compact grows its log for
// good while its disk compacts, and no other check sees it.
func (r *node) Compact(applied uint64, data []byte) {
	r.n.Compact(applied, data)
	if st := r.n.Status(); st.Snap < applied {
		panic(fmt.Sprintf("paxos: invariant broken: node %d compacted at %d, but its log still holds the slots after %d", st.ID, applied, st.Snap))
	}
	r.d.compact(applied, data)
}

// checkBound asserts Config.MaxEntriesPerMsg: no Accept or Commit (nor the
// Accepted that echoes an Accept) carries more slots. A Promise reports
// every slot it holds from the one asked for, unbounded.
func (r *node) checkBound(m *paxos.Message) {
	switch m.Type {
	case paxos.MsgAccept, paxos.MsgAccepted, paxos.MsgCommit:
		if r.maxEntries > 0 && len(m.Slots) > r.maxEntries {
			panic(fmt.Sprintf("paxos: invariant broken: %s carries %d slots, MaxEntriesPerMsg %d", m, len(m.Slots), r.maxEntries))
		}
	}
}

func role(x paxos.Role) replica.Role {
	switch x {
	case paxos.Leader:
		return replica.Leader
	case paxos.Candidate:
		return replica.Candidate
	}
	return replica.Follower
}

// hashValue is FNV-1a over a value's kind and data.
func hashValue(v paxos.Value) uint64 {
	h := fnv.New64a()
	k := byte(0)
	if v.Noop {
		k = 1
	}
	h.Write([]byte{k})
	h.Write(v.Data)
	return h.Sum64()
}
