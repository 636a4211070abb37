package faults

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/faultline-sim/faultline/internal/prng"
)

// JSON returns the indented JSON form of s (fields as tagged on Schedule and
// Action; zero fields omitted). ParseJSON reads it back to an equal Schedule.
func (s Schedule) JSON() []byte {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic(fmt.Sprintf("faults: marshal schedule: %v", err)) // plain data: cannot fail
	}
	return append(b, '\n')
}

// ParseJSON reads the JSON form, rejecting unknown fields and trailing data,
// and validates the result.
func ParseJSON(data []byte) (Schedule, error) {
	s, err := parseJSON(data)
	if err != nil {
		return Schedule{}, err
	}
	if err := s.Validate(); err != nil {
		return Schedule{}, err
	}
	return s, nil
}

func parseJSON(data []byte) (Schedule, error) {
	var s Schedule
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Schedule{}, fmt.Errorf("schedule json: %w", err)
	}
	if dec.More() {
		return Schedule{}, fmt.Errorf("schedule json: trailing data after the schedule")
	}
	return s, nil
}

// Decode reads either form: JSON if the first non-blank byte is '{',
// otherwise text.
func Decode(data []byte) (Schedule, error) {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		return ParseJSON(data)
	}
	return ParseText(string(data))
}

// actionJSON shadows Loss and Dup with pointers: a ratio is omitted only
// when it is the zero value, so Ratio{0, 1} survives (omitzero would drop
// it, since Ratio.IsZero is true for any 0/d).
type actionJSON struct {
	actionFields
	Loss *prng.Ratio `json:"loss,omitempty"`
	Dup  *prng.Ratio `json:"dup,omitempty"`
}

type actionFields Action // no methods: no recursion into MarshalJSON

// MarshalJSON writes the action with zero fields omitted.
func (a Action) MarshalJSON() ([]byte, error) {
	j := actionJSON{actionFields: actionFields(a)}
	if a.Loss != (prng.Ratio{}) {
		j.Loss = &a.Loss
	}
	if a.Dup != (prng.Ratio{}) {
		j.Dup = &a.Dup
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads an action, rejecting unknown fields.
func (a *Action) UnmarshalJSON(data []byte) error {
	var j actionJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return err
	}
	*a = Action(j.actionFields)
	if j.Loss != nil {
		a.Loss = *j.Loss
	}
	if j.Dup != nil {
		a.Dup = *j.Dup
	}
	return nil
}
