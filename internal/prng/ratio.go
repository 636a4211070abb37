package prng

import "fmt"

// Ratio is a probability as an integer fraction Num/Den, so that schedules
// and options never carry floats. The zero Ratio is "never".
type Ratio struct {
	Num uint64 `json:"num"`
	Den uint64 `json:"den"`
}

// Never and Always are the two certain ratios.
var (
	Never  = Ratio{0, 1}
	Always = Ratio{1, 1}
)

// R builds the ratio num/den.
func R(num, den uint64) Ratio { return Ratio{Num: num, Den: den} }

// Validate reports a ratio that is not a probability. field names the option
// in the error, e.g. "loss".
func (p Ratio) Validate(field string) error {
	if p.Num == 0 && p.Den == 0 {
		return nil // zero value: never
	}
	if p.Den == 0 {
		return fmt.Errorf("%s: ratio %d/0 has a zero denominator", field, p.Num)
	}
	if p.Num > p.Den {
		return fmt.Errorf("%s: ratio %d/%d is over 1", field, p.Num, p.Den)
	}
	return nil
}

// IsZero reports whether the ratio is a probability of zero.
func (p Ratio) IsZero() bool { return p.Num == 0 }

func (p Ratio) String() string {
	if p.Num == 0 {
		return "0"
	}
	return fmt.Sprintf("%d/%d", p.Num, p.Den)
}
