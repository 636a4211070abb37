package sim

import (
	"fmt"
	"testing"

	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/faultline-sim/faultline/internal/trace"
	"github.com/faultline-sim/faultline/replica"
	"github.com/stretchr/testify/require"
)

// fakeEnv is a world of n hosts that records what a fault does to it: the
// run-time faults need nothing of the world but faultEnv.
type fakeEnv struct {
	nowNs  int64
	hosts  []hostView
	leader int
	calls  []string
	tr     trace.Trace
}

func newFakeEnv(n, leader int) *fakeEnv {
	e := &fakeEnv{hosts: make([]hostView, n+1), leader: leader}
	for i := 1; i <= n; i++ {
		e.hosts[i] = hostView{up: true, epoch: 3, role: replica.Follower}
	}
	e.hosts[leader].role = replica.Leader
	return e
}

func (e *fakeEnv) log(f string, a ...any)             { e.calls = append(e.calls, fmt.Sprintf(f, a...)) }
func (e *fakeEnv) now() int64                         { return e.nowNs }
func (e *fakeEnv) rand() *prng.Rand                   { return prng.New(1) }
func (e *fakeEnv) note(n int, what string) trace.Line { return e.tr.Begin(e.nowNs, n, what) }
func (e *fakeEnv) timer(at int64, ex execSlot, op uint8, n int, gen uint64) {
	e.log("timer %d slot %d op %d node %d", at, ex, op, n)
}
func (e *fakeEnv) hostCount() int               { return len(e.hosts) - 1 }
func (e *fakeEnv) tickNs() int64                { return 10 }
func (e *fakeEnv) electionNs() int64            { return 100 }
func (e *fakeEnv) currentLeader() int           { return e.leader }
func (e *fakeEnv) lastLeader() int              { return e.leader }
func (e *fakeEnv) initialVoters() int           { return len(e.hosts) - 1 }
func (e *fakeEnv) view(n int) hostView          { return e.hosts[n] }
func (e *fakeEnv) crash(n int, torn bool)       { e.log("crash %d", n); e.hosts[n].up = false }
func (e *fakeEnv) restart(n int)                { e.log("restart %d", n); e.hosts[n].up = true }
func (e *fakeEnv) pause(n int)                  { e.log("pause %d", n) }
func (e *fakeEnv) resume(n int)                 { e.log("resume %d", n) }
func (e *fakeEnv) cutBoth(a, b int)             { e.log("cut %d-%d", a, b) }
func (e *fakeEnv) uncutBoth(a, b int)           { e.log("uncut %d-%d", a, b) }
func (e *fakeEnv) isolate(n int)                { e.log("isolate %d", n) }
func (e *fakeEnv) stallDisk(n int, until int64) { e.log("stall %d until %d", n, until) }
func (e *fakeEnv) healNode(n int)               { e.log("heal %d", n) }
func (e *fakeEnv) setDrifts(n int, p, o int64)  { e.log("drift %d %d %d", n, p, o) }
func (e *fakeEnv) send(from, to int, p packet)  { e.log("send %d->%d", from, to) }
func (e *fakeEnv) releaseRequests(idx []int)    { e.log("release %v", idx) }
func (e *fakeEnv) pendingRemovals() []int       { return nil }

// pause-leader resolves the leader, cuts it off, pauses it, resumes it at
// two thirds of its window and heals it at the end.
func TestPauseLeaderActsThroughItsFace(t *testing.T) {
	env := newFakeEnv(3, 2)
	rt := newRuntimeFaults(env, 1)
	a := faults.Action{Kind: faults.PauseLeader, AtNs: 300, UntilNs: 600}
	ex := rt.of(a.Kind)
	require.NotNil(t, ex)
	ex.start(0, a)
	require.Equal(t, []string{"cut 2-1", "cut 2-3", "pause 2", "timer 500 slot 0 op 1 node 2"}, env.calls)
	env.calls = nil
	ex.fire(opLeaderResume, 2, 0)
	ex.end(0, a)
	require.Equal(t, []string{"resume 2", "heal 2"}, env.calls)
}

// crash-voter crashes a host that voted in its window, only in the
// incarnation it voted in, and restarts it by the window's end.
func TestCrashVoterCrashesTheVoterOnce(t *testing.T) {
	env := newFakeEnv(3, 1)
	rt := newRuntimeFaults(env, 1)
	rt.of(faults.CrashVoter).start(0, faults.Action{Kind: faults.CrashVoter, UntilNs: 1000})
	rt.voted(3, 1, 4)
	require.Equal(t, []string{"timer 0 slot 1 op 2 node 3"}, env.calls)
	env.calls = nil
	rt.voter.fire(opVoterCrash, 3, 1) // a later incarnation: stale, ignored
	require.Empty(t, env.calls)
	rt.voter.fire(opVoterCrash, 3, 0)
	require.Len(t, env.calls, 2)
	require.Equal(t, "crash 3", env.calls[0])
	env.calls = nil
	rt.voter.end(0, faults.Action{})
	require.Equal(t, []string{"restart 3"}, env.calls)
	rt.voted(2, 1, 5) // window closed: no crash
	require.Equal(t, []string{"restart 3"}, env.calls)
}
