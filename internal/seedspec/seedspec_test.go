package seedspec

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	s, err := Parse("9-12,1,5,10")
	require.NoError(t, err)
	require.Equal(t, []uint64{1, 5, 9, 10, 11, 12}, s.Seeds())
	require.Equal(t, uint64(6), s.Count)
	for spec, want := range map[string]string{
		"9-1": "range end 1 is before start 9", "x": `seed "x" is not a non-negative integer`,
		"": "empty seed list", "1,,2": "empty item", "0-200000000": "more than the limit",
	} {
		_, err := Parse(spec)
		require.ErrorContains(t, err, want, spec)
	}
}
