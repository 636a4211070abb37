package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/faultline-sim/faultline/replica"
	_ "github.com/faultline-sim/faultline/replica/etcdraft" // -protocol etcd
	_ "github.com/faultline-sim/faultline/replica/paxosr"   // -protocol paxos
	_ "github.com/faultline-sim/faultline/replica/raftr"    // -protocol raft
)

// cmdProtocols lists the protocols -protocol can name, with what each declares.
func cmdProtocols(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("protocols", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stdout, "Usage: simrun protocols\n\nLists the protocols -protocol NAME selects, with their capabilities;\nthe world draws only the options and faults a protocol declares.")
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage, err
	}
	if fs.NArg() > 0 {
		return exitUsage, usagef("protocols: takes no arguments, got %q", fs.Arg(0))
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "protocol\treads\tmembership\tsnapshots\tprevote\tcheckquorum\tlog-checks\tprotocol faults\tdefects")
	for _, p := range replica.Protocols() {
		c := p.Caps()
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", p.Name(), strings.Join(append([]string{"log"}, c.Reads...), ","),
			yesNo(c.Membership), yesNo(c.Snapshots), yesNo(c.PreVote), yesNo(c.CheckQuorum), yesNo(c.LogChecks),
			orDash(strings.Join(c.Faults, ",")), len(p.Defects()))
	}
	return exitOK, tw.Flush()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// lookupProtocol resolves -protocol, "" being raft.
func lookupProtocol(name string) (replica.Protocol, error) {
	if name == "" {
		name = "raft"
	}
	p := replica.Lookup(name)
	if p == nil {
		var names []string
		for _, q := range replica.Protocols() {
			names = append(names, q.Name())
		}
		return nil, usagef("unknown protocol %q (want one of %s)", name, strings.Join(names, ", "))
	}
	return p, nil
}
