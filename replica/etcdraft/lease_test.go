package etcdraft

import (
	"slices"
	"strings"
	"testing"

	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/faultline-sim/faultline/replica"
	"go.etcd.io/raft/v3/raftpb"
)

// leaseCluster is three etcd nodes with CheckQuorum wired directly to each
// other: every Ready is synced, its messages delivered in order.
type leaseCluster struct {
	t     *testing.T
	nodes []*node
	sent  []raftpb.MessageType // every message delivered, for the test to inspect
	reads map[uint64][]replica.ReadState
}

func newLeaseCluster(t *testing.T, leaseReads bool) *leaseCluster {
	c := &leaseCluster{t: t, reads: map[uint64][]replica.ReadState{}}
	for id := uint64(1); id <= 3; id++ {
		cfg := replica.Config{ID: id, Peers: []uint64{1, 2, 3}, ElectionTicks: 10, HeartbeatTicks: 1,
			MaxEntries: 4, MaxInflight: 8, CheckQuorum: true, LeaseReads: leaseReads,
			Rand: prng.New(7).Forkf("raft-%d-0", id)}
		r, err := Protocol{}.Boot(cfg, Protocol{}.NewStore())
		if err != nil {
			t.Fatal(err)
		}
		c.nodes = append(c.nodes, r.(*node))
	}
	c.nodes[0].call(func() { _ = c.nodes[0].rn.Campaign() })
	c.settle()
	if st := c.nodes[0].Status(); st.Role != replica.Leader || st.Commit == 0 {
		t.Fatalf("node 1 is not a leader with its first entry committed: %+v", st)
	}
	c.sent = nil
	return c
}

// settle hands out Readies and delivers their messages until none is left.
func (c *leaseCluster) settle() {
	for round := 0; round < 100; round++ {
		var out []replica.Message
		for _, n := range c.nodes {
			for n.HasReady() {
				rd := n.Ready()
				n.d.Sync()
				for _, m := range rd.Messages {
					out = append(out, m.Clone())
				}
				c.reads[n.id] = append(c.reads[n.id], rd.Reads...)
				n.Advance()
			}
		}
		if len(out) == 0 {
			return
		}
		for _, m := range out {
			c.sent = append(c.sent, m.(*message).m.Type)
			c.nodes[m.Header().To-1].Step(m)
		}
	}
	c.t.Fatal("the cluster did not settle in 100 rounds")
}

func hasRead(rs []replica.ReadState, ctx string) bool {
	return slices.ContainsFunc(rs, func(s replica.ReadState) bool { return string(s.Ctx) == ctx })
}

// TestLeaseReadWithoutHeartbeatRound: with Config.LeaseReads the leader
// answers a ReadIndex in its next Ready, before any message leaves, and a
// follower's read is forwarded and answered without a heartbeat round;
// without it (ReadOnlySafe) the same reads wait for a heartbeat round.
func TestLeaseReadWithoutHeartbeatRound(t *testing.T) {
	for _, lease := range []bool{true, false} {
		c := newLeaseCluster(t, lease)
		lead, follower := c.nodes[0], c.nodes[1]
		if err := lead.ReadIndex([]byte("r1")); err != nil {
			t.Fatal(err)
		}
		rd := lead.Ready()
		if got := hasRead(rd.Reads, "r1"); got != lease {
			t.Errorf("lease=%v: the leader's read answered in the same Ready: %v", lease, got)
		}
		c.reads[1] = append(c.reads[1], rd.Reads...)
		lead.d.Sync()
		lead.Advance()
		c.settle()
		if err := follower.ReadIndex([]byte("r2")); err != nil {
			t.Fatal(err)
		}
		c.settle()
		if !hasRead(c.reads[1], "r1") || !hasRead(c.reads[2], "r2") {
			t.Errorf("lease=%v: reads answered: leader %v, follower %v", lease, c.reads[1], c.reads[2])
		}
		beats := slices.Contains(c.sent, raftpb.MsgHeartbeat)
		if beats == lease {
			t.Errorf("lease=%v: heartbeats sent for the reads: %v (messages %v)", lease, beats, c.sent)
		}
		if lease && !slices.Equal(c.sent, []raftpb.MessageType{raftpb.MsgReadIndex, raftpb.MsgReadIndexResp}) {
			t.Errorf("lease reads: messages %v, want the follower's MsgReadIndex and its answer only", c.sent)
		}
	}
}

// TestLeaseReadsNeedCheckQuorum: etcd refuses ReadOnlyLeaseBased without
// CheckQuorum, and Boot says so.
func TestLeaseReadsNeedCheckQuorum(t *testing.T) {
	cfg := replica.Config{ID: 1, Peers: []uint64{1, 2, 3}, ElectionTicks: 10, HeartbeatTicks: 1,
		MaxEntries: 4, MaxInflight: 8, LeaseReads: true, Rand: prng.New(1).Fork("raft-1-0")}
	_, err := Protocol{}.Boot(cfg, Protocol{}.NewStore())
	if err == nil || !strings.Contains(err.Error(), "CheckQuorum") {
		t.Fatalf("Boot with lease reads and no CheckQuorum: %v, want etcd's CheckQuorum error", err)
	}
	cfg.CheckQuorum = true
	if _, err := (Protocol{}).Boot(cfg, Protocol{}.NewStore()); err != nil {
		t.Fatalf("Boot with lease reads and CheckQuorum: %v", err)
	}
}
