package sim

import "github.com/faultline-sim/faultline/faults"

// leaderFault runs the *-leader actions (isolate-, crash-, partition-,
// pause-leader): each resolves the leader of the moment when it starts and
// acts on that node until its window ends. Invariant: leaderOf[i] is the
// node action i resolved (0: none, or not started).
type leaderFault struct {
	env      faultEnv
	leaderOf []int // by action index
}

const opLeaderResume uint8 = 1 // pause-leader: the paused leader's process resumes

func (f *leaderFault) start(i int, a faults.Action) {
	env := f.env
	n := env.currentLeader()
	f.leaderOf[i] = n
	env.note(n, "resolve").Int("leader", int64(n)).End()
	if n == 0 {
		return
	}
	switch a.Kind {
	case faults.CrashLeader:
		env.crash(n, false)
	case faults.IsolateLeader:
		env.isolate(n)
	case faults.PauseLeader:
		f.cutOff(n, 0)
		env.pause(n)
		env.timer(a.AtNs+(a.UntilNs-a.AtNs)*2/3, slotLeader, opLeaderResume, n, 0)
	default:
		f.cutOff(n, a.DriftPPM)
	}
}

func (f *leaderFault) fire(_ uint8, n int, _ uint64) {
	f.env.note(n, "leader-resume").End()
	f.env.resume(n)
}

// end heals or restarts the node the action resolved.
func (f *leaderFault) end(i int, a faults.Action) {
	n := f.leaderOf[i]
	f.env.note(n, "fault-end").Str("kind", string(a.Kind)).End()
	if n == 0 {
		return
	}
	if a.Kind == faults.CrashLeader {
		f.env.restart(n)
		return
	}
	f.env.healNode(n)
	if a.Kind == faults.PartitionLeader && a.DriftPPM != 0 {
		f.env.setDrifts(0, 0, 0)
	}
}

// cutOff cuts leader n off from the other servers (clients still reach it)
// and, if ppm != 0, sets its clock's drift to ppm and every other one's to
// -ppm.
func (f *leaderFault) cutOff(n int, ppm int64) {
	for m := 1; m <= f.env.hostCount(); m++ {
		if m != n {
			f.env.cutBoth(n, m)
		}
	}
	if ppm != 0 {
		f.env.setDrifts(n, ppm, -ppm)
	}
}
