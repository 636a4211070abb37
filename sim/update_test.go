package sim

import "flag"

// update rewrites golden files (the observed block of testdata/scenarios/*.txt)
// instead of comparing against them: go test ./sim -run TestScenarios -update.
var update = flag.Bool("update", false, "rewrite golden files")
