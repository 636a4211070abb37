package sim

import (
	"strings"
	"testing"

	"github.com/faultline-sim/faultline/checker"
)

// TestLeaseByReadIndexDraw: for etcd (Caps.LeaseByReadIndex) the swarm draws
// lease reads, only with CheckQuorum and never beside consistent ones; with
// CheckQuorum off a drawn lease becomes consistent.
func TestLeaseByReadIndexDraw(t *testing.T) {
	lease, consistentOff := 0, 0
	for seed := uint64(1); seed <= 300; seed++ {
		o := Options{Protocol: "etcd"}.Draw(seed)
		if err := o.Validate(); err != nil {
			t.Fatalf("seed %d: drawn %s: %v", seed, o.ReadModes, err)
		}
		raft := Options{Protocol: "raft"}.Draw(seed)
		if raft.CheckQuorum != o.CheckQuorum {
			t.Fatalf("seed %d: CheckQuorum %v on raft, %v on etcd: a lease draw moved it", seed, raft.CheckQuorum, o.CheckQuorum)
		}
		if o.hasReadMode(checker.ModeLease) {
			lease++
		}
		if o.CheckQuorum == Off && raft.hasReadMode(checker.ModeLease) {
			if o.hasReadMode(checker.ModeLease) || !o.hasReadMode(checker.ModeConsistent) {
				t.Fatalf("seed %d: raft draws %s, etcd without CheckQuorum %s: want lease as consistent", seed, raft.ReadModes, o.ReadModes)
			}
			consistentOff++
		}
	}
	if lease == 0 || consistentOff == 0 {
		t.Fatalf("300 seeds: %d etcd runs with lease reads, %d whose lease became consistent: want some of each", lease, consistentOff)
	}
}

// TestLeaseByReadIndexGiven: given lease reads turn a drawn CheckQuorum on;
// what etcd cannot run is refused in one line, and our Raft takes it.
func TestLeaseByReadIndexGiven(t *testing.T) {
	o := Options{Protocol: "etcd", ReadModes: "lease"}.Draw(4)
	if o.CheckQuorum != On || o.Validate() != nil {
		t.Fatalf("etcd -read-modes lease: CheckQuorum %v, Validate %v", o.CheckQuorum, o.Validate())
	}
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{Protocol: "etcd", ReadModes: "consistent,lease"}, "cannot be mixed"},
		{Options{Protocol: "etcd", ReadModes: "lease", CheckQuorum: Off}, "only with CheckQuorum"},
	} {
		err := c.o.Draw(4).Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error saying %q", c.o, err, c.want)
		}
		c.o.Protocol = "raft"
		if err := c.o.Draw(4).Validate(); err != nil {
			t.Errorf("raft %s: %v", c.o.ReadModes, err)
		}
	}
}
