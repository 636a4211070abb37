package checker

import (
	"testing"

	"github.com/stretchr/testify/require"
)

const ms = int64(1_000_000)

func TestDeriveBounds(t *testing.T) {
	to := Timeouts{TickNs: 10 * ms, ElectionTicks: 10, HeartbeatTicks: 1, MaxLatencyNs: 5 * ms, ClientRetryNs: 100 * ms}
	require.NoError(t, to.Validate())
	// A round: 2*10 ticks of 10ms + 2*5ms = 210ms; ten rounds.
	require.Equal(t, LivenessBounds{LeaderNs: 2100 * ms, OpNs: 2100*ms + 200*ms + 10*ms + 20*ms}, DeriveBounds(to))
	to.HeartbeatTicks = 10
	require.EqualError(t, to.Validate(), "heartbeat-ticks: 10 must be in [1, election-ticks 10)")
	to = Timeouts{}
	require.EqualError(t, to.Validate(), "tick: 0ns must be > 0")
}

func TestLivenessPasses(t *testing.T) {
	l := NewLiveness(LivenessBounds{LeaderNs: 100, OpNs: 300})
	l.Role(5, 1, 1, true)
	l.Invoke(10, 0, "put x")
	l.Check(10_000) // not quiet yet: nothing is judged
	l.QuietStart(1000)
	l.Invoke(1100, 1, "get x")
	l.Complete(1200, 0)
	l.Complete(1350, 1)
	require.Nil(t, l.Check(10_000))
}

func TestLivenessNoLeaderAfterHealing(t *testing.T) {
	l := NewLiveness(LivenessBounds{LeaderNs: 100, OpNs: 300})
	l.Role(5, 1, 1, true)
	l.Role(50, 2, 2, false) // node 2 moved to term 2: node 1 leads a stale term
	l.QuietStart(1000)
	require.Nil(t, l.Check(1100), "deadline not passed yet")
	v := l.Check(1101)
	require.Equal(t, &Violation{Check: CheckLiveness, AtNs: 1100, Nodes: []int{1},
		Msg: "no leader: no node led the highest term 2 within 0.000000100s of quiet start at 0.000001000s"}, v)
	l.Role(1200, 2, 2, true)
	require.Same(t, v, l.Check(5000), "the first violation sticks")
}

func TestLivenessStalledClientOp(t *testing.T) {
	l := NewLiveness(LivenessBounds{LeaderNs: 100, OpNs: 300})
	l.Invoke(10, 3, `put("x", "5") seq 7`)
	l.Invoke(1200, 1, `get("y") seq 2`)
	l.QuietStart(1000)
	l.Role(1050, 2, 3, true)
	v := l.Check(2000)
	require.NotNil(t, v)
	require.Equal(t, CheckLiveness, v.Check)
	require.Equal(t, int64(1300), v.AtNs, "client 3 stalled first: called before quiet start")
	require.Equal(t, `client 3 op put("x", "5") seq 7 called at 0.000000010s still pending 0.000000300s after quiet start at 0.000001000s (bound 0.000000300s)`, v.Msg)
}

// A removed node that raised its term alone does not hold the cluster to
// that term once it is retired.
func TestLivenessRetire(t *testing.T) {
	l := NewLiveness(LivenessBounds{LeaderNs: 100, OpNs: 300})
	l.Role(5, 1, 2, true)
	l.Role(50, 4, 9, false) // removed node 4 campaigned up to term 9
	l.QuietStart(1000)
	l.Retire(1010, 4)
	l.Role(1020, 4, 10, false) // ignored: retired
	require.Nil(t, l.Check(5000), "node 1 leads the highest term of the members")
	require.True(t, l.InQuiet())
}

func TestLivenessCalmSpan(t *testing.T) {
	l := NewLiveness(LivenessBounds{LeaderNs: 100, OpNs: 300})
	l.CalmStart(10)
	l.Role(50, 1, 1, true)
	l.CalmJudge(110)
	require.Nil(t, l.Check(10_000), "a leader came within the bound; not quiet yet")
	l.Role(200, 1, 1, false)
	l.CalmStart(300)
	l.Role(350, 2, 2, false) // a campaign that never wins
	l.CalmJudge(400)
	v := l.Check(10_000)
	require.Equal(t, &Violation{Check: CheckLiveness, AtNs: 400,
		Msg: "no leader: no node led the highest term 2 within 0.000000100s of the calm span (faults healed) from 0.000000300s"}, v)
}

// A term a node reported but lost in a crash (not synced) does not hold
// the cluster; the term its disk kept does, once it restarts (seed 50775:
// a one-node cluster whose candidate term 34 was lost in a crash).
func TestLivenessCrashLosesUnsyncedTerm(t *testing.T) {
	l := NewLiveness(LivenessBounds{LeaderNs: 100, OpNs: 300})
	l.Role(5, 1, 31, true)
	l.Role(10, 1, 34, false) // campaigns at 34, unsynced
	l.Crash(20, 1)
	l.Restart(30, 1, 31) // the disk kept 31
	l.QuietStart(1000)
	l.Role(1050, 1, 31, true)
	require.Nil(t, l.Check(5000))

	l = NewLiveness(LivenessBounds{LeaderNs: 100, OpNs: 300})
	l.Role(5, 1, 31, true)
	l.Role(6, 2, 31, false)
	l.Role(10, 1, 34, false)
	l.Crash(20, 1)
	l.Restart(30, 1, 34) // the disk kept 34: the cluster must reach it
	l.QuietStart(1000)
	l.Role(1050, 2, 31, true)
	require.NotNil(t, l.Check(5000))
}

// A node that is down does not hold the cluster to its term; it does again
// once it restarts.
func TestLivenessDownNodeTerm(t *testing.T) {
	l := NewLiveness(LivenessBounds{LeaderNs: 100, OpNs: 300})
	l.Role(5, 1, 5, true)
	l.Role(10, 3, 9, false)
	l.Crash(20, 3)
	l.QuietStart(1000)
	require.Nil(t, l.Check(5000), "node 3 is down: node 1 leads the highest term that counts")
}
