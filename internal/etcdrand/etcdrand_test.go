package etcdrand

import (
	crand "crypto/rand"
	"io"
	"strings"
	"testing"

	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/stretchr/testify/require"
)

// The same seed gives the same bytes; Locked sets crypto/rand.Reader to the
// stream for the call only, and names a panic as the protocol's.
func TestLockedReadsTheSeededStream(t *testing.T) {
	read := func(seed uint64) []byte {
		b := make([]byte, 16)
		Locked(New(prng.New(seed)), "etcd", func() { _, _ = io.ReadFull(crand.Reader, b) })
		return b
	}
	require.Equal(t, read(7), read(7))
	require.NotEqual(t, read(7), read(8))
	before := crand.Reader
	defer func() {
		p := recover()
		require.True(t, strings.HasPrefix(p.(string), "etcd: boom"), "%v", p)
		require.Equal(t, before, crand.Reader, "restored after a panic")
	}()
	Locked(New(prng.New(1)), "etcd", func() { panic("boom") })
}
