package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/faultline-sim/faultline/checker"
)

// checkLine is one history's verdict (-json).
type checkLine struct {
	File    string          `json:"file"`
	Verdict checker.Verdict `json:"verdict"`
	Ops     int             `json:"ops"`
	CheckMs int64           `json:"check_ms"`
	Key     string          `json:"key,omitempty"` // first illegal key
	Msg     string          `json:"msg,omitempty"`
	HTML    string          `json:"html,omitempty"`
}

// cmdCheck checks JSON Lines histories for linearizability. Every file is
// read first: a malformed one stops everything with exit code 2.
func cmdCheck(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("check")
	asJSON := fs.Bool("json", false, "one JSON object per history")
	html := fs.String("html", "", "write the visualization: FILE for one history; with several, a directory of NAME.html")
	timeout := fs.Duration("timeout", time.Minute, "wall-clock limit per history; past it the verdict is inconclusive (0: none)")
	vizTimeout := fs.Duration("html-timeout", checker.DefaultExplainBudget,
		"wall-clock limit per history of the verbose search that -html draws; past it the drawing is partial (0: none)")
	files, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, "Usage: simrun check [-json] [-html FILE|DIR] [-html-timeout D] [-timeout D] FILE.jsonl...\n\n")
		printFlags(stdout, fs)
		return exitOK, err
	}
	if err != nil {
		return exitUsage, flagError("check", err)
	}
	if len(files) == 0 {
		return exitUsage, usagef("check: no history files given")
	}
	if *timeout < 0 {
		return exitUsage, usagef("-timeout %v: want 0 (none) or a positive duration", *timeout)
	}
	if *vizTimeout < 0 {
		return exitUsage, usagef("-html-timeout %v: want 0 (none) or a positive duration", *vizTimeout)
	}
	hists := make([][]checker.Operation, len(files))
	for i, f := range files {
		if hists[i], err = readHistory(f); err != nil {
			return exitUsage, err
		}
	}
	htmlPaths, err := htmlTargets(*html, files)
	if err != nil {
		return exitUsage, err
	}
	return checkAll(files, hists, htmlPaths, limits{*timeout, *vizTimeout}, *asJSON, stdout)
}

// limits are the wall-clock budgets of one history: the decision, then the
// verbose search that -html draws.
type limits struct{ decide, draw time.Duration }

// checkAll decides every history with the fast search; with -html it then runs
// the verbose search (its own budget, not counted in check_ms) and draws it.
func checkAll(files []string, hists [][]checker.Operation, htmlPaths []string, lim limits, asJSON bool, stdout io.Writer) (int, error) {
	codes := map[int]bool{}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for i, f := range files {
		start := time.Now()
		res := checker.CheckLinearizable(hists[i], lim.decide)
		took := time.Since(start)
		codes[linExit(res.Verdict)] = true
		if htmlPaths != nil {
			res.Explain(lim.draw)
		}
		line := checkLine{File: f, Verdict: res.Verdict, Ops: len(hists[i]), CheckMs: took.Milliseconds(), Key: res.Key, Msg: res.Msg}
		if htmlPaths != nil {
			if err := writeHTML(htmlPaths[i], res); err != nil {
				return exitUsage, err
			}
			line.HTML = htmlPaths[i]
		}
		if asJSON {
			_ = enc.Encode(line)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d ops\t%s", f, line.Verdict, line.Ops, took.Round(time.Microsecond))
		if line.Msg != "" {
			fmt.Fprintf(tw, "\t%s", line.Msg)
		}
		fmt.Fprintln(tw)
	}
	_ = tw.Flush()
	return worstExit(codes), nil
}

func linExit(v checker.Verdict) int {
	switch v {
	case checker.Ok:
		return exitOK
	case checker.Illegal:
		return exitViolation
	}
	return exitInconclusive
}

func readHistory(path string) ([]checker.Operation, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("history %q: %v", path, errors.Unwrap(err))
	}
	defer f.Close()
	ops, err := checker.ReadHistory(f)
	if err != nil {
		return nil, usagef("%s: %v", path, err)
	}
	return ops, nil
}

// htmlTargets decides where visualizations go: nil without -html; the file
// itself for one history; for several, -html names a directory (created)
// holding one NAME.html per history (NAME: the file's base name without
// extension; two inputs with one base name are refused).
func htmlTargets(html string, files []string) ([]string, error) {
	if html == "" {
		return nil, nil
	}
	if len(files) == 1 {
		return []string{html}, nil
	}
	if err := os.MkdirAll(html, 0o755); err != nil {
		return nil, usagef("-html %q: with several histories it names a directory: %v", html, err)
	}
	seen := map[string]string{}
	out := make([]string, len(files))
	for i, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		if prev, dup := seen[base]; dup {
			return nil, usagef("-html %q: %s and %s would both write %s.html", html, prev, f, base)
		}
		seen[base] = f
		out[i] = filepath.Join(html, base+".html")
	}
	return out, nil
}

// writeHTML writes the porcupine visualization of one checked history.
func writeHTML(path string, res checker.LinResult) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return usagef("-html %q: %v", path, errors.Unwrap(err))
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = usagef("-html %q: %v", path, cerr)
		}
	}()
	if err := checker.WriteVisualization(f, res, nil); err != nil {
		return usagef("-html %q: %v", path, err)
	}
	return nil
}
