// Package mutate finds simple mutants in Go source: single changes to
// comparison operators (boundary and negation), boolean connectives,
// arithmetic, negations and increments, the changes a quorum, vote or
// commit rule gets wrong. Each mutant is one byte-range replacement in one
// file, applied to a copy of the source; the caller builds and tests it.
package mutate

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
)

// Mutant is one change: the bytes [Offset, Offset+len(From)) of File
// become To. Line and Col locate it for people (1-based).
type Mutant struct {
	File   string // path as given to Find
	Line   int
	Col    int
	Offset int
	From   string
	To     string
	Kind   string // boundary, negation, logical, arithmetic, not, incdec
}

// ID is the mutant's stable name in reports and the allow-list:
// "file:line:col from->to".
func (m Mutant) ID() string {
	return fmt.Sprintf("%s:%d:%d %s->%s", m.File, m.Line, m.Col, m.From, m.To)
}

// Apply returns src with m applied. It panics if src does not hold m.From
// at m.Offset (the file changed since Find).
func (m Mutant) Apply(src []byte) []byte {
	end := m.Offset + len(m.From)
	if end > len(src) || string(src[m.Offset:end]) != m.From {
		panic(fmt.Sprintf("mutate: %s: source does not match", m.ID()))
	}
	out := make([]byte, 0, len(src)+len(m.To))
	out = append(out, src[:m.Offset]...)
	out = append(out, m.To...)
	return append(out, src[end:]...)
}

// binaryTo lists, for each binary operator, its mutants and their kinds.
var binaryTo = map[token.Token][]struct {
	to   token.Token
	kind string
}{
	token.LSS:  {{token.LEQ, "boundary"}, {token.GEQ, "negation"}},
	token.LEQ:  {{token.LSS, "boundary"}, {token.GTR, "negation"}},
	token.GTR:  {{token.GEQ, "boundary"}, {token.LEQ, "negation"}},
	token.GEQ:  {{token.GTR, "boundary"}, {token.LSS, "negation"}},
	token.EQL:  {{token.NEQ, "negation"}},
	token.NEQ:  {{token.EQL, "negation"}},
	token.LAND: {{token.LOR, "logical"}},
	token.LOR:  {{token.LAND, "logical"}},
	token.ADD:  {{token.SUB, "arithmetic"}},
	token.SUB:  {{token.ADD, "arithmetic"}},
	token.MUL:  {{token.QUO, "arithmetic"}},
	token.QUO:  {{token.MUL, "arithmetic"}},
}

// Find parses src (the contents of file) and returns its mutants in source
// order. String concatenation and constant expressions are skipped: they
// either do not compile when changed or change no rule.
func Find(file string, src []byte) ([]Mutant, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var out []Mutant
	add := func(pos token.Pos, from, to, kind string) {
		p := fset.Position(pos)
		out = append(out, Mutant{File: file, Line: p.Line, Col: p.Column, Offset: p.Offset, From: from, To: to, Kind: kind})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.GenDecl:
			return x.Tok != token.CONST // constants are data, not rules
		case *ast.BinaryExpr:
			if x.Op == token.ADD && (isStringLit(x.X) || isStringLit(x.Y)) {
				return true // string concatenation
			}
			for _, m := range binaryTo[x.Op] {
				add(x.OpPos, x.Op.String(), m.to.String(), m.kind)
			}
		case *ast.UnaryExpr:
			if x.Op == token.NOT {
				add(x.OpPos, "!", "", "not")
			}
		case *ast.IncDecStmt:
			to := token.DEC
			if x.Tok == token.DEC {
				to = token.INC
			}
			add(x.TokPos, x.Tok.String(), to.String(), "incdec")
		}
		return true
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Offset < out[j].Offset })
	return out, nil
}

func isStringLit(e ast.Expr) bool {
	b, ok := e.(*ast.BasicLit)
	return ok && b.Kind == token.STRING
}
