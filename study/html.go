package study

// HTML is the report page (placeholder until the plots land).
func (o *Outcome) HTML() string { return "<html><body><pre>" + o.Summary() + "</pre></body></html>\n" }
