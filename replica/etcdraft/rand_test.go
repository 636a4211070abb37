package etcdraft

import (
	crand "crypto/rand"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/faultline-sim/faultline/replica"
)

// countingReader counts the bytes read through it.
type countingReader struct {
	n   int
	src *seededReader
}

func (c *countingReader) Read(b []byte) (int, error) { c.n += len(b); return c.src.Read(b) }

// TestEtcdDrawsThroughReader: booting a RawNode (newRaft draws the first
// randomized election timeout) reads crypto/rand.Reader as it is at the call,
// and the variable is restored afterwards.
func TestEtcdDrawsThroughReader(t *testing.T) {
	before := crand.Reader
	n := bootNode(t, 7, 1)
	c := &countingReader{src: n.src}
	n.src = nil
	locked(c, func() { n.rn.Tick() }) // a follower's tick draws nothing
	if c.n != 0 {
		t.Fatalf("a tick read %d bytes", c.n)
	}
	locked(c, func() { _ = n.rn.Campaign() }) // becomeCandidate resets the timeout: one draw
	if c.n == 0 {
		t.Fatal("etcd drew its election timeout without reading crypto/rand.Reader")
	}
	if crand.Reader != before {
		t.Fatal("crypto/rand.Reader was not restored")
	}
}

// campaignTick is the tick at which a fresh follower (Pre-Vote off, so it
// campaigns as soon as its randomized timeout passes) becomes a candidate.
func campaignTick(t *testing.T, seed uint64) int {
	n := bootNode(t, seed, 1)
	for tick := 1; tick <= 100; tick++ {
		n.Tick()
		if n.Status().Role == replica.Candidate {
			return tick
		}
	}
	t.Fatalf("seed %d: no campaign in 100 ticks", seed)
	return 0
}

// TestElectionJitterFromSeed: the same seed gives the same timeout, and the
// timeouts of different seeds spread over etcd's range [et, 2et).
func TestElectionJitterFromSeed(t *testing.T) {
	var seen []int
	for seed := uint64(1); seed <= 40; seed++ {
		a, b := campaignTick(t, seed), campaignTick(t, seed)
		if a != b {
			t.Fatalf("seed %d: campaigned at tick %d and then %d", seed, a, b)
		}
		if a < 10 || a > 20 {
			t.Fatalf("seed %d: campaigned at tick %d, outside (10, 20] for an election timeout of 10", seed, a)
		}
		if !slices.Contains(seen, a) {
			seen = append(seen, a)
		}
	}
	if len(seen) < 5 {
		t.Fatalf("40 seeds gave only the timeouts %v", seen)
	}
}

// TestOnlyEtcdReadsCryptoRand checks the assumption of rand.go: in simrun,
// the only packages that import crypto/rand are etcd-io/raft and internal/etcdrand.
func TestOnlyEtcdReadsCryptoRand(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}}:{{join .Imports " "}}`,
		"github.com/faultline-sim/faultline/cmd/simrun").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		if !slices.Contains(strings.Fields(imports), "crypto/rand") {
			continue
		}
		switch pkg {
		case "go.etcd.io/raft/v3", "github.com/faultline-sim/faultline/internal/etcdrand":
		default:
			t.Errorf("%s imports crypto/rand: it could read the seeded stream during an etcd call", pkg)
		}
	}
}

func bootNode(t *testing.T, seed uint64, id uint64) *node {
	t.Helper()
	cfg := replica.Config{ID: id, Peers: []uint64{1, 2, 3}, ElectionTicks: 10, HeartbeatTicks: 1,
		MaxEntries: 4, MaxInflight: 8, Rand: prng.New(seed).Forkf("raft-%d-0", id)}
	r, err := Protocol{}.Boot(cfg, Protocol{}.NewStore())
	if err != nil {
		t.Fatal(err)
	}
	return r.(*node)
}
