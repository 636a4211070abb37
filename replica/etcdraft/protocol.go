// Package etcdraft puts etcd-io/raft (go.etcd.io/raft/v3, v3.6.0, the module
// unmodified) behind the replica contract as protocol "etcd": a RawNode over a
// MemoryStorage mirrored on a simulated disk whose unsynced writes a crash
// loses. Every call into a RawNode runs under one process-wide lock with
// etcd's random source set to the node's seeded stream (rand.go).
package etcdraft

import (
	"fmt"
	"slices"

	"github.com/faultline-sim/faultline/internal/etcdrand"
	"github.com/faultline-sim/faultline/replica"
	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
)

func init() { replica.Register(Protocol{}) }

// Protocol is etcd-io/raft as a replica.Protocol, named "etcd".
type Protocol struct{}

// Name implements replica.Protocol.
func (Protocol) Name() string { return "etcd" }

// Caps implements replica.Protocol. Reads: ReadIndex with ReadOnlySafe, on
// leaders and followers (etcd forwards a follower's MsgReadIndex), and lease
// reads as etcd serves them: a node booted with Config.LeaseReads runs
// ReadOnlyLeaseBased, which answers every ReadIndex from the leader's
// CheckQuorum lease (no heartbeat round), with no margin for clock drift.
func (Protocol) Caps() replica.Caps {
	return replica.Caps{
		Reads:      []string{"consistent", "lease", "stale"},
		Membership: true, Snapshots: true, PreVote: true, CheckQuorum: true, LogChecks: true,
		Faults:           []string{"crash-voter", "crash-new-leader", "replay-leader", "config-split"},
		LeaseByReadIndex: true,
	}
}

// NewStore implements replica.Protocol.
func (Protocol) NewStore() replica.Store { return &disk{} }

// entryBytes is the size of a typical kv command entry: etcd bounds a
// message by bytes (MaxSizePerMsg), the world by entries (Config.MaxEntries).
const entryBytes = 64

// maxUncommittedBytes bounds a leader's uncommitted log (etcd drops
// proposals beyond it; the client retries).
const maxUncommittedBytes = 1 << 20

// storage is etcd's Storage: the MemoryStorage, whose configuration before
// any snapshot is the initial voters (a fresh MemoryStorage has none).
type storage struct {
	*raft.MemoryStorage
	peers []uint64
	n     *node // its configuration applied, and its request for a snapshot
}

// Snapshot implements raft.Storage. A snapshot whose configuration leaves
// out a member of the one applied is not handed out (etcd's restore ignores
// a snapshot without the recipient: a learner added after the last
// compaction would get it forever); the node asks its host for a fresh one
// (Ready.CompactNow), as etcd's server builds a snapshot message at its
// applied index and configuration, and etcd asks again on its next probe.
func (s *storage) Snapshot() (raftpb.Snapshot, error) {
	snap, err := s.MemoryStorage.Snapshot()
	if err == nil && snap.Metadata.Index > 0 && !covers(snap.Metadata.ConfState, s.n.conf) {
		s.n.wantSnap = true
		return raftpb.Snapshot{}, raft.ErrSnapshotTemporarilyUnavailable
	}
	return snap, err
}

// covers says whether every member of b (voters, learners, outgoing voters)
// is a member of a.
func covers(a, b raftpb.ConfState) bool {
	for _, set := range [][]uint64{b.Voters, b.Learners, b.VotersOutgoing} {
		for _, id := range set {
			if !slices.Contains(a.Voters, id) && !slices.Contains(a.Learners, id) && !slices.Contains(a.VotersOutgoing, id) {
				return false
			}
		}
	}
	return true
}

// InitialState implements raft.Storage.
func (s *storage) InitialState() (raftpb.HardState, raftpb.ConfState, error) {
	hs, cs, err := s.MemoryStorage.InitialState()
	if snap, _ := s.MemoryStorage.Snapshot(); snap.Metadata.Index == 0 {
		cs = raftpb.ConfState{Voters: slices.Clone(s.peers)}
	}
	return hs, cs, err
}

// Boot implements replica.Protocol: the MemoryStorage is rebuilt from the
// disk's durable state, and the node applies again from its snapshot.
func (Protocol) Boot(cfg replica.Config, st replica.Store) (replica.Replica, error) {
	d, ok := st.(*disk)
	if !ok {
		return nil, fmt.Errorf("etcdraft: store %T is not an etcdraft disk", st)
	}
	if cfg.LeaseReads && !cfg.CheckQuorum {
		return nil, fmt.Errorf("etcdraft: node %d: lease reads (ReadOnlyLeaseBased) need CheckQuorum", cfg.ID)
	}
	if cfg.Rand == nil {
		return nil, fmt.Errorf("etcdraft: node %d has no random source", cfg.ID)
	}
	ms, err := memoryStorage(&d.durable)
	if err != nil {
		return nil, err
	}
	r := &node{id: cfg.ID, ms: ms, d: d, src: newSeededReader(cfg.Rand), rng: cfg.Rand, defect: defectsOf(cfg.Defect)}
	r.conf = raftpb.ConfState{Voters: slices.Clone(cfg.Peers)}
	if s := d.durable.snap.Metadata; s.Index > 0 {
		r.conf, r.confIndex, r.handed = cloneConf(s.ConfState), s.Index, s.Index
	}
	rc := &raft.Config{
		ID: cfg.ID, ElectionTick: cfg.ElectionTicks, HeartbeatTick: cfg.HeartbeatTicks,
		Storage: &storage{MemoryStorage: ms, peers: cfg.Peers, n: r}, Applied: d.durable.snap.Metadata.Index,
		MaxSizePerMsg: uint64(max(cfg.MaxEntries, 1)) * entryBytes, MaxCommittedSizePerReady: 1 << 40,
		MaxUncommittedEntriesSize: maxUncommittedBytes, MaxInflightMsgs: max(cfg.MaxInflight, 1),
		CheckQuorum: cfg.CheckQuorum, PreVote: cfg.PreVote, ReadOnlyOption: readOnly(cfg),
		Logger: etcdrand.Logger{Name: "etcd", ID: cfg.ID}, DisableProposalForwarding: true, StepDownOnRemoval: true,
	}
	if cfg.MaxEntries <= 1 {
		rc.MaxSizePerMsg = 1 // etcd sends at least one entry: exactly one
	}
	locked(r.src, func() { r.rn, err = raft.NewRawNode(rc) })
	if err != nil {
		return nil, fmt.Errorf("etcdraft: node %d: %w", cfg.ID, err)
	}
	return r, nil
}

// memoryStorage is a MemoryStorage holding s.
func memoryStorage(s *state) (*raft.MemoryStorage, error) {
	ms := raft.NewMemoryStorage()
	if s.snap.Metadata.Index > 0 {
		if err := ms.ApplySnapshot(s.snap); err != nil {
			return nil, fmt.Errorf("etcdraft: restoring the snapshot: %w", err)
		}
	}
	if err := ms.SetHardState(s.hard); err != nil {
		return nil, fmt.Errorf("etcdraft: restoring the hard state: %w", err)
	}
	if err := ms.Append(slices.Clone(s.afterSnapshot())); err != nil {
		return nil, fmt.Errorf("etcdraft: restoring the log: %w", err)
	}
	return ms, nil
}

// readOnly is etcd's read-only option for cfg: ReadOnlyLeaseBased when the
// run issues lease reads (etcd panics on it without CheckQuorum; Boot
// refuses that first).
func readOnly(cfg replica.Config) raft.ReadOnlyOption {
	if cfg.LeaseReads {
		return raft.ReadOnlyLeaseBased
	}
	return raft.ReadOnlySafe
}
