package main

import (
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/faultline-sim/faultline/sim"
)

// cmdDefects lists the planted defects of a protocol and of the host, one a
// line: name, what it breaks, what should catch it.
func cmdDefects(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("defects", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("protocol", "raft", "protocol whose defects to list (simrun protocols)")
	fs.Usage = func() {
		fmt.Fprintln(stdout, "Usage: simrun defects [-protocol NAME]\n\nLists the planted defects that -defect NAME switches on: the protocol's, then the host's.")
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage, err
	}
	if fs.NArg() > 0 {
		return exitUsage, usagef("defects: takes no arguments, got %q", fs.Arg(0))
	}
	p, err := lookupProtocol(*name)
	if err != nil {
		return exitUsage, err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, d := range sim.Defects(p) {
		fmt.Fprintf(tw, "%s\t%s", d.Name, d.Summary)
		if d.Catches != "" {
			fmt.Fprintf(tw, "\t(caught by %s)", d.Catches)
		}
		fmt.Fprintln(tw)
	}
	return exitOK, tw.Flush()
}
