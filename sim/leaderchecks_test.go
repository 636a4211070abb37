package sim

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/clock"
	"github.com/faultline-sim/faultline/replica"
)

// stubReplica answers Status and Match as set; nothing else is called.
type stubReplica struct {
	replica.Replica
	st    replica.Status
	match map[uint64]uint64
}

func (s *stubReplica) Status() replica.Status { return s.st }
func (s *stubReplica) Match(id uint64) (uint64, bool) {
	m, ok := s.match[id]
	return m, ok
}

// stubWorld is a world of n hosts whose host 1 leads epoch 5 of voters
// 1..n, every member's match known at 0, election timeouts of 10 ticks.
func stubWorld(n int, caps replica.Caps) *world {
	w := &world{o: Options{ElectionTicks: 10}, caps: caps, loop: clock.NewLoop[event](16), inv: checker.NewInvariants(n)}
	var voters []uint64
	for i := 1; i <= n; i++ {
		voters = append(voters, uint64(i))
	}
	w.hosts = make([]*host, n+1)
	for i := 1; i <= n; i++ {
		st := replica.Status{ID: uint64(i), Role: replica.Follower, Epoch: 5, Membership: replica.Membership{Voters: voters}}
		w.hosts[i] = &host{w: w, id: i, up: true, heard: make([]uint64, n+1), epoch: 5,
			node: &stubReplica{st: st, match: map[uint64]uint64{}}}
	}
	l := w.hosts[1]
	l.role = replica.Leader
	l.node.(*stubReplica).st.Role = replica.Leader
	for i := 2; i <= n; i++ {
		l.node.(*stubReplica).match[uint64(i)] = 0
	}
	return w
}

func TestDeafLeader(t *testing.T) {
	bound := uint64((2+deafSlackElections)*10 + deafSlackTicks) // 32 ticks
	cases := []struct {
		name  string
		caps  replica.Caps
		cq    Flag
		heard map[int]uint64 // host -> the leader's tick it was last heard
		ledAt uint64
		fails bool
	}{
		{"no majority heard", replica.Caps{StepsDown: true}, Off, map[int]uint64{2: 39, 3: 40 - bound}, 0, true},
		{"a majority heard", replica.Caps{StepsDown: true}, Off, map[int]uint64{2: 39, 3: 40 - bound + 1}, 0, false},
		{"CheckQuorum on", replica.Caps{CheckQuorum: true}, On, map[int]uint64{2: 39}, 0, true},
		{"CheckQuorum off", replica.Caps{CheckQuorum: true}, Off, map[int]uint64{2: 39}, 0, false},
		{"leadership too young", replica.Caps{StepsDown: true}, Off, nil, 40 - bound + 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := stubWorld(5, c.caps)
			w.o.CheckQuorum = c.cq
			l := w.hosts[1]
			l.ticks, l.ledAt = 40, c.ledAt
			for id, at := range c.heard {
				l.heard[id] = at
			}
			w.leaderChecks(l)
			if !c.fails {
				require.Nil(t, w.deaf)
				return
			}
			require.NotNil(t, w.deaf)
			require.Equal(t, CheckDeafLeader, w.deaf.Check)
		})
	}
}

func TestDeafLeaderJointHalf(t *testing.T) {
	w := stubWorld(7, replica.Caps{StepsDown: true})
	l := w.hosts[1]
	st := &l.node.(*stubReplica).st
	st.Membership = replica.Membership{Voters: []uint64{1, 2, 3}, VotersOutgoing: []uint64{1, 4, 5, 6, 7}}
	l.ticks = 40
	l.heard[2], l.heard[3], l.heard[4] = 39, 39, 39 // the new half, and one of the old's other four
	w.leaderChecks(l)
	require.NotNil(t, w.deaf, "the outgoing half heard 2 of 5")

	w.deaf = nil
	l.heard[5] = 39
	w.leaderChecks(l)
	require.Nil(t, w.deaf, "both halves heard a majority")

	l.ticks = 41 // between two election timeouts: not checked
	l.heard[4], l.heard[5] = 0, 0
	w.leaderChecks(l)
	require.Nil(t, w.deaf)
}

func TestMatchAhead(t *testing.T) {
	cases := []struct {
		name       string
		logChecks  bool
		match      uint64
		peerEpoch  uint64
		peerCommit uint64
		peerTerm   uint64 // of the peer's entry 1; the leader's is 5
		fails      bool
	}{
		{"beyond the peer's commit", false, 9, 5, 7, 5, true},
		{"at the peer's commit", false, 7, 5, 7, 5, false},
		{"peer in a later epoch", false, 9, 6, 7, 5, false},
		{"beyond the peer's log", true, 9, 5, 0, 5, true},
		{"the same prefix", true, 1, 5, 0, 5, false},
		{"logs differ at the match", true, 1, 5, 0, 4, true},
		{"logs differ, no prefix compared without LogChecks", false, 1, 5, 1, 4, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := stubWorld(3, replica.Caps{LogChecks: c.logChecks})
			l := w.hosts[1]
			l.ticks = 10
			l.node.(*stubReplica).match[2] = c.match
			p := &w.hosts[2].node.(*stubReplica).st
			p.Epoch, p.Commit = c.peerEpoch, c.peerCommit
			w.inv.LogAppend(0, 1, []checker.LogEntry{{Index: 1, Term: 5}})
			w.inv.LogAppend(0, 2, []checker.LogEntry{{Index: 1, Term: c.peerTerm}})
			w.leaderChecks(l)
			if !c.fails {
				require.Nil(t, w.inv.Violation())
				return
			}
			require.NotNil(t, w.inv.Violation())
			require.Equal(t, checker.CheckMatch, w.inv.Violation().Check)
		})
	}
}

func TestMatchUnknownVoter(t *testing.T) {
	w := stubWorld(3, replica.Caps{})
	l := w.hosts[1]
	l.ticks = 10
	delete(l.node.(*stubReplica).match, 3)
	w.leaderChecks(l)
	require.NotNil(t, w.inv.Violation())
	require.Equal(t, checker.CheckMatch, w.inv.Violation().Check)
}

func TestLeaseAtFollower(t *testing.T) {
	w := stubWorld(3, replica.Caps{})
	w.checkOverlap(w.hosts[2]) // a follower's lease vouched
	require.NotNil(t, w.inv.Violation())
	require.Equal(t, checker.CheckLeaseLeader, w.inv.Violation().Check)

	w = stubWorld(3, replica.Caps{})
	w.checkOverlap(w.hosts[1])
	require.Nil(t, w.inv.Violation(), "the leader's lease, no later leader")
}

func TestOutbidLeader(t *testing.T) {
	cases := []struct {
		name   string
		kind   replica.MsgKind
		epoch  uint64
		steps  bool     // the leader stepped down on the reply
		voters []uint64 // the leader's configuration, nil for 1..3
		fails  bool
	}{
		{"refused append of a later epoch, still leads", replica.MsgAppendResp, 6, false, nil, true},
		{"refused heartbeat, stepped down", replica.MsgHeartbeatResp, 6, true, nil, false},
		{"refused vote, still leads", replica.MsgVoteResp, 7, false, nil, true},
		{"a reply of its own epoch", replica.MsgAppendResp, 5, false, nil, false},
		{"a vote request of a later epoch (stickiness may ignore it)", replica.MsgVote, 6, false, nil, false},
		{"a reply from a node outside the configuration", replica.MsgAppendResp, 6, false, []uint64{1, 3}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := stubWorld(3, replica.Caps{})
			l := w.hosts[1]
			if c.steps {
				l.node.(*stubReplica).st.Role = replica.Follower
			}
			if c.voters != nil {
				l.node.(*stubReplica).st.Membership.Voters = c.voters
			}
			w.checkOutbid(l, &replica.Header{Kind: c.kind, From: 2, To: 1, Epoch: c.epoch, Reject: true})
			if !c.fails {
				require.Nil(t, w.outbid)
				return
			}
			require.NotNil(t, w.outbid)
			require.Equal(t, CheckOutbidLeader, w.outbid.Check)
		})
	}
}

// The quiet phase's catch-up: a member that ran through it must apply all
// that was committed when it began.
func TestCatchUpWantsAllCommittedAtQuietStart(t *testing.T) {
	cases := []struct {
		name    string
		applied uint64 // host 3's, at the end
		member  bool
		restart bool
		fails   bool
	}{
		{"caught up", 10, true, false, false},
		{"one entry short", 9, true, false, true},
		{"no longer a member", 2, false, false, false},
		{"restarted in the quiet phase", 2, true, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := stubWorld(3, replica.Caps{})
			l := &w.hosts[1].node.(*stubReplica).st
			l.Role, l.Commit = replica.Leader, 10
			if !c.member {
				l.Membership.Voters = []uint64{1, 2}
			}
			w.hosts[1].applied, w.hosts[2].applied, w.hosts[3].applied = 10, 10, 2
			w.catchUpStart()
			w.hosts[3].applied = c.applied
			if c.restart {
				w.hosts[3].incarn++
			}
			v := w.catchUpCheck()
			if !c.fails {
				require.Nil(t, v)
				return
			}
			require.NotNil(t, v)
			require.Equal(t, CheckCatchUp, v.Check)
			require.Equal(t, []int{3}, v.Nodes)
		})
	}
}
