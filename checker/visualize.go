package checker

import (
	"fmt"
	"io"

	"github.com/anishathalye/porcupine"
)

// Annotation marks a span of virtual time in the visualization: a fault
// window (Node 0) or something about one node, e.g. its leadership of a term.
type Annotation struct {
	Node        int    // 1..N: row "node N"; 0: row "cluster"
	Label       string // short text drawn on the span
	StartNs     int64
	EndNs       int64  // < StartNs: a point in time
	Description string // tooltip
	Color       string // CSS background color; "" picks one by row kind
}

// Default colors: cluster-wide spans (faults) red, per-node spans green.
const (
	clusterColor = "#f4c7c3"
	nodeColor    = "#c8e6c9"
)

// WriteVisualization writes porcupine's HTML view of res (partial
// linearizations of every key; illegal ones show where the search got stuck)
// with annotations drawn beside the client rows. Without a prior Explain it
// runs one with DefaultExplainBudget.
func WriteVisualization(w io.Writer, res LinResult, annotations []Annotation) error {
	if res.info == nil {
		res.Explain(DefaultExplainBudget)
	}
	info := *res.info
	info.AddAnnotations(toPorcupineAnnotations(annotations))
	if err := porcupine.Visualize(kvModel, info, w); err != nil {
		return fmt.Errorf("checker: visualization: %w", err)
	}
	return nil
}

func toPorcupineAnnotations(as []Annotation) []porcupine.Annotation {
	out := make([]porcupine.Annotation, 0, len(as))
	for _, a := range as {
		tag, color := "cluster", clusterColor
		if a.Node > 0 {
			tag, color = fmt.Sprintf("node %d", a.Node), nodeColor
		}
		if a.Color != "" {
			color = a.Color
		}
		out = append(out, porcupine.Annotation{Tag: tag, Start: a.StartNs, End: a.EndNs,
			Description: a.Label, Details: a.Description, BackgroundColor: color})
	}
	return out
}

// LeaderAnnotations turns the leadership events seen so far into one span per
// (node, term): from the Leader event to the next term's Leader event (or
// endNs). The end is approximate: step-downs are not reported to Invariants.
func (c *Invariants) LeaderAnnotations(endNs int64) []Annotation {
	out := make([]Annotation, 0, len(c.spans))
	for i, s := range c.spans {
		end := endNs
		if i+1 < len(c.spans) {
			end = c.spans[i+1].atNs
		}
		out = append(out, Annotation{Node: s.node, Label: fmt.Sprintf("leader t%d", s.term), StartNs: s.atNs, EndNs: end,
			Description: fmt.Sprintf("node %d leader of term %d from %s", s.node, s.term, FormatNs(s.atNs))})
	}
	return out
}
