package sim

import (
	"strings"
	"testing"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/faults"
)

// TestLeaseByReadIndexDraw: for etcd (Caps.LeaseByReadIndex) the swarm
// never draws lease reads: where our Raft draws them, etcd drops them (log
// if nothing is left), and CheckQuorum stays as drawn.
func TestLeaseByReadIndexDraw(t *testing.T) {
	moved := 0
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
			t.Fatalf("seed %d: etcd drew lease reads (%s)", seed, o.ReadModes)
		}
		if raft.hasReadMode(checker.ModeLease) {
			want := strings.Trim(strings.ReplaceAll(","+raft.ReadModes+",", ",lease,", ","), ",")
			if want == "" {
				want = "log"
			}
			if o.ReadModes != want {
				t.Fatalf("seed %d: raft draws %s, etcd %s: want %s", seed, raft.ReadModes, o.ReadModes, want)
			}
			moved++
		}
	}
	if moved == 0 {
		t.Fatalf("300 seeds: no etcd run whose lease was dropped")
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

// TestStaleLeaseCheck: a linearizability violation by a lease read is told
// apart by the drift the schedule set (beyond the run's bound: the clock
// assumption broken), and a violation not by a lease read is not.
func TestStaleLeaseCheck(t *testing.T) {
	put := checker.Operation{Client: 0, Kind: "put", Key: "k", Value: "1", Call: 0, Return: 10, Status: checker.StatusOK,
		Output: checker.Output{Value: checker.Ptr("1"), Found: checker.Ptr(true)}}
	stale := func(mode string) checker.Operation { // reads the key as missing after the put returned
		return checker.Operation{Client: 1, Kind: "get", Key: "k", Call: 20, Return: 30, Status: checker.StatusOK,
			Output: checker.Output{Found: checker.Ptr(false)}, Mode: mode}
	}
	drift := func(ppm int64) faults.Schedule {
		return faults.Schedule{Actions: []faults.Action{{Kind: faults.PartitionLeader, DriftPPM: -ppm}}}
	}
	for _, c := range []struct {
		modes string
		read  string
		sched faults.Schedule
		check string
		note  string
	}{
		{"lease", checker.ModeLease, drift(1000), "linearizability", "every clock within the drift bound of 1000 ppm"},
		{"lease", checker.ModeLease, drift(0), "linearizability", "every clock within"},
		{"lease", checker.ModeLease, drift(200000), "lease-clock-assumption", "drifting 200000 ppm, beyond the run's bound of 1000 ppm"},
		{"log,lease", "", drift(200000), "linearizability", ""},
		{"log", "", drift(200000), "linearizability", ""},
	} {
		w := &world{o: Options{ReadModes: c.modes, MaxDriftPPM: 1000}, sched: c.sched}
		check, note := w.staleLeaseCheck([]checker.Operation{put, stale(c.read)})
		if check != c.check || !strings.Contains(note, c.note) || (c.note == "" && note != "") {
			t.Errorf("modes %s, stale %q read, drift %d: %s %q, want %s %q", c.modes, c.read, c.sched.Actions[0].DriftPPM, check, note, c.check, c.note)
		}
	}
}
