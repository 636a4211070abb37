package checker

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxLineBytes bounds one history line.
const maxLineBytes = 1 << 20

// wireOp is the JSON Lines form of an Operation. Pointers tell absent fields
// from zero values.
type wireOp struct {
	Client *int        `json:"client"`
	Seq    uint64      `json:"seq,omitempty"`
	Kind   string      `json:"kind"`
	Key    *string     `json:"key"`
	Value  *string     `json:"value,omitempty"`
	Expect *string     `json:"expect,omitempty"`
	Call   *int64      `json:"call"`
	Return *int64      `json:"return,omitempty"`
	Status Status      `json:"status"`
	Output *wireOutput `json:"output,omitempty"`
	Mode   string      `json:"mode,omitempty"`
	Node   int         `json:"node,omitempty"`
}

type wireOutput struct {
	Value   *string `json:"value,omitempty"`
	Found   *bool   `json:"found,omitempty"`
	Version *uint64 `json:"version,omitempty"`
	OK      *bool   `json:"ok,omitempty"`
}

// ReadHistory reads a JSON Lines history, one operation per line; blank lines
// are skipped. An error names the line number and what is wrong.
func ReadHistory(r io.Reader) ([]Operation, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLineBytes)
	var ops []Operation
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		op, err := parseLine(text)
		if err != nil {
			return nil, fmt.Errorf("history line %d: %w", line, err)
		}
		ops = append(ops, op)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("history: after %d operations: %w", len(ops), err)
	}
	return ops, nil
}

func parseLine(text []byte) (Operation, error) {
	var w wireOp
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return Operation{}, fmt.Errorf("bad JSON: %v", err)
	}
	if dec.More() {
		return Operation{}, errors.New("more than one JSON value on the line")
	}
	if err := w.validate(); err != nil {
		return Operation{}, err
	}
	return w.operation(), nil
}

// validate checks what only the wire form shows (absent fields), then the
// Operation itself.
func (w *wireOp) validate() error {
	switch {
	case w.Client == nil:
		return errors.New(`"client" missing`)
	case w.Key == nil:
		return errors.New(`"key" missing`)
	case w.Call == nil:
		return errors.New(`"call" missing`)
	case w.Status != StatusUnknown && w.Return == nil:
		return fmt.Errorf(`status %q needs "return"`, w.Status)
	case w.Status == StatusUnknown && w.Return != nil:
		return errors.New(`status "unknown" must not have "return"`)
	}
	if err := validateArgs(w.Kind, w.Value != nil, w.Expect != nil); err != nil {
		return err
	}
	return w.operation().Validate()
}

// Validate checks an operation built in code (ReadHistory checks more: the
// presence of fields).
func (op Operation) Validate() error {
	if err := validateArgs(op.Kind, op.Kind != "get", op.Kind == "cas"); err != nil {
		return err
	}
	switch {
	case op.Client < 0:
		return fmt.Errorf(`"client" %d is negative`, op.Client)
	case op.Mode != "" && op.Kind != "get":
		return fmt.Errorf(`"mode" is for get only (kind %s)`, op.Kind)
	case !validMode(op.Mode):
		return fmt.Errorf(`"mode" %q: want linearizable, consistent, lease or stale (or none)`, op.Mode)
	case op.Node < 0:
		return fmt.Errorf(`"node" %d is negative`, op.Node)
	case op.Output.OK != nil && op.Kind != "cas":
		return fmt.Errorf(`output "ok" on a %s (only cas has it)`, op.Kind)
	}
	switch op.Status {
	case StatusOK, StatusFail:
		if op.Return == NoReturn {
			return fmt.Errorf(`status %q needs "return"`, op.Status)
		}
		if op.Return < op.Call {
			return fmt.Errorf("return %d before call %d", op.Return, op.Call)
		}
	case StatusUnknown:
		if op.Return != NoReturn {
			return errors.New(`status "unknown" must not have "return"`)
		}
	default:
		return fmt.Errorf(`"status" %q: want ok, fail or unknown`, op.Status)
	}
	return nil
}

func validMode(m string) bool {
	switch m {
	case "", ModeLinearizable, ModeConsistent, ModeLease, ModeStale:
		return true
	}
	return false
}

func validateArgs(kind string, hasValue, hasExpect bool) error {
	switch kind {
	case "get":
		if hasValue || hasExpect {
			return errors.New(`get with "value" or "expect"`)
		}
		return nil
	case "put", "append", "cas":
	default:
		return fmt.Errorf(`"kind" %q: want get, put, append or cas`, kind)
	}
	switch {
	case !hasValue:
		return fmt.Errorf(`%s without "value"`, kind)
	case hasExpect != (kind == "cas"):
		return fmt.Errorf(`"expect" is for cas only and required there (kind %s)`, kind)
	}
	return nil
}

func (w *wireOp) operation() Operation {
	op := Operation{Client: *w.Client, Seq: w.Seq, Kind: w.Kind, Key: *w.Key,
		Call: *w.Call, Return: NoReturn, Status: w.Status, Mode: w.Mode, Node: w.Node}
	if w.Value != nil {
		op.Value = *w.Value
	}
	if w.Expect != nil {
		op.Expect = *w.Expect
	}
	if w.Return != nil {
		op.Return = *w.Return
	}
	if o := w.Output; o != nil {
		op.Output = Output{Value: o.Value, Found: o.Found, Version: o.Version, OK: o.OK}
	}
	return op
}

// WriteHistory writes ops as JSON Lines that ReadHistory reads back equal.
// Outputs of fail and unknown operations are written as given.
func WriteHistory(w io.Writer, ops []Operation) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for i, op := range ops {
		if err := enc.Encode(toWire(op)); err != nil {
			return fmt.Errorf("history op %d: %w", i, err)
		}
	}
	return bw.Flush()
}

func toWire(op Operation) wireOp {
	w := wireOp{Client: &op.Client, Seq: op.Seq, Kind: op.Kind, Key: &op.Key,
		Call: &op.Call, Status: op.Status, Mode: op.Mode, Node: op.Node}
	if op.Kind != "get" {
		w.Value = &op.Value
	}
	if op.Kind == "cas" {
		w.Expect = &op.Expect
	}
	if op.Status != StatusUnknown {
		w.Return = &op.Return
	}
	o := op.Output
	w.Output = &wireOutput{Value: o.Value, Found: o.Found, Version: o.Version, OK: o.OK}
	return w
}
