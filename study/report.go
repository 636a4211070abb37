package study

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// WriteAll writes results.csv, summary.txt and report.html into dir.
func (o *Outcome) WriteAll(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := map[string]string{"results.csv": o.CSV(), "summary.txt": o.Summary(), "report.html": o.HTML()}
	for _, name := range []string{"results.csv", "summary.txt", "report.html"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(files[name]), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// num writes a float with fixed precision; "" for undefined.
func num(x float64, prec int) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'f', prec, 64)
}

// CSV is one row per point: the grid's coordinates, the runs that did not
// pass, and each metric's mean and 95% CI half-width. It depends only on the
// study and the binary, never on wall time or workers.
func (o *Outcome) CSV() string {
	var b strings.Builder
	b.WriteString("study,shape,protocol,variant,nodes,param,param_ms,seeds,not_pass")
	for _, m := range metricNames {
		b.WriteString("," + m + "," + m + "_ci95")
	}
	b.WriteByte('\n')
	for _, p := range o.Points {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%d,%s,%s,%d,%d", o.Study.Name, p.Shape.Name, p.Protocol, p.Variant.Name,
			p.Nodes, strings.ReplaceAll(o.Study.ParamName, " ", "_"), num(float64(p.ParamNs)/1e6, 1), len(p.Runs), p.NotPass)
		for _, s := range p.Stats {
			b.WriteString("," + num(s.Mean, 4) + "," + num(s.CI, 4))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Summary is a short text: per shape and line, availability and writes/s
// from the smallest to the largest parameter, then skips and failures.
func (o *Outcome) Summary() string {
	var b strings.Builder
	s := o.Study
	fmt.Fprintf(&b, "study %s: %s\n%d seeds per point; metrics over the %.1f s fault window; mean ± 95%% CI\n",
		s.Name, s.Title, s.Seeds, float64(s.Window.EndNs-s.Window.StartNs)/1e9)
	b.WriteString(o.baselineText())
	for _, sh := range s.Shapes {
		fmt.Fprintf(&b, "\n%s: %s\n", sh.Name, sh.Doc)
		fmt.Fprintf(&b, "  %-24s", s.ParamName+" (ms)")
		for _, p := range s.Params {
			fmt.Fprintf(&b, " %15s", num(float64(p)/1e6, 0))
		}
		b.WriteByte('\n')
		for _, line := range o.lines() {
			for _, m := range []int{0, 1, 2, 5} {
				fmt.Fprintf(&b, "  %-24s", line+" "+shortNames[m])
				for _, pr := range o.Points {
					if pr.Shape.Name == sh.Name && pr.Line(len(s.Nodes)) == line {
						st := pr.Stats[m]
						fmt.Fprintf(&b, " %15s", num(st.Mean, 2)+"±"+num(st.CI, 2))
					}
				}
				b.WriteByte('\n')
			}
		}
	}
	for _, sk := range o.Skipped {
		fmt.Fprintf(&b, "\nskipped: %s\n", sk)
	}
	bad := 0
	for _, p := range o.Points {
		bad += p.NotPass
	}
	fmt.Fprintf(&b, "\nruns that did not pass: %d of %d\n", bad, len(o.Points)*s.Seeds)
	for _, f := range o.Failures {
		fmt.Fprintf(&b, "  %s  (simrun replay DIR)\n", f)
	}
	return b.String()
}

// lines are the plot lines in first-seen order.
func (o *Outcome) lines() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range o.Points {
		if l := p.Line(len(o.Study.Nodes)); !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// shortNames label the metrics in the text summary.
var shortNames = []string{"avail", "w/s", "p50ms", "p99ms", "elect", "chg", "nolead"}

// baselineText is the no-fault line of each line, if the study has one.
func (o *Outcome) baselineText() string {
	var b strings.Builder
	for _, p := range o.Points {
		if p.Shape.Name != none.Name {
			continue
		}
		if b.Len() == 0 {
			b.WriteString("\nno faults (baseline):\n")
		}
		fmt.Fprintf(&b, "  %-24s", p.Line(len(o.Study.Nodes)))
		for m, st := range p.Stats {
			fmt.Fprintf(&b, " %s %s±%s", shortNames[m], num(st.Mean, 2), num(st.CI, 2))
		}
		b.WriteByte('\n')
	}
	return b.String()
}
