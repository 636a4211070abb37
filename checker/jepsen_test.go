package checker

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// jepsenDir holds the shared Jepsen etcd histories (outside the module).
const jepsenDir = "../../shared/histories/jepsen-etcd"

// readExpected parses expected.txt: "<name> <ok|illegal>" per line.
func readExpected(t *testing.T, dir string) map[string]Verdict {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "expected.txt"))
	require.NoError(t, err)
	defer f.Close()
	want := map[string]Verdict{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		require.Len(t, fields, 2, "expected.txt line %q", sc.Text())
		want[fields[0]] = Verdict(fields[1])
	}
	require.NoError(t, sc.Err())
	return want
}

func checkDir(t *testing.T, dir string) {
	want := readExpected(t, dir)
	require.NotEmpty(t, want)
	for _, name := range sortedKeys(want) {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, name+".jsonl"))
			require.NoError(t, err)
			defer f.Close()
			ops, err := ReadHistory(f)
			require.NoError(t, err)
			start := time.Now()
			res := CheckLinearizable(ops, time.Minute)
			t.Logf("%s: %s in %v (%d ops checked, %d skipped) %s", name, res.Verdict,
				time.Since(start).Round(time.Millisecond), res.Checked, res.Skipped, res.Msg)
			require.Equal(t, want[name], res.Verdict, res.Msg)
		})
	}
}

func TestJepsenEtcdShared(t *testing.T) {
	if _, err := os.Stat(jepsenDir); err != nil {
		t.Skipf("shared Jepsen histories not found at %s: %v", jepsenDir, err)
	}
	want := readExpected(t, jepsenDir)
	require.Len(t, want, 30)
	start := time.Now()
	checkDir(t, jepsenDir)
	t.Logf("checked %d Jepsen etcd histories in %v", len(want), time.Since(start).Round(time.Millisecond))
}

// TestJepsenEtcdCopies always runs: four of the smallest shared histories
// (two ok, two illegal) copied into testdata.
func TestJepsenEtcdCopies(t *testing.T) {
	checkDir(t, "testdata/jepsen-etcd")
}
