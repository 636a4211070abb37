package sim

import (
	"testing"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/clock"
	"github.com/faultline-sim/faultline/replica"
	"github.com/stretchr/testify/require"
)

// TestLearnerCampaign: of hosts 1-2 (initial voters) and spare 3, only 3
// may not campaign, until a change asks to make it a voter.
func TestLearnerCampaign(t *testing.T) {
	world := func() *world {
		return &world{o: Options{Nodes: 2}, hosts: make([]*host, 4), inv: checker.NewInvariants(3),
			loop: clock.NewLoop[event](16)}
	}
	cand := replica.RoleChange{Role: replica.Candidate, Epoch: 4}
	w := world()
	w.checkCampaign(&host{w: w, id: 2}, cand)
	require.Nil(t, w.inv.Violation(), "an initial voter campaigns")
	w.askedVoters(replica.ConfigChange{Steps: []replica.ConfigStep{{Type: replica.AddLearner, Node: 3}}})
	w.checkCampaign(&host{w: w, id: 3}, replica.RoleChange{Role: replica.Follower, Epoch: 4})
	require.Nil(t, w.inv.Violation(), "a learner follows")
	w.checkCampaign(&host{w: w, id: 3}, cand)
	v := w.inv.Violation()
	require.NotNil(t, v, "a learner campaigns")
	require.Equal(t, checker.CheckLearnerCampaign, v.Check)

	w = world()
	w.askedVoters(replica.ConfigChange{Steps: []replica.ConfigStep{{Type: replica.AddVoter, Node: 3}}})
	w.checkCampaign(&host{w: w, id: 3}, replica.RoleChange{Role: replica.Leader, Epoch: 4})
	require.Nil(t, w.inv.Violation(), "a node asked to become a voter leads")
}
