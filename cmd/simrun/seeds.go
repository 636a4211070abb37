package main

import (
	"errors"
	"fmt"
	"github.com/faultline-sim/faultline/internal/seedspec"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Seed specs are parsed by internal/seedspec, shared with go test's -sim.seeds.
const maxSeeds = seedspec.MaxSeeds

type seedSet = seedspec.Set

func parseSeeds(spec string) (seedSet, error) { return seedspec.Parse(spec) }

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

func listOf(s seedSet, sh shard) seedList {
	l := seedList{set: s, sh: sh, prefix: make([]uint64, len(s.Ranges))}
	var total uint64
	for k, r := range s.Ranges {
		total += r.Hi - r.Lo + 1
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
	return l.set.Ranges[k].Lo + (p - start)
}

// seeds expands the shard's seeds (tests and small sets).
func seedsOf(s seedSet, sh shard) []uint64 {
	l := listOf(s, sh)
	out := make([]uint64, l.Len())
	for i := range out {
		out[i] = l.At(i)
	}
	return out
}

var getenv = os.Getenv
