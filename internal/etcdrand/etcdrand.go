// Package etcdrand makes etcd-io/raft's process-global election jitter come
// from a run's seed; the adapters of v3.6 (replica/etcdraft) and v3.7
// (etcd37/) share it.
package etcdrand

import (
	crand "crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/faultline-sim/faultline/replica"
)

// etcd-io/raft v3.6 draws every randomized election timeout from a
// process-global source: raft.go's globalRand.Intn calls
// crypto/rand.Int(crypto/rand.Reader, n), reading the package variable
// crypto/rand.Reader at the moment of the call. In Go 1.26, crypto/rand.Int
// reads only from the io.Reader it is given (io.ReadFull), unlike the key
// generators that ignore a custom reader since 1.26; so whoever sets
// crypto/rand.Reader decides the draws.
//
// The adapter makes every draw come from the run's seed: each node owns a
// seeded stream (ChaCha8 keyed from replica.Config.Rand), and every call into
// a RawNode runs under one process-wide mutex with crypto/rand.Reader set to
// that node's stream, restored when the call returns (also when it panics).
// Parallel runs (-j 2) take turns on the mutex, so no two runs share a
// stream or see each other's; a run's draws depend only on its own calls,
// whatever the scheduling. testing/cryptotest.SetGlobalRandom does the same
// for test binaries only (it refuses outside go test and parallel tests).
//
// The assumption, checked by TestOnlyEtcdReadsCryptoRand: nothing else in
// the process reads crypto/rand.Reader while etcd runs (simrun uses no
// cryptography; a process that did would race on the variable and, during
// an etcd call, read a predictable stream).
var mu sync.Mutex

// Reader is a node's stream of random bytes for etcd's draws.
type Reader struct{ c *rand.ChaCha8 }

// New keys a node's stream from its replica.Config.Rand.
func New(r replica.Rand) *Reader {
	var seed [32]byte
	for i := 0; i < 4; i++ {
		binary.LittleEndian.PutUint64(seed[8*i:], r.Uint64())
	}
	return &Reader{c: rand.NewChaCha8(seed)}
}

func (s *Reader) Read(b []byte) (int, error) { return s.c.Read(b) }

// Locked runs f, a call into etcd, with crypto/rand.Reader set to src. A
// panic in f is re-raised prefixed "name: ", which runs report as the
// protocol's own assertion.
func Locked(src io.Reader, name string, f func()) {
	mu.Lock()
	prev := crand.Reader
	crand.Reader = src
	defer func() {
		crand.Reader = prev
		mu.Unlock()
		if p := recover(); p != nil {
			panic(named(name, p))
		}
	}()
	f()
}

// named prefixes a panic from inside etcd with the protocol's name, so the
// run reports it as NAME-assertion rather than a simulator panic.
func named(name string, p any) string {
	msg := fmt.Sprint(p)
	if strings.HasPrefix(msg, name+":") {
		return msg
	}
	return name + ": " + msg
}
