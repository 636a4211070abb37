package study

import (
	"fmt"
	"html"
	"strings"
)

// charts are the metrics plotted per shape: index into metricNames, title, fixed y max.
var charts = []struct {
	m     int
	title string
	yMax  float64
}{
	{0, "availability", 1},
	{1, "writes per second", 0},
	{5, "leader changes", 0},
	{6, "leaderless seconds", 0},
	{3, "p99 write latency, ms", 0},
}

const css = `body{font-family:sans-serif;margin:24px;max-width:1800px;color:#222}
h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:26px 0 2px}p{margin:4px 0;max-width:1100px}
.row{display:flex;flex-wrap:wrap;gap:8px}.legend{margin:6px 0 4px}.legend span{margin-right:16px;white-space:nowrap}
.legend i{display:inline-block;width:22px;height:4px;margin:0 5px 3px 0;vertical-align:middle}
.doc{color:#555}.tl{margin:10px 0 18px}.tl p{font-weight:bold}code{background:#f2f2f2;padding:1px 4px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}`

// HTML is the report: the claim, how it ran, per shape the metrics against
// the parameter (one line per protocol and option set, 95% CI whiskers),
// then one representative run per line as a timeline, then the summary.
func (o *Outcome) HTML() string {
	s := o.Study
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>%s</title><style>%s</style></head><body>\n",
		html.EscapeString(s.Title), css)
	fmt.Fprintf(&b, "<h1>%s</h1>\n<p>%s</p>\n", html.EscapeString(s.Title), html.EscapeString(s.Claim))
	fmt.Fprintf(&b, "<p class=\"doc\">%d seeds per point; metrics over the fault window %.1f s..%.1f s, then %.1f s healed. "+
		"Availability: share of the window's 100 ms slots in which some client write completed. Leader changes and leaderless time count inside the window. "+
		"Mean ± 95%% CI (Student's t over seeds). Cluster: %s. Every client operation goes through the log, so a completed one is a committed write. "+
		"Faults follow the leader: L is the leader when a phase starts, L+1 the next node by id.</p>\n",
		s.Seeds, float64(s.Window.StartNs)/1e9, float64(s.Window.EndNs)/1e9, float64(s.Window.TailNs)/1e9, html.EscapeString(clusterLine(s)))
	lines := o.lines()
	b.WriteString(o.glance(lines))
	if bl := o.baselineText(); bl != "" {
		fmt.Fprintf(&b, "<pre>%s</pre>\n", html.EscapeString(strings.TrimPrefix(bl, "\n")))
	}
	for _, sh := range s.Shapes {
		fmt.Fprintf(&b, "<h2>%s</h2><p class=\"doc\">%s</p>\n%s<div class=\"row\">\n", html.EscapeString(sh.Name), html.EscapeString(sh.Doc), legend(lines))
		for _, c := range charts {
			ch := chart{title: c.title, xLabel: s.ParamName + " (ms, log scale)", yMax: c.yMax}
			for i, line := range lines {
				se := o.series(sh.Name, line, c.m, palette[i%len(palette)])
				se.dash = i%2 == 1
				ch.series = append(ch.series, se)
			}
			b.WriteString(ch.svg() + "\n")
		}
		b.WriteString("</div>\n")
	}
	if len(o.Timelines) > 0 {
		b.WriteString("<h2>One run per line</h2><p class=\"doc\">Lanes: each server link (green up, red cut or clogged), " +
			"the leader (coloured by node; hover for the epoch), and client operations completed per 100 ms. The yellow band is the fault window.</p>\n")
		for _, d := range o.Timelines {
			fmt.Fprintf(&b, "<div class=\"tl\"><p>%s</p>%s</div>\n", timelineCaption(d, s), timelineSVG(d, s.Window))
		}
	}
	fmt.Fprintf(&b, "<h2>Summary</h2><pre>%s</pre>\n</body></html>\n", html.EscapeString(o.Summary()))
	return b.String()
}

// series is one line's metric m over the parameters of shape.
func (o *Outcome) series(shape, line string, m int, color string) series {
	se := series{name: line, color: color}
	for _, p := range o.Points {
		if p.Shape.Name == shape && p.Line(len(o.Study.Nodes)) == line {
			se.x = append(se.x, float64(p.ParamNs)/1e6)
			se.y = append(se.y, p.Stats[m].Mean)
			se.err = append(se.err, p.Stats[m].CI)
		}
	}
	return se
}

// clusterLine states the base options that matter to a reader.
func clusterLine(s Study) string {
	o := s.Base
	return fmt.Sprintf("tick %s, election timeout %d ticks (randomized to 2x), heartbeat %d tick(s), latency %s..%s, fsync %s, %d clients, up to %s think time, client timeout %s",
		fmtParam(o.TickNs), o.ElectionTicks, o.HeartbeatTicks, fmtParam(o.LatencyMinNs), fmtParam(o.LatencyMaxNs),
		fmtParam(o.FsyncNs), o.Clients, fmtParam(o.RequestGapNs), fmtParam(o.ClientTimeoutNs))
}

// glance is a table of each line's worst availability per shape, and where.
func (o *Outcome) glance(lines []string) string {
	var b strings.Builder
	b.WriteString("<h2>At a glance: lowest availability (mean) per shape, and at which " + html.EscapeString(o.Study.ParamName) + "</h2>\n<table><tr><th>shape</th>")
	for _, l := range lines {
		b.WriteString("<th>" + html.EscapeString(l) + "</th>")
	}
	b.WriteString("</tr>\n")
	for _, sh := range o.Study.Shapes {
		b.WriteString("<tr><td>" + html.EscapeString(sh.Name) + "</td>")
		for _, l := range lines {
			worst := -1
			for i, p := range o.Points {
				if p.Shape.Name == sh.Name && p.Line(len(o.Study.Nodes)) == l && (worst < 0 || p.Stats[0].Mean < o.Points[worst].Stats[0].Mean) {
					worst = i
				}
			}
			cell := "-"
			if worst >= 0 {
				w := o.Points[worst]
				cell = fmt.Sprintf("%s ± %s at %s", num(w.Stats[0].Mean, 2), num(w.Stats[0].CI, 2), fmtParam(w.ParamNs))
			}
			fmt.Fprintf(&b, "<td style=\"background:%s\">%s</td>", heat(o.Points, worst), cell)
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n")
	return b.String()
}

// heat shades a cell by availability: green at 1, red toward 0.5 and below.
func heat(pts []PointResult, i int) string {
	if i < 0 {
		return "#fff"
	}
	a := pts[i].Stats[0].Mean
	switch {
	case a >= 0.97:
		return "#d9f2d9"
	case a >= 0.85:
		return "#fff2c2"
	}
	return "#f7c6c0"
}
