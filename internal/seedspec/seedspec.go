// Package seedspec parses seed lists such as "7", "1-300" or "1,5,9-12",
// shared by simrun and go test's -sim.seeds so both read them alike.
package seedspec

import (
	"errors"
	"fmt"

	"slices"
	"strconv"
	"strings"
)

// MaxSeeds bounds one seed spec, so a typo cannot start a sweep of years.
const MaxSeeds = 100_000_000

// Range is the inclusive range [lo, hi].
type Range struct{ Lo, Hi uint64 }

// Set is a sorted list of disjoint, non-adjacent ranges: seeds in
// ascending order, each once. Seed order is the order of results.
type Set struct {
	Ranges []Range
	Count  uint64 // seeds in all ranges, at most MaxSeeds
}

// Parse reads a spec such as "7", "1-300" or "1,5,9-12". Overlaps and
// duplicates are merged; the order of the list does not matter.
func Parse(spec string) (Set, error) {
	if strings.TrimSpace(spec) == "" {
		return Set{}, errors.New("empty seed list: want N, A-B or a comma list such as 1,5,9-12")
	}
	var rs []Range
	for _, part := range strings.Split(spec, ",") {
		r, err := parseSeedRange(strings.TrimSpace(part))
		if err != nil {
			return Set{}, err
		}
		rs = append(rs, r)
	}
	set := mergeRanges(rs)
	if set.Count > MaxSeeds {
		return Set{}, fmt.Errorf("%d seeds is more than the limit of %d: split the sweep", set.Count, MaxSeeds)
	}
	return set, nil
}

func parseSeedRange(part string) (Range, error) {
	if part == "" {
		return Range{}, errors.New("empty item in seed list: want N or A-B between commas")
	}
	loS, hiS, isRange := strings.Cut(part, "-")
	lo, err := parseSeed(loS)
	if err != nil {
		return Range{}, err
	}
	if !isRange {
		return Range{Lo: lo, Hi: lo}, nil
	}
	hi, err := parseSeed(hiS)
	if err != nil {
		return Range{}, err
	}
	if hi < lo {
		return Range{}, fmt.Errorf("range end %d is before start %d", hi, lo)
	}
	if hi-lo >= MaxSeeds {
		return Range{}, fmt.Errorf("range %d-%d holds more than the limit of %d seeds: split the sweep", lo, hi, MaxSeeds)
	}
	return Range{Lo: lo, Hi: hi}, nil
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
func mergeRanges(rs []Range) Set {
	slices.SortFunc(rs, func(a, b Range) int {
		switch {
		case a.Lo < b.Lo:
			return -1
		case a.Lo > b.Lo:
			return 1
		}
		return 0
	})
	var set Set
	for _, r := range rs {
		n := len(set.Ranges)
		if n > 0 && (r.Lo <= set.Ranges[n-1].Hi || r.Lo-1 == set.Ranges[n-1].Hi) {
			set.Ranges[n-1].Hi = max(set.Ranges[n-1].Hi, r.Hi)
			continue
		}
		set.Ranges = append(set.Ranges, r)
	}
	for _, r := range set.Ranges {
		set.Count += r.Hi - r.Lo + 1 // each range was bounded; the sum is checked by the caller
		if set.Count > MaxSeeds {
			break
		}
	}
	return set
}

// Seeds expands the set in ascending order.
func (s Set) Seeds() []uint64 {
	out := make([]uint64, 0, s.Count)
	for _, r := range s.Ranges {
		for x := r.Lo; ; x++ {
			out = append(out, x)
			if x == r.Hi {
				break
			}
		}
	}
	return out
}
