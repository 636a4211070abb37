package etcdraft

import (
	"errors"
	"fmt"
	"slices"

	"github.com/faultline-sim/faultline/replica"
	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/confchange"
	"go.etcd.io/raft/v3/raftpb"
	"go.etcd.io/raft/v3/tracker"
)

// errConfPending: etcd refused the change for now (a change not yet
// applied, or a joint configuration not yet left): it turned the entry into
// an empty one.
var errConfPending = errors.New("etcdraft: a configuration change is pending")

var changeTypes = [...]raftpb.ConfChangeType{replica.AddVoter: raftpb.ConfChangeAddNode,
	replica.AddLearner: raftpb.ConfChangeAddLearnerNode, replica.RemoveNode: raftpb.ConfChangeRemoveNode}

// ChangeConfig proposes a ConfChangeV2. One step is a simple change when it
// alters at most one voter (etcd's ConfChangeTransitionAuto); several go
// through a joint configuration, left automatically or, in half the
// changes (the node's seeded choice), by the explicit empty ConfChangeV2
// that this adapter proposes once the joint entry is applied.
func (r *node) ChangeConfig(c replica.ConfigChange) (uint64, error) {
	if err := r.mustLead(); err != nil {
		return 0, err
	}
	cc := raftpb.ConfChangeV2{}
	for _, s := range c.Steps {
		if int(s.Type) >= len(changeTypes) || s.Type == 0 {
			return 0, replica.ErrConfigRejected
		}
		cc.Changes = append(cc.Changes, raftpb.ConfChangeSingle{Type: changeTypes[s.Type], NodeID: s.Node})
	}
	switch {
	case len(cc.Changes) == 0 || c.Simple && len(cc.Changes) > 1:
		return 0, replica.ErrConfigRejected
	case len(cc.Changes) > 1 && r.rng.IntN(2) == 0:
		cc.Transition = raftpb.ConfChangeTransitionJointExplicit
	case len(cc.Changes) > 1:
		cc.Transition = raftpb.ConfChangeTransitionJointImplicit
	}
	if err := r.validate(cc); err != nil {
		return 0, replica.ErrConfigRejected
	}
	return r.proposeConf(cc)
}

// validate runs etcd's own configuration changer over the configuration the
// leader applied: etcd checks a change only when it applies it, and panics
// there on an invalid one, so the host must not propose it.
func (r *node) validate(cc raftpb.ConfChangeV2) error {
	st := r.rn.Status()
	trk := tracker.MakeProgressTracker(1, 0)
	trk.Config = st.Config
	for id, pr := range st.Progress { // a copy per member: order does not matter
		trk.Progress[id] = &pr
	}
	chg := confchange.Changer{Tracker: trk, LastIndex: st.Commit}
	var err error
	if autoLeave, joint := cc.EnterJoint(); joint {
		_, _, err = chg.EnterJoint(autoLeave, cc.Changes...)
	} else {
		_, _, err = chg.Simple(cc.Changes...)
	}
	return err
}

// proposeConf steps a configuration entry and says where it went.
func (r *node) proposeConf(cc raftpb.ConfChangeV2) (uint64, error) {
	data, err := cc.Marshal()
	if err != nil {
		panic(fmt.Sprintf("etcdraft: marshal %v: %v", cc, err))
	}
	ents := []raftpb.Entry{{Type: raftpb.EntryConfChangeV2, Data: data}}
	if err := r.propose(ents); err != nil {
		return 0, err
	}
	if ents[0].Type != raftpb.EntryConfChangeV2 {
		return 0, errConfPending
	}
	r.confIndex = max(r.confIndex, ents[0].Index)
	return ents[0].Index, nil
}

// maybeLeaveJoint proposes the explicit leave of a joint configuration
// without auto-leave, on the leader, once the joint entry and any earlier
// attempt are applied. Called under the lock.
func (r *node) maybeLeaveJoint() {
	if len(r.conf.VotersOutgoing) == 0 || r.conf.AutoLeave || r.defect.noExplicitLeave {
		return
	}
	bs := r.rn.BasicStatus()
	if bs.RaftState != raft.StateLeader || bs.Applied < r.confIndex || bs.Applied < r.leaveAt {
		return
	}
	data, err := (&raftpb.ConfChangeV2{}).Marshal()
	if err != nil {
		panic(fmt.Sprintf("etcdraft: marshal leave: %v", err))
	}
	ents := []raftpb.Entry{{Type: raftpb.EntryConfChangeV2, Data: data}}
	if err := r.rn.Step(raftpb.Message{Type: raftpb.MsgProp, From: r.id, Entries: ents}); err != nil {
		return // dropped (a leadership transfer): the next tick tries again
	}
	r.leaveAt = ents[0].Index
	if ents[0].Type == raftpb.EntryConfChangeV2 {
		r.confIndex = max(r.confIndex, ents[0].Index)
	}
}

// applyConf applies a committed configuration entry to etcd (under the
// lock) and returns the configuration it makes.
func (r *node) applyConf(e raftpb.Entry) replica.Membership {
	var cc raftpb.ConfChangeI
	switch e.Type {
	case raftpb.EntryConfChange:
		var c raftpb.ConfChange
		if err := c.Unmarshal(e.Data); err != nil {
			panic(fmt.Sprintf("etcd: node %d committed a configuration entry %d that does not decode: %v", r.id, e.Index, err))
		}
		cc = c
	default:
		var c raftpb.ConfChangeV2
		if err := c.Unmarshal(e.Data); err != nil {
			panic(fmt.Sprintf("etcd: node %d committed a configuration entry %d that does not decode: %v", r.id, e.Index, err))
		}
		cc = c
	}
	r.conf = cloneConf(*r.rn.ApplyConfChange(cc))
	r.confIndex = max(r.confIndex, e.Index)
	return membership(r.conf)
}

func cloneConf(cs raftpb.ConfState) raftpb.ConfState {
	return raftpb.ConfState{Voters: slices.Clone(cs.Voters), Learners: slices.Clone(cs.Learners),
		VotersOutgoing: slices.Clone(cs.VotersOutgoing), LearnersNext: slices.Clone(cs.LearnersNext), AutoLeave: cs.AutoLeave}
}

func sorted(s []uint64) []uint64 {
	if len(s) == 0 {
		return nil
	}
	slices.Sort(s)
	return s
}
