package study

import (
	"fmt"
	"html"
	"strings"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/sim"
)

// nodeColors colour leaders by node id (index 0 unused).
var nodeColors = []string{"", "#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#9C755F", "#EDC948", "#76B7B2", "#FF9DA7", "#BAB0AC"}

// downSpans are the times each server pair {a<b} was cut or clogged: the
// leader-link cuts from the timeline, clogs from the schedule.
func downSpans(r *sim.Result) map[[2]int][][2]int64 {
	out := map[[2]int][][2]int64{}
	for _, l := range r.Timeline.Links {
		k := [2]int{l.A, l.B}
		out[k] = append(out[k], [2]int64{l.StartNs, l.EndNs})
	}
	open := map[[2]int]int64{}
	for _, a := range r.Schedule.Actions {
		if (a.Kind != faults.Clog && a.Kind != faults.Unclog) || a.From > a.To {
			continue // a pair's clog is drawn from its from<to direction
		}
		k := [2]int{a.From, a.To}
		if a.Kind == faults.Clog {
			open[k] = a.AtNs
		} else {
			out[k] = append(out[k], [2]int64{open[k], a.AtNs})
		}
	}
	return out
}

// timelineSVG draws one run: a lane per server link (red while down), the
// leader lane (coloured by node), and operations completed per 100 ms.
func timelineSVG(d Drawn, w Window) string {
	r := d.Result
	n := d.Point.Nodes
	endNs := r.VirtualNs
	x := func(ns int64) float64 { return 70 + float64(ns)/float64(endNs)*(timelineW-80) }
	lanes := n * (n - 1) / 2
	commitH := 50
	h := 22 + (lanes+1)*(laneH+laneGap) + commitH + 30
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">`, timelineW, h)
	fmt.Fprintf(&b, `<rect x="%s" y="4" width="%s" height="%d" fill="#fff7d6"/>`, f1(x(w.StartNs)), f1(x(w.EndNs)-x(w.StartNs)), h-30)
	y := 10
	down := downSpans(r)
	for a := 1; a <= n; a++ {
		for c := a + 1; c <= n; c++ {
			fmt.Fprintf(&b, `<text x="4" y="%d">n%d–n%d</text>`, y+12, a, c)
			fmt.Fprintf(&b, `<rect x="70" y="%d" width="%d" height="%d" fill="#e3f2e3"/>`, y, timelineW-80, laneH)
			for _, sp := range down[[2]int{a, c}] {
				fmt.Fprintf(&b, `<rect x="%s" y="%d" width="%s" height="%d" fill="#d62728"/>`, f1(x(sp[0])), y, f1(max(x(sp[1])-x(sp[0]), 0.6)), laneH)
			}
			y += laneH + laneGap
		}
	}
	fmt.Fprintf(&b, `<text x="4" y="%d">leader</text>`, y+12)
	for _, sp := range r.Timeline.Leaders {
		wd := max(x(sp.EndNs)-x(sp.StartNs), 0.6)
		fmt.Fprintf(&b, `<rect x="%s" y="%d" width="%s" height="%d" fill="%s"><title>n%d epoch %d</title></rect>`,
			f1(x(sp.StartNs)), y, f1(wd), laneH, nodeColors[sp.Node%len(nodeColors)], sp.Node, sp.Epoch)
		if wd > 24 {
			fmt.Fprintf(&b, `<text x="%s" y="%d" fill="#fff">n%d</text>`, f1(x(sp.StartNs)+3), y+12, sp.Node)
		}
	}
	y += laneH + laneGap + 4
	b.WriteString(commitBars(r, x, y, commitH, endNs))
	y += commitH + 14
	for s := int64(0); s*1e9 <= endNs; s++ {
		fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="middle">%ds</text>`, f1(x(s*1e9)), y, s)
	}
	b.WriteString("</svg>")
	return b.String()
}

// commitBars is a bar per 100 ms: operations completed in it.
func commitBars(r *sim.Result, x func(int64) float64, y, h int, endNs int64) string {
	bins := make([]int, endNs/windowNs+1)
	for _, op := range r.History {
		if op.Status == checker.StatusOK {
			bins[op.Return/windowNs]++
		}
	}
	top := 1
	for _, c := range bins {
		top = max(top, c)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<text x="4" y="%d">commits</text><text x="4" y="%d" fill="#666">per 100ms</text>`, y+20, y+33)
	fmt.Fprintf(&b, `<line x1="70" x2="%d" y1="%d" y2="%d" stroke="#888"/>`, timelineW-10, y+h, y+h)
	for i, c := range bins {
		if c == 0 {
			continue
		}
		bh := float64(c) / float64(top) * float64(h)
		x0, x1 := x(int64(i)*windowNs), x(int64(i+1)*windowNs)
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="#555"/>`, f1(x0), f1(float64(y+h)-bh), f1(max(x1-x0-0.4, 0.4)), f1(bh))
	}
	return b.String()
}

// timelineCaption describes a drawn run in one line.
func timelineCaption(d Drawn, s Study) string {
	return html.EscapeString(fmt.Sprintf("%s — %s, %s %s, seed %d (availability nearest the median of %d seeds)",
		d.Line, d.Point.Shape.Name, s.ParamName, fmtParam(d.Point.ParamNs), d.Seed, s.Seeds))
}
