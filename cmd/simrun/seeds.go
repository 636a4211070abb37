package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// maxSeeds bounds one seed spec, so a typo cannot start a sweep of years.
const maxSeeds = 100_000_000

// seedRange is the inclusive range [lo, hi].
type seedRange struct{ lo, hi uint64 }

// seedSet is a sorted list of disjoint, non-adjacent ranges: seeds in
// ascending order, each once. Seed order is the order of results.
type seedSet struct {
	ranges []seedRange
	count  uint64 // seeds in all ranges, at most maxSeeds
}

// parseSeeds reads a spec such as "7", "1-300" or "1,5,9-12". Overlaps and
// duplicates are merged; the order of the list does not matter.
func parseSeeds(spec string) (seedSet, error) {
	if strings.TrimSpace(spec) == "" {
		return seedSet{}, errors.New("empty seed list: want N, A-B or a comma list such as 1,5,9-12")
	}
	var rs []seedRange
	for _, part := range strings.Split(spec, ",") {
		r, err := parseSeedRange(strings.TrimSpace(part))
		if err != nil {
			return seedSet{}, err
		}
		rs = append(rs, r)
	}
	set := mergeRanges(rs)
	if set.count > maxSeeds {
		return seedSet{}, fmt.Errorf("%d seeds is more than the limit of %d: split the sweep", set.count, maxSeeds)
	}
	return set, nil
}

func parseSeedRange(part string) (seedRange, error) {
	if part == "" {
		return seedRange{}, errors.New("empty item in seed list: want N or A-B between commas")
	}
	loS, hiS, isRange := strings.Cut(part, "-")
	lo, err := parseSeed(loS)
	if err != nil {
		return seedRange{}, err
	}
	if !isRange {
		return seedRange{lo, lo}, nil
	}
	hi, err := parseSeed(hiS)
	if err != nil {
		return seedRange{}, err
	}
	if hi < lo {
		return seedRange{}, fmt.Errorf("range end %d is before start %d", hi, lo)
	}
	if hi-lo >= maxSeeds {
		return seedRange{}, fmt.Errorf("range %d-%d holds more than the limit of %d seeds: split the sweep", lo, hi, maxSeeds)
	}
	return seedRange{lo, hi}, nil
}

func parseSeed(s string) (uint64, error) {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Errorf("seed %q does not fit in 64 bits", s)
		}
		return 0, fmt.Errorf("seed %q is not a non-negative integer", s)
	}
	return v, nil
}

// mergeRanges sorts ranges and merges overlapping or adjacent ones.
func mergeRanges(rs []seedRange) seedSet {
	slices.SortFunc(rs, func(a, b seedRange) int {
		switch {
		case a.lo < b.lo:
			return -1
		case a.lo > b.lo:
			return 1
		}
		return 0
	})
	var set seedSet
	for _, r := range rs {
		n := len(set.ranges)
		if n > 0 && (r.lo <= set.ranges[n-1].hi || r.lo-1 == set.ranges[n-1].hi) {
			set.ranges[n-1].hi = max(set.ranges[n-1].hi, r.hi)
			continue
		}
		set.ranges = append(set.ranges, r)
	}
	for _, r := range set.ranges {
		set.count += r.hi - r.lo + 1 // each range was bounded; the sum is checked by the caller
		if set.count > maxSeeds {
			break
		}
	}
	return set
}

// shard selects every n-th seed: the seeds at positions p (0-based, in seed
// order) with p % n == index. Shards 0..n-1 are disjoint and cover the set.
type shard struct{ index, n uint64 }

var allSeeds = shard{0, 1}

// parseShard reads "i/n" with 0 <= i < n.
func parseShard(s string) (shard, error) {
	iS, nS, ok := strings.Cut(s, "/")
	if !ok {
		return shard{}, errors.New("want i/n, e.g. 0/8 (i counts from 0)")
	}
	i, err1 := strconv.ParseUint(strings.TrimSpace(iS), 10, 64)
	n, err2 := strconv.ParseUint(strings.TrimSpace(nS), 10, 64)
	if err1 != nil || err2 != nil {
		return shard{}, errors.New("want i/n with non-negative integers, e.g. 0/8")
	}
	if n == 0 {
		return shard{}, errors.New("shard count 0: want n >= 1")
	}
	if i >= n {
		return shard{}, fmt.Errorf("shard index %d is not below the shard count %d (i counts from 0)", i, n)
	}
	return shard{i, n}, nil
}

// shardFromEnv decides the shard when -shard is absent. With
// JOB_COMPLETION_INDEX set (a Kubernetes Indexed Job), the index comes from
// it and the count from -shards or else JOB_COMPLETION_COUNT. getenv is
// os.Getenv outside tests.
func resolveShard(flagShard string, flagShards uint64, getenv func(string) string) (shard, error) {
	if flagShard != "" {
		sh, err := parseShard(flagShard)
		if err != nil {
			return shard{}, fmt.Errorf("-shard %q: %w", flagShard, err)
		}
		if flagShards != 0 && flagShards != sh.n {
			return shard{}, fmt.Errorf("-shard %q and -shards %d disagree on the shard count", flagShard, flagShards)
		}
		return sh, nil
	}
	idxS := getenv("JOB_COMPLETION_INDEX")
	if idxS == "" {
		if flagShards > 1 {
			return shard{}, fmt.Errorf("-shards %d needs an index: pass -shard i/%d or set JOB_COMPLETION_INDEX", flagShards, flagShards)
		}
		return allSeeds, nil
	}
	n := flagShards
	if n == 0 {
		cS := getenv("JOB_COMPLETION_COUNT")
		if cS == "" {
			return shard{}, fmt.Errorf("JOB_COMPLETION_INDEX=%s is set but the shard count is unknown: pass -shards N or set JOB_COMPLETION_COUNT", idxS)
		}
		c, err := strconv.ParseUint(strings.TrimSpace(cS), 10, 64)
		if err != nil {
			return shard{}, fmt.Errorf("JOB_COMPLETION_COUNT=%q: want a positive integer", cS)
		}
		n = c
	}
	sh, err := parseShard(idxS + "/" + strconv.FormatUint(n, 10))
	if err != nil {
		return shard{}, fmt.Errorf("JOB_COMPLETION_INDEX=%q with %d shards: %w", idxS, n, err)
	}
	return sh, nil
}

// seedList is the shard's seeds in ascending order, computed on demand so
// even the largest sweep takes no memory per seed.
type seedList struct {
	set    seedSet
	sh     shard
	prefix []uint64 // prefix[k]: seeds in ranges[0..k]
	n      int
}

func (s seedSet) list(sh shard) seedList {
	l := seedList{set: s, sh: sh, prefix: make([]uint64, len(s.ranges))}
	var total uint64
	for k, r := range s.ranges {
		total += r.hi - r.lo + 1
		l.prefix[k] = total
	}
	if total > sh.index {
		l.n = int((total-sh.index-1)/sh.n + 1)
	}
	return l
}

// Len is the number of seeds in the shard.
func (l seedList) Len() int { return l.n }

// At is the i-th seed of the shard, 0 <= i < Len.
func (l seedList) At(i int) uint64 {
	p := l.sh.index + uint64(i)*l.sh.n // position in the whole set
	k, _ := slices.BinarySearch(l.prefix, p+1)
	start := uint64(0)
	if k > 0 {
		start = l.prefix[k-1]
	}
	return l.set.ranges[k].lo + (p - start)
}

// seeds expands the shard's seeds (tests and small sets).
func (s seedSet) seeds(sh shard) []uint64 {
	l := s.list(sh)
	out := make([]uint64, l.Len())
	for i := range out {
		out[i] = l.At(i)
	}
	return out
}

var getenv = os.Getenv
