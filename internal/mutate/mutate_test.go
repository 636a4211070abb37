package mutate

import (
	"go/parser"
	"go/token"
	"testing"

	"github.com/stretchr/testify/require"
)

const src = `package p

const limit = 1 + 2

func majority(k, n int, ok bool) bool {
	k++
	return !ok || k >= n/2+1 && "a"+"b" != ""
}
`

func TestFindAndApply(t *testing.T) {
	ms, err := Find("p.go", []byte(src))
	require.NoError(t, err)
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID())
		// Every mutant still parses and changes exactly its operator.
		out := m.Apply([]byte(src))
		_, err := parser.ParseFile(token.NewFileSet(), "p.go", out, 0)
		require.NoError(t, err, m.ID())
		require.NotEqual(t, src, string(out))
	}
	require.Equal(t, []string{
		"p.go:6:3 ++->--",
		"p.go:7:9 !->",
		"p.go:7:13 ||->&&",
		"p.go:7:18 >=->>",
		"p.go:7:18 >=-><",
		"p.go:7:22 /->*",
		"p.go:7:24 +->-",
		"p.go:7:27 &&->||",
		"p.go:7:38 !=->==",
	}, ids, "the constant and the string concatenation are left alone")
}

func TestApplyPanicsOnChangedSource(t *testing.T) {
	ms, err := Find("p.go", []byte(src))
	require.NoError(t, err)
	require.Panics(t, func() { ms[0].Apply([]byte("package p\n")) })
}
