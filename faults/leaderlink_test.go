package faults

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLeaderLinkText(t *testing.T) {
	text := "# faultline fault schedule\nnodes 3\nquiet 4s\nend 5s\n" +
		"1.000s leader-link L<->L+1 until=2s\n1.500s leader-link L+2<->L until=3s\n"
	s, err := ParseText(text)
	require.NoError(t, err)
	require.Equal(t, Action{AtNs: ms(1000), Kind: LeaderLink, From: 1, To: 2, UntilNs: ms(2000)}, s.Actions[0])
	require.Equal(t, Action{AtNs: ms(1500), Kind: LeaderLink, From: 3, To: 1, UntilNs: ms(3000)}, s.Actions[1])
	require.Equal(t, text, s.String())
}

func TestLeaderLinkRejects(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"1s leader-link L<->L+3 until=2s", "rank 4 is not in 1..3"},
		{"1s leader-link L+1<->L+1 until=2s", "to itself"},
		{"1s leader-link L<->L+1 until=5s", "after quiet"},
		{"1s leader-link n1<->n2 until=2s", "want a leader-relative link"},
		{"1s leader-link L<->L+01 until=2s", "want a leader-relative link"},
		{"1s leader-link L<->L+1 until=2s up>=1ms", "does not apply"},
	} {
		_, err := ParseText("nodes 3\nquiet 4s\nend 5s\n" + tc.line + "\n")
		require.ErrorContains(t, err, tc.want, tc.line)
	}
}
