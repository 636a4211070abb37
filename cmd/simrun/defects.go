package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/faultline-sim/faultline/sim"
)

// cmdDefects lists the planted defects, one a line: name, what it breaks,
// what should catch it.
func cmdDefects(args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) > 0 {
		if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
			fmt.Fprintln(stdout, "Usage: simrun defects\n\nLists the planted defects that -defect NAME switches on.")
			return exitOK, nil
		}
		return exitUsage, usagef("defects: takes no arguments, got %q", args[0])
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, d := range sim.Defects() {
		fmt.Fprintf(tw, "%s\t%s", d.Name, d.Summary)
		if d.Catches != "" {
			fmt.Fprintf(tw, "\t(caught by %s)", d.Catches)
		}
		fmt.Fprintln(tw)
	}
	return exitOK, tw.Flush()
}
