package main

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseSeeds(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want []uint64
	}{
		{"7", []uint64{7}},
		{"0", []uint64{0}},
		{"1-4", []uint64{1, 2, 3, 4}},
		{"5-5", []uint64{5}},
		{"1,5,9-12", []uint64{1, 5, 9, 10, 11, 12}},
		{"9-12,1,5", []uint64{1, 5, 9, 10, 11, 12}},
		{" 3 , 1-2 ", []uint64{1, 2, 3}},
		{"1-5,3-8,8", []uint64{1, 2, 3, 4, 5, 6, 7, 8}},
		{"18446744073709551614-18446744073709551615", []uint64{1<<64 - 2, 1<<64 - 1}},
	} {
		set, err := parseSeeds(tc.spec)
		require.NoError(t, err, tc.spec)
		require.Equal(t, tc.want, seedsOf(set, allSeeds), tc.spec)
		require.Equal(t, uint64(len(tc.want)), set.Count, tc.spec)
	}
}

func TestParseSeedsErrors(t *testing.T) {
	for spec, want := range map[string]string{
		"9-1":                            "range end 1 is before start 9",
		"x":                              `seed "x" is not a non-negative integer`,
		"":                               "empty seed list: want N, A-B or a comma list such as 1,5,9-12",
		"1,,2":                           "empty item in seed list: want N or A-B between commas",
		"-3":                             `seed "" is not a non-negative integer`,
		"1-":                             `seed "" is not a non-negative integer`,
		"1-2-3":                          `seed "2-3" is not a non-negative integer`,
		"1.5":                            `seed "1.5" is not a non-negative integer`,
		"99999999999999999999":           `seed "99999999999999999999" does not fit in 64 bits`,
		"0-100000000":                    "range 0-100000000 holds more than the limit of 100000000 seeds: split the sweep",
		"0-99999999,200000000-200000000": "100000001 seeds is more than the limit of 100000000: split the sweep",
	} {
		_, err := parseSeeds(spec)
		require.Error(t, err, spec)
		require.Equal(t, want, err.Error(), spec)
	}
	set, err := parseSeeds("1-100000000")
	require.NoError(t, err, "exactly the limit is allowed")
	require.Equal(t, uint64(maxSeeds), set.Count)
}

func TestParseShard(t *testing.T) {
	sh, err := parseShard("3/8")
	require.NoError(t, err)
	require.Equal(t, shard{3, 8}, sh)
	for s, want := range map[string]string{
		"3/2": "shard index 3 is not below the shard count 2 (i counts from 0)",
		"2/2": "shard index 2 is not below the shard count 2 (i counts from 0)",
		"0/0": "shard count 0: want n >= 1",
		"1":   "want i/n, e.g. 0/8 (i counts from 0)",
		"a/b": "want i/n with non-negative integers, e.g. 0/8",
	} {
		_, err := parseShard(s)
		require.EqualError(t, err, want, s)
	}
}

// Shards 0..n-1 are disjoint, their union is the whole set, and each is in
// ascending order.
func TestShardsPartition(t *testing.T) {
	for _, spec := range []string{"1-100", "0", "1,5,9-12", "3-7,20-22,100,1000-1017", "1-3"} {
		set, err := parseSeeds(spec)
		require.NoError(t, err)
		all := seedsOf(set, allSeeds)
		for n := uint64(1); n <= 9; n++ {
			var union []uint64
			for i := range n {
				part := seedsOf(set, shard{i, n})
				require.True(t, slices.IsSorted(part), "%s shard %d/%d", spec, i, n)
				// every n-th position: sizes differ by at most one
				require.InDelta(t, float64(len(all))/float64(n), float64(len(part)), 1, "%s shard %d/%d", spec, i, n)
				union = append(union, part...)
			}
			slices.Sort(union)
			require.Equal(t, all, union, "%s over %d shards: disjoint and covering", spec, n)
		}
	}
	set, _ := parseSeeds("10-20")
	require.Equal(t, []uint64{11, 14, 17, 20}, seedsOf(set, shard{1, 3}))
	set, _ = parseSeeds("1,5,9-12")
	require.Equal(t, []uint64{5, 11}, seedsOf(set, shard{1, 3}), "positions 1 and 4 of 1,5,9,10,11,12")
}

func TestResolveShard(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, tc := range []struct {
		flag   string
		shards uint64
		env    func(string) string
		want   shard
		err    string
	}{
		{"", 0, env(), allSeeds, ""},
		{"2/4", 0, env("JOB_COMPLETION_INDEX", "1"), shard{2, 4}, ""},
		{"2/4", 4, env(), shard{2, 4}, ""},
		{"2/4", 5, env(), shard{}, `-shard "2/4" and -shards 5 disagree on the shard count`},
		{"3/2", 0, env(), shard{}, `-shard "3/2": shard index 3 is not below the shard count 2 (i counts from 0)`},
		{"", 8, env("JOB_COMPLETION_INDEX", "5"), shard{5, 8}, ""},
		{"", 0, env("JOB_COMPLETION_INDEX", "5", "JOB_COMPLETION_COUNT", "8"), shard{5, 8}, ""},
		{"", 6, env("JOB_COMPLETION_INDEX", "5", "JOB_COMPLETION_COUNT", "8"), shard{5, 6}, ""},
		{"", 0, env("JOB_COMPLETION_INDEX", "5"), shard{},
			"JOB_COMPLETION_INDEX=5 is set but the shard count is unknown: pass -shards N or set JOB_COMPLETION_COUNT"},
		{"", 4, env("JOB_COMPLETION_INDEX", "5"), shard{},
			`JOB_COMPLETION_INDEX="5" with 4 shards: shard index 5 is not below the shard count 4 (i counts from 0)`},
		{"", 0, env("JOB_COMPLETION_INDEX", "1", "JOB_COMPLETION_COUNT", "x"), shard{}, `JOB_COMPLETION_COUNT="x": want a positive integer`},
		{"", 4, env(), shard{}, "-shards 4 needs an index: pass -shard i/4 or set JOB_COMPLETION_INDEX"},
	} {
		name := fmt.Sprintf("flag=%q shards=%d", tc.flag, tc.shards)
		got, err := resolveShard(tc.flag, tc.shards, tc.env)
		if tc.err != "" {
			require.EqualError(t, err, tc.err, name)
			continue
		}
		require.NoError(t, err, name)
		require.Equal(t, tc.want, got, name)
	}
}

func TestSeedListLarge(t *testing.T) {
	set, err := parseSeeds("5,10-99999999")
	require.NoError(t, err)
	l := listOf(set, shard{3, 7})
	require.Equal(t, int((set.Count-3-1)/7+1), l.Len())
	require.Equal(t, uint64(12), l.At(0), "position 3: 5,10,11,[12]")
	require.Equal(t, uint64(19), l.At(1))
	last := l.At(l.Len() - 1)
	require.LessOrEqual(t, last, uint64(99999999))
	require.Greater(t, last+7, uint64(99999999))
	empty, _ := parseSeeds("1-2")
	require.Equal(t, 0, listOf(empty, shard{2, 3}).Len())
}
