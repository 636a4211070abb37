package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStudyBadUsage(t *testing.T) {
	dir := t.TempDir()
	requireUsage(t, "study: want one study name (flapping, partial, stickiness), got 0 arguments", "study", "-out", dir)
	requireUsage(t, `study: unknown study "nosuch" (want one of flapping, partial, stickiness)`, "study", "nosuch", "-out", dir)
	requireUsage(t, "study: -out DIR is required", "study", "flapping")
	requireUsage(t, "study: want -seeds >= 0 and -j in 1..256, got -1 and 2", "study", "flapping", "-out", dir, "-seeds", "-1")
	args := []string{"study", "flapping", "-out", dir, "-protocols", "raft,nosuch"}
	requireUsage(t, "", args...)
	_, _, stderr := simrun(t, args...)
	require.Contains(t, stderr, `study flapping: protocol "nosuch" is not registered (registered: `)
	requireUsage(t, "", "study", "flapping", "-out", dir, "-bogus")
}

// TestStudyWritesItsFiles runs the smallest study there is: one seed a point.
func TestStudyWritesItsFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a whole grid")
	}
	dir := t.TempDir()
	code, stdout, _ := simrun(t, "study", "stickiness", "-out", dir, "-seeds", "1", "-q")
	require.Equal(t, exitOK, code, stdout)
	for _, f := range []string{"results.csv", "summary.txt", "report.html"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		require.NotEmpty(t, b, f)
	}
	require.Contains(t, stdout, "study stickiness:")
}
