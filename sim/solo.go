package sim

import (
	"fmt"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/replica"
)

// CheckSoloLeader names the one-host leadership check.
const CheckSoloLeader = "solo-leader"

// soloLeader is the one-host leadership check. In a world of one host (one
// voter, no spares) nothing can outbid or cut off its leader: no other node
// sends it anything, and it hears a majority (itself) on every tick, so it
// leads until it crashes. A leader that steps down there has a quorum rule
// that asks more than a majority (make mutate: paxos leader.go:14, a leader
// that steps down unless it heard from more than a majority, which in a
// larger cluster only costs an election whenever one node is down).
type soloLeader struct {
	v *checker.Violation // the first step-down; judged with the liveness bounds
}

// checkSolo notes h's step-down from leader to s if h is the only host.
func (w *world) checkSolo(h *host, s replica.RoleChange) {
	if len(w.hosts) != 2 || h.role != replica.Leader || s.Role == replica.Leader || w.solo.v != nil {
		return
	}
	to := "follower"
	if s.Role == replica.Candidate {
		to = "candidate"
	}
	w.solo.v = &checker.Violation{Check: CheckSoloLeader, AtNs: w.now(), Nodes: []int{h.id},
		Msg: fmt.Sprintf("node %d, the only host, stepped down as leader (to %s, epoch %d) without a crash: no other node can outbid it or be missing from its quorum",
			h.id, to, s.Epoch)}
}
