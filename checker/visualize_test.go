package checker

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriteVisualizationWithAnnotations(t *testing.T) {
	ops := []Operation{
		okOp(0, "put", "x", "a", 0, 10, Output{}),
		okOp(1, "put", "x", "b", 20, 30, Output{}),
		read(2, "x", "a", 40, 50),
		{Client: 3, Kind: "append", Key: "y", Value: "z", Call: 5, Return: NoReturn, Status: StatusUnknown},
	}
	res := check(t, ops)
	require.Equal(t, Illegal, res.Verdict)
	inv := NewInvariants(3)
	inv.Leader(0, 1, 1)
	inv.Leader(25, 2, 2)
	ann := append(inv.LeaderAnnotations(60),
		Annotation{Label: "partition {1} {2,3}", StartNs: 15, EndNs: 35, Description: "fault window"})
	var buf bytes.Buffer
	require.NoError(t, WriteVisualization(&buf, res, ann))
	html := buf.String()
	require.Contains(t, html, "<html")
	for _, want := range []string{`"Tag":"node 1"`, `"Description":"leader t2"`, `"Tag":"cluster"`,
		`"Description":"partition {1} {2,3}"`, `"Details":"fault window"`, `get(\"x\") -\u003e found=true \"a\"`} {
		require.Contains(t, html, want)
	}
}
