package syntax

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// Show prints e the way `nix-instantiate --parse` does (Nix's Expr::show).
func Show(e Expr) string {
	var b strings.Builder
	printExpr(&b, e)
	return b.String()
}

var reservedKeywords = map[string]bool{
	"if": true, "then": true, "else": true, "assert": true, "with": true,
	"let": true, "in": true, "rec": true, "inherit": true,
}

// IsReservedKeyword reports whether s must be quoted as an attribute name.
func IsReservedKeyword(s string) bool { return reservedKeywords[s] }

// QuoteString prints s as a Nix string literal.
func QuoteString(s string) string {
	var b strings.Builder
	writeString(&b, s)
	return b.String()
}

func writeString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString("\\n")
		case '\r':
			b.WriteString("\\r")
		case '\t':
			b.WriteString("\\t")
		case '$':
			if i+1 < len(s) && s[i+1] == '{' {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

// PrintIdentifier prints an attribute name, quoted when it is not a
// plain identifier.
func PrintIdentifier(s string) string {
	if s == "" {
		return `""`
	}
	if reservedKeywords[s] {
		return `"` + s + `"`
	}
	if !isIDStart(s[0]) {
		return QuoteString(s)
	}
	for i := 0; i < len(s); i++ {
		if !isIDChar(s[i]) {
			return QuoteString(s)
		}
	}
	return s
}

func (s Symbol) printIdent() string { return PrintIdentifier(s.String()) }

// FormatFloat prints a float as C++'s default ostream does (%g, 6 digits).
func FormatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	}
	return strconv.FormatFloat(f, 'g', 6, 64)
}

func printExpr(b *strings.Builder, e Expr) {
	switch e := e.(type) {
	case *Int:
		b.WriteString(strconv.FormatInt(e.V, 10))
	case *Float:
		b.WriteString(FormatFloat(e.V))
	case *String:
		writeString(b, e.V)
	case *Path:
		b.WriteString(e.V)
	case *Var:
		b.WriteString(e.Name.printIdent())
	case *Select:
		b.WriteString("(")
		printExpr(b, e.E)
		b.WriteString(").")
		b.WriteString(showPath(e.Path))
		if e.Def != nil {
			b.WriteString(" or (")
			printExpr(b, e.Def)
			b.WriteString(")")
		}
	case *HasAttr:
		b.WriteString("((")
		printExpr(b, e.E)
		b.WriteString(") ? ")
		b.WriteString(showPath(e.Path))
		b.WriteString(")")
	case *Attrs:
		if e.Rec {
			b.WriteString("rec ")
		}
		b.WriteString("{ ")
		printBindings(b, e)
		b.WriteString("}")
	case *List:
		b.WriteString("[ ")
		for _, x := range e.Elems {
			b.WriteString("(")
			printExpr(b, x)
			b.WriteString(") ")
		}
		b.WriteString("]")
	case *Lambda:
		b.WriteString("(")
		if e.Formals != nil {
			b.WriteString("{ ")
			items := append([]Formal(nil), e.Formals.Items...)
			sort.SliceStable(items, func(i, j int) bool { return items[i].Name.String() < items[j].Name.String() })
			for i, f := range items {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(f.Name.printIdent())
				if f.Def != nil {
					b.WriteString(" ? ")
					printExpr(b, f.Def)
				}
			}
			if e.Formals.Ellipsis {
				if len(items) > 0 {
					b.WriteString(", ")
				}
				b.WriteString("...")
			}
			b.WriteString(" }")
			if e.Arg != NoSymbol {
				b.WriteString(" @ ")
			}
		}
		if e.Arg != NoSymbol {
			b.WriteString(e.Arg.printIdent())
		}
		b.WriteString(": ")
		printExpr(b, e.Body)
		b.WriteString(")")
	case *Call:
		b.WriteString("(")
		printExpr(b, e.Fn)
		for _, a := range e.Args {
			b.WriteString(" ")
			printExpr(b, a)
		}
		b.WriteString(")")
	case *Let:
		b.WriteString("(let ")
		printBindings(b, e.Attrs)
		b.WriteString("in ")
		printExpr(b, e.Body)
		b.WriteString(")")
	case *With:
		b.WriteString("(with ")
		printExpr(b, e.Attrs)
		b.WriteString("; ")
		printExpr(b, e.Body)
		b.WriteString(")")
	case *If:
		b.WriteString("(if ")
		printExpr(b, e.Cond)
		b.WriteString(" then ")
		printExpr(b, e.Then)
		b.WriteString(" else ")
		printExpr(b, e.Else)
		b.WriteString(")")
	case *Assert:
		b.WriteString("assert ")
		printExpr(b, e.Cond)
		b.WriteString("; ")
		printExpr(b, e.Body)
	case *Not:
		b.WriteString("(! ")
		printExpr(b, e.E)
		b.WriteString(")")
	case *BinOp:
		b.WriteString("(")
		printExpr(b, e.L)
		b.WriteString(" " + opNames[e.Op] + " ")
		printExpr(b, e.R)
		b.WriteString(")")
	case *ConcatStrings:
		b.WriteString("(")
		for i, p := range e.Parts {
			if i > 0 {
				b.WriteString(" + ")
			}
			printExpr(b, p.E)
		}
		b.WriteString(")")
	case *CurPos:
		b.WriteString("__curPos")
	case *InheritFrom:
		b.WriteString("<inherit-from>")
	}
}

var opNames = [...]string{
	OpEq: "==", OpNEq: "!=", OpAnd: "&&", OpOr: "||", OpImpl: "->",
	OpUpdate: "//", OpConcatLists: "++",
}

func printBindings(b *strings.Builder, a *Attrs) {
	sorted := append([]AttrDef(nil), a.Attrs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name.String() < sorted[j].Name.String() })
	var inherits []Symbol
	from := map[int][]Symbol{}
	var fromKeys []int
	for _, d := range sorted {
		switch d.Kind {
		case AttrInherited:
			inherits = append(inherits, d.Name)
		case AttrInheritedFrom:
			k := d.E.(*Select).E.(*InheritFrom).Displ
			if _, ok := from[k]; !ok {
				fromKeys = append(fromKeys, k)
			}
			from[k] = append(from[k], d.Name)
		}
	}
	if len(inherits) > 0 {
		b.WriteString("inherit")
		for _, s := range inherits {
			b.WriteString(" " + s.printIdent())
		}
		b.WriteString("; ")
	}
	sort.Ints(fromKeys)
	for _, k := range fromKeys {
		b.WriteString("inherit (")
		printExpr(b, a.InheritFrom[k])
		b.WriteString(")")
		for _, s := range from[k] {
			b.WriteString(" " + s.printIdent())
		}
		b.WriteString("; ")
	}
	for _, d := range sorted {
		if d.Kind == AttrPlain {
			b.WriteString(d.Name.printIdent() + " = ")
			printExpr(b, d.E)
			b.WriteString("; ")
		}
	}
	for _, d := range a.Dynamic {
		b.WriteString("\"${")
		printExpr(b, d.Name)
		b.WriteString("}\" = ")
		printExpr(b, d.Value)
		b.WriteString("; ")
	}
}
