package faults

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Durations and times in text are integers of ns, us, ms or s, or decimals
// of any unit that land on a whole nanosecond ("1.25s", "1.5ms"). They are
// parsed exactly, with integers only.

var units = []struct {
	suffix string
	ns     int64
}{{"ns", 1}, {"us", 1_000}, {"ms", 1_000_000}, {"s", 1_000_000_000}}

// formatDur writes ns with the largest unit that divides it: "150ms", "-2s".
func formatDur(ns int64) string {
	if ns == 0 {
		return "0s"
	}
	for i := len(units) - 1; i >= 0; i-- {
		if ns%units[i].ns == 0 {
			return strconv.FormatInt(ns/units[i].ns, 10) + units[i].suffix
		}
	}
	panic("unreachable: 1ns divides everything")
}

// formatSigned is formatDur with a '+' on positive values.
func formatSigned(ns int64) string {
	if ns > 0 {
		return "+" + formatDur(ns)
	}
	return formatDur(ns)
}

// formatFixed writes ns as decimal seconds with at least minDec decimals and
// no trailing zeros beyond them: (1250ms, 3) -> "1.250s", (30s, 0) -> "30s".
func formatFixed(ns int64, minDec int) string {
	sign := ""
	u := uint64(ns)
	if ns < 0 {
		sign, u = "-", -u
	}
	frac := fmt.Sprintf("%09d", u%1_000_000_000)
	keep := len(strings.TrimRight(frac, "0"))
	keep = max(keep, minDec)
	out := sign + strconv.FormatUint(u/1_000_000_000, 10)
	if keep > 0 {
		out += "." + frac[:keep]
	}
	return out + "s"
}

// parseDur reads a signed duration; "0" alone is allowed.
func parseDur(s string) (int64, error) {
	body, neg := strings.CutPrefix(s, "-")
	if !neg {
		body = strings.TrimPrefix(body, "+")
	}
	if body == "0" {
		return 0, nil
	}
	for _, u := range units {
		num, ok := strings.CutSuffix(body, u.suffix)
		if !ok {
			continue
		}
		v, err := parseScaled(num, u.ns)
		if err != nil {
			return 0, fmt.Errorf("duration %q: %w", s, err)
		}
		if neg {
			v = -v
		}
		return v, nil
	}
	return 0, fmt.Errorf("duration %q: want a number with unit ns, us, ms or s", s)
}

// parseScaled returns num*unit for a decimal num, exactly, or an error if
// the result is not a whole number or overflows int64.
func parseScaled(num string, unit int64) (int64, error) {
	ip, fp, hasDot := strings.Cut(num, ".")
	if ip == "" || !allDigits(ip) || (hasDot && (fp == "" || !allDigits(fp))) {
		return 0, errors.New("not a decimal number")
	}
	if len(fp) > 9 {
		return 0, errors.New("more than 9 decimals")
	}
	whole, err := strconv.ParseInt(ip, 10, 64)
	if err != nil || whole > math.MaxInt64/unit {
		return 0, errors.New("out of range")
	}
	var fracNs int64
	if fp != "" {
		f, _ := strconv.ParseInt(fp, 10, 64) // <= 9 digits: fits
		scale := int64(1)
		for range len(fp) {
			scale *= 10
		}
		if f*unit%scale != 0 { // f < 1e9 and unit <= 1e9: no overflow
			return 0, errors.New("not a whole number of nanoseconds")
		}
		fracNs = f * unit / scale
	}
	if whole*unit > math.MaxInt64-fracNs {
		return 0, errors.New("out of range")
	}
	return whole*unit + fracNs, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
