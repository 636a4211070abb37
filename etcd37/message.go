package etcdraft37

import (
	"strings"

	"github.com/faultline-sim/faultline/replica"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

// message is a *pb.Message as a replica.Message.
type message struct{ m *pb.Message }

func (x *message) Clone() replica.Message { return &message{m: proto.Clone(x.m).(*pb.Message)} }

func (x *message) Header() replica.Header {
	m := x.m
	return replica.Header{Kind: kindOf(m.GetType()), Type: strings.TrimPrefix(m.GetType().String(), "Msg"),
		From: m.GetFrom(), To: m.GetTo(), Epoch: m.GetTerm(), Index: m.GetIndex(), LogEpoch: m.GetLogTerm(),
		Commit: m.GetCommit(), Entries: len(m.GetEntries()), Reject: m.GetReject()}
}

func kindOf(t pb.MessageType) replica.MsgKind {
	switch t {
	case pb.MessageType_MsgVote:
		return replica.MsgVote
	case pb.MessageType_MsgVoteResp:
		return replica.MsgVoteResp
	case pb.MessageType_MsgPreVote:
		return replica.MsgPreVote
	case pb.MessageType_MsgPreVoteResp:
		return replica.MsgPreVoteResp
	case pb.MessageType_MsgApp:
		return replica.MsgAppend
	case pb.MessageType_MsgAppResp:
		return replica.MsgAppendResp
	case pb.MessageType_MsgHeartbeat:
		return replica.MsgHeartbeat
	case pb.MessageType_MsgHeartbeatResp:
		return replica.MsgHeartbeatResp
	case pb.MessageType_MsgSnap:
		return replica.MsgSnapshot
	}
	return replica.MsgOther
}
