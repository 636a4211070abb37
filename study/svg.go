package study

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// palette colours the plot lines (Okabe-Ito, colour-blind safe), in line order.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442", "#B2182B", "#6A3D9A"}

// series is one plot line: y (mean) and ci per x.
type series struct {
	name   string
	color  string
	dash   bool // drawn dashed, so a line that hides under another still shows
	x      []float64
	y, err []float64
}

// chart is one small plot of a metric against the parameter (log x).
type chart struct {
	title, xLabel string
	yMax          float64 // 0: from the data
	series        []series
}

const (
	chartW, chartH            = 250, 215
	padL, padR, padT, padB    = 40, 18, 26, 40
	plotW, plotH              = chartW - padL - padR, chartH - padT - padB
	timelineW, laneH, laneGap = 1100, 16, 4
)

func f1(x float64) string { return fmt.Sprintf("%.1f", x) }

// svg renders the chart with axes, gridlines, CI whiskers and points.
func (c chart) svg() string {
	xs := c.series[0].x
	lo, hi := math.Log(xs[0]), math.Log(xs[len(xs)-1])
	if hi == lo {
		lo, hi = lo-1, hi+1
	}
	px := func(x float64) float64 { return padL + (math.Log(x)-lo)/(hi-lo)*plotW }
	yMax := c.yMax
	if yMax == 0 {
		for _, s := range c.series {
			for i, y := range s.y {
				if !math.IsNaN(y) {
					yMax = math.Max(yMax, y+nan0(s.err[i]))
				}
			}
		}
		yMax = niceCeil(yMax)
	}
	py := func(y float64) float64 { return padT + plotH - y/yMax*plotH }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">`, chartW, chartH)
	fmt.Fprintf(&b, `<text x="%d" y="16" font-size="13" font-weight="bold">%s</text>`, padL, html.EscapeString(c.title))
	for i := 0; i <= 4; i++ {
		y := yMax * float64(i) / 4
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%s" y2="%s" stroke="#ddd"/>`, padL, padL+plotW, f1(py(y)), f1(py(y)))
		fmt.Fprintf(&b, `<text x="%d" y="%s" text-anchor="end">%s</text>`, padL-4, f1(py(y)+4), tickLabel(y))
	}
	for _, x := range xs {
		fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%d" y2="%d" stroke="#eee"/>`, f1(px(x)), f1(px(x)), padT, padT+plotH)
		fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="middle">%s</text>`, f1(px(x)), padT+plotH+14, tickLabel(x))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`, padL+plotW/2, chartH-6, html.EscapeString(c.xLabel))
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>`, padL, padT, plotW, plotH)
	for _, s := range c.series {
		b.WriteString(s.path(px, py, yMax))
	}
	b.WriteString("</svg>")
	return b.String()
}

// path draws a series: a polyline through defined points, whiskers, dots.
func (s series) path(px, py func(float64) float64, yMax float64) string {
	var b, pts strings.Builder
	for i, x := range s.x {
		y := s.y[i]
		if math.IsNaN(y) {
			continue
		}
		fmt.Fprintf(&pts, "%s,%s ", f1(px(x)), f1(py(y)))
		if e := nan0(s.err[i]); e > 0 {
			fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="1.2"/>`,
				f1(px(x)), f1(px(x)), f1(py(math.Max(y-e, 0))), f1(py(math.Min(y+e, yMax))), s.color)
		}
		fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="2.6" fill="%s"><title>%s: %s ± %s</title></circle>`,
			f1(px(x)), f1(py(y)), s.color, html.EscapeString(s.name), num(y, 3), num(s.err[i], 3))
	}
	dash := ""
	if s.dash {
		dash = ` stroke-dasharray="6 4"`
	}
	return fmt.Sprintf(`<polyline points="%s" fill="none" stroke="%s" stroke-width="1.8" opacity="0.9"%s/>`, strings.TrimSpace(pts.String()), s.color, dash) + b.String()
}

func nan0(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return x
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten.
func niceCeil(x float64) float64 {
	if x <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if x <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func tickLabel(x float64) string {
	if x == math.Trunc(x) {
		return fmt.Sprintf("%.0f", x)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}

// legend is an HTML legend of the line colours.
func legend(names []string) string {
	var b strings.Builder
	b.WriteString(`<div class="legend">`)
	for i, n := range names {
		style := "background:" + palette[i%len(palette)]
		if i%2 == 1 {
			style = "border-top:3px dashed " + palette[i%len(palette)] + ";height:0"
		}
		fmt.Fprintf(&b, `<span><i style="%s"></i>%s</span>`, style, html.EscapeString(n))
	}
	b.WriteString("</div>")
	return b.String()
}
