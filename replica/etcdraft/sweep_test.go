package etcdraft_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/faultline-sim/faultline/faulttest"
	"github.com/faultline-sim/faultline/replica/etcdraft"
	"github.com/faultline-sim/faultline/sim"
)

// TestSweep is make test's short etcd sweep: every seed a subtest, a
// failure shrunk and printed with its replay line. Its read modes are fixed
// to all but lease: etcd's lease reads go stale in about one default seed in
// ten by etcd's own design (two leaders' CheckQuorum window, README), which
// TestLeaseWindow pins; this sweep is for everything else.
func TestSweep(t *testing.T) {
	faulttest.Sweep{Protocol: etcdraft.Protocol{}, Seeds: sweepSeeds,
		Options: sim.Options{ReadModes: "log,consistent,stale"}}.Run(t)
}

// TestParallelRunsAgree: runs of etcd in parallel goroutines (as simrun -j
// runs them) give the trace hashes of the same runs one at a time. Every
// election timeout etcd draws comes from its node's seeded stream, never
// from a stream another run shares; under -race this also checks that
// crypto/rand.Reader is only touched under the adapter's lock.
func TestParallelRunsAgree(t *testing.T) {
	const n = parallelRuns
	serial := make([]string, n)
	for i := range serial {
		serial[i] = runHash(t, uint64(100+i))
	}
	parallel := make([]string, n)
	var wg sync.WaitGroup
	for i := range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parallel[i] = runHash(t, uint64(100+i))
		}()
	}
	wg.Wait()
	for i := range serial {
		if serial[i] != parallel[i] {
			t.Errorf("seed %d: trace hash %s alone, %s beside other runs", 100+i, serial[i], parallel[i])
		}
	}
}

func runHash(t *testing.T, seed uint64) string {
	r, err := sim.Run(seed, sim.Options{Protocol: "etcd", DurationNs: 5e9})
	if err != nil {
		t.Error(err)
		return ""
	}
	return fmt.Sprintf("%s %s", r.TraceHash, r.Verdict)
}
