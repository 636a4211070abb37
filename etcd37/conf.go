package etcdraft37

import (
	"errors"
	"fmt"

	"github.com/faultline-sim/faultline/replica"
	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/confchange"
	pb "go.etcd.io/raft/v3/raftpb"
	"go.etcd.io/raft/v3/tracker"
	"google.golang.org/protobuf/proto"
)

var errConfPending = errors.New("etcdraft37: a configuration change is pending")

var changeTypes = [...]pb.ConfChangeType{replica.AddVoter: pb.ConfChangeAddNode,
	replica.AddLearner: pb.ConfChangeAddLearnerNode, replica.RemoveNode: pb.ConfChangeRemoveNode}

// ChangeConfig proposes a ConfChangeV2, as the v3.6 adapter does.
func (r *node) ChangeConfig(c replica.ConfigChange) (uint64, error) {
	if err := r.mustLead(); err != nil {
		return 0, err
	}
	cc := &pb.ConfChangeV2{}
	for _, s := range c.Steps {
		if int(s.Type) >= len(changeTypes) || s.Type == 0 {
			return 0, replica.ErrConfigRejected
		}
		cc.Changes = append(cc.Changes, &pb.ConfChangeSingle{Type: changeTypes[s.Type].Enum(), NodeId: proto.Uint64(s.Node)})
	}
	switch {
	case len(cc.Changes) == 0 || c.Simple && len(cc.Changes) > 1:
		return 0, replica.ErrConfigRejected
	case len(cc.Changes) > 1: // explicit leave only: etcd's auto-leave appends where the adapter cannot count
		cc.Transition = pb.ConfChangeTransitionJointExplicit.Enum()
	}
	if err := r.validate(cc); err != nil {
		return 0, replica.ErrConfigRejected
	}
	return r.proposeConf(cc)
}

func (r *node) validate(cc *pb.ConfChangeV2) error {
	st := r.rn.Status()
	trk := tracker.MakeProgressTracker(1, 0)
	trk.Config = st.Config
	for id, pr := range st.Progress {
		trk.Progress[id] = &pr
	}
	chg := confchange.Changer{Tracker: trk, LastIndex: st.GetCommit()}
	var err error
	if autoLeave, joint := cc.EnterJoint(); joint {
		_, _, err = chg.EnterJoint(autoLeave, cc.Changes...)
	} else {
		_, _, err = chg.Simple(cc.Changes...)
	}
	return err
}

func (r *node) proposeConf(cc *pb.ConfChangeV2) (uint64, error) {
	data, err := proto.Marshal(cc)
	if err != nil {
		panic(fmt.Sprintf("etcdraft37: marshal %v: %v", cc, err))
	}
	ents := []*pb.Entry{{Type: pb.EntryConfChangeV2.Enum(), Data: data}}
	if r.confPending() {
		return 0, errConfPending // etcd would append an empty entry instead
	}
	if err := r.propose(ents); err != nil {
		return 0, err
	}
	r.confIndex = max(r.confIndex, r.last)
	return r.last, nil
}

// maybeLeaveJoint proposes the explicit leave of a joint configuration
// without auto-leave. Called under the lock.
func (r *node) maybeLeaveJoint() {
	if len(r.conf.VotersOutgoing) == 0 || r.conf.GetAutoLeave() {
		return
	}
	if r.rn.BasicStatus().RaftState != raft.StateLeader || r.confPending() {
		return
	}
	data, err := proto.Marshal(&pb.ConfChangeV2{})
	if err != nil {
		panic(fmt.Sprintf("etcdraft37: marshal leave: %v", err))
	}
	ents := []*pb.Entry{{Type: pb.EntryConfChangeV2.Enum(), Data: data}}
	if err := r.stepProp(ents); err != nil {
		return
	}
	r.leaveAt, r.confIndex = r.last, max(r.confIndex, r.last)
}

// confPending is etcd's refusal rule for a configuration entry (raft.go,
// stepLeader MsgProp: pendingConfIndex > applied), from what the adapter
// counts: v3.7 clones a proposal, so a refusal (an empty entry in its
// place) cannot be seen after the step. pendingConfIndex is the newest
// configuration entry, or the last index when the node became leader.
func (r *node) confPending() bool {
	return r.rn.BasicStatus().Applied < max(r.confIndex, r.leadPending)
}

// applyConf applies a committed configuration entry (under the lock).
func (r *node) applyConf(e *pb.Entry) replica.Membership {
	var cc pb.ConfChangeI
	switch e.GetType() {
	case pb.EntryConfChange:
		c := &pb.ConfChange{}
		if err := proto.Unmarshal(e.GetData(), c); err != nil {
			panic(fmt.Sprintf("etcd37: node %d committed a configuration entry %d that does not decode: %v", r.id, e.GetIndex(), err))
		}
		cc = c
	default:
		c := &pb.ConfChangeV2{}
		if err := proto.Unmarshal(e.GetData(), c); err != nil {
			panic(fmt.Sprintf("etcd37: node %d committed a configuration entry %d that does not decode: %v", r.id, e.GetIndex(), err))
		}
		cc = c
	}
	r.conf = cloneConf(r.rn.ApplyConfChange(cc))
	r.confIndex = max(r.confIndex, e.GetIndex())
	return membership(r.conf)
}
