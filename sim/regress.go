package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// Regression is one entry of the regression corpus (testdata/regress/*.json):
// a seed that once found a bug, the options it needs, and the verdict it must
// keep giving. A seed with a planted defect must keep failing its check; a
// seed of a fixed bug must keep passing.
type Regression struct {
	Seed    uint64  `json:"seed"`
	Options Options `json:"options"` // every option as drawn, with the schedule: a change of draws does not move it
	Verdict Verdict `json:"verdict"`
	Check   string  `json:"check,omitempty"`
	Note    string  `json:"note,omitempty"`
}

// SaveRegression writes r to dir as seed-N[-defect].json and returns the
// path. The entry pins every drawn option and the fault schedule, so it
// keeps replaying the same run when the draws change (new options, fault
// kinds or generator tuning); only a change of behaviour moves it.
func SaveRegression(dir string, r *Result, note string) (string, error) {
	name := "seed-" + strconv.FormatUint(r.Seed, 10)
	if r.Given.Defect != "" {
		name += "-" + r.Given.Defect
	}
	o := r.Options
	o.Schedule = &r.Schedule
	data, err := json.MarshalIndent(Regression{Seed: r.Seed, Options: o, Verdict: r.Verdict, Check: r.Check, Note: note}, "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name+".json")
	return path, os.WriteFile(path, append(data, '\n'), 0o644)
}

// LoadRegression reads one corpus entry; unknown fields are an error.
func LoadRegression(path string) (Regression, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Regression{}, err
	}
	var reg Regression
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&reg); err != nil {
		return Regression{}, fmt.Errorf("%s: %v", path, err)
	}
	return reg, nil
}
