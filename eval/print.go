package eval

import (
	"sort"
	"strconv"
	"strings"

	"github.com/cairn-nix/cairn/syntax"
)

// PrintOptions control PrintValue, as Nix's PrintOptions.
type PrintOptions struct {
	Force           bool
	DerivationPaths bool
	MaxDepth        int // 0: unlimited
	MaxAttrs        int
	MaxListItems    int
	MaxStringLength int
}

// ErrorPrintOptions abbreviate values inside error messages.
var ErrorPrintOptions = PrintOptions{MaxDepth: 10, MaxAttrs: 10, MaxListItems: 10, MaxStringLength: 1024}

// PrintValue prints v as Nix's value printer does (used in messages and
// by the REPL).
func (ev *Evaluator) PrintValue(v Value, opts PrintOptions) string {
	p := &printer{ev: ev, opts: opts, seen: map[any]bool{}}
	p.print(v, 0)
	return p.b.String()
}

type printer struct {
	ev         *Evaluator
	opts       PrintOptions
	b          strings.Builder
	seen       map[any]bool
	attrsShown int
	itemsShown int
}

func limit(n int) int {
	if n == 0 {
		return int(^uint(0) >> 1)
	}
	return n
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// WriteLiteralString prints s as a Nix string literal, cut after maxLen bytes.
func writeLiteralString(b *strings.Builder, s string, maxLen int) {
	if len(s) <= maxLen {
		b.WriteString(syntax.QuoteString(s))
		return
	}
	q := syntax.QuoteString(s[:maxLen])
	// Nix checks "${" across the cut; the quoting above sees only the prefix.
	if s[maxLen-1] == '$' && s[maxLen] == '{' {
		q = q[:len(q)-2] + "\\$\""
	}
	b.WriteString(q[:len(q)-1])
	b.WriteString("\" «" + plural(len(s)-maxLen, "byte", "bytes") + " elided»")
}

func (p *printer) print(v Value, depth int) {
	if p.opts.Force {
		fv, err := p.ev.Force(v, syntax.NoPos)
		if err != nil {
			p.b.WriteString("«error: " + asError(p.ev, err).Msg + "»")
			return
		}
		v = fv
	}
	switch x := v.(type) {
	case Int:
		p.b.WriteString(strconv.FormatInt(int64(x), 10))
	case Float:
		p.b.WriteString(syntax.FormatFloat(float64(x)))
	case Bool:
		if x {
			p.b.WriteString("true")
		} else {
			p.b.WriteString("false")
		}
	case *String:
		writeLiteralString(&p.b, x.S, limit(p.opts.MaxStringLength))
	case Path:
		p.b.WriteString(ShowPath(x))
	case Null:
		p.b.WriteString("null")
	case *Attrs:
		p.printAttrs(x, depth)
	case *List:
		p.printList(x, depth)
	case *Closure:
		p.b.WriteString("«lambda")
		if x.Fn.Name != syntax.NoSymbol {
			p.b.WriteString(" " + x.Fn.Name.String())
		}
		p.b.WriteString(" @ " + p.ev.fs.Position(x.Fn.P).String() + "»")
	case *PrimOp:
		p.b.WriteString("«primop " + x.Name + "»")
	case *PrimOpApp:
		p.b.WriteString("«partially applied primop " + x.Op.Name + "»")
	case *Thunk:
		switch x.state() {
		case thunkDone:
			p.print(x.val(), depth)
		case thunkBlackhole:
			p.b.WriteString("«potential infinite recursion»")
		default:
			p.b.WriteString("«thunk»")
		}
	}
}

func (p *printer) printAttrs(a *Attrs, depth int) {
	if p.seen[a] {
		p.b.WriteString("«repeated»")
		return
	}
	p.seen[a] = true
	if p.opts.Force && p.opts.DerivationPaths {
		if isDrv, _ := p.ev.IsDerivation(a); isDrv {
			p.b.WriteString("«derivation")
			if d, ok := a.Get(symDrvPath); ok {
				if s, _, err := p.ev.CoerceToString(d.Pos, d.Value, "while evaluating the drvPath of a derivation", false, false); err == nil {
					p.b.WriteString(" " + s)
				}
			}
			p.b.WriteString("»")
			return
		}
	}
	if depth >= limit(p.opts.MaxDepth) {
		p.b.WriteString("{ ... }")
		return
	}
	sorted := a.Sorted()
	if p.opts.MaxAttrs != 0 {
		important := func(n string) bool { return n == "type" || n == "_type" }
		sort.SliceStable(sorted, func(i, j int) bool {
			ii, jj := important(sorted[i].Name.String()), important(sorted[j].Name.String())
			if ii != jj {
				return ii
			}
			return false
		})
	}
	p.b.WriteString("{")
	for i, at := range sorted {
		p.b.WriteString(" ")
		if p.attrsShown >= limit(p.opts.MaxAttrs) {
			p.b.WriteString("«" + plural(len(sorted)-i, "attribute", "attributes") + " elided»")
			break
		}
		p.b.WriteString(printAttrName(at.Name.String()))
		p.b.WriteString(" = ")
		p.print(at.Value, depth+1)
		p.b.WriteString(";")
		p.attrsShown++
	}
	p.b.WriteString(" }")
}

func (p *printer) printList(l *List, depth int) {
	if len(l.Elems) > 0 {
		if p.seen[l] {
			p.b.WriteString("«repeated»")
			return
		}
		p.seen[l] = true
	}
	if depth >= limit(p.opts.MaxDepth) {
		p.b.WriteString("[ ... ]")
		return
	}
	p.b.WriteString("[")
	for i, el := range l.Elems {
		p.b.WriteString(" ")
		if p.itemsShown >= limit(p.opts.MaxListItems) {
			p.b.WriteString("«" + plural(len(l.Elems)-i, "item", "items") + " elided»")
			break
		}
		p.print(el, depth+1)
		p.itemsShown++
	}
	p.b.WriteString(" ]")
}

// printAttrName quotes a name unless it is a valid variable name.
func printAttrName(s string) string {
	if s == "" || syntax.IsReservedKeyword(s) {
		return syntax.QuoteString(s)
	}
	c := s[0]
	if c >= '0' && c <= '9' || c == '-' || c == '\'' {
		return syntax.QuoteString(s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '\'') {
			return syntax.QuoteString(s)
		}
	}
	return s
}

// PrintAmbiguous prints a value as `nix-instantiate --eval` does; values
// not yet evaluated show as <CODE>.
func (ev *Evaluator) PrintAmbiguous(v Value) (string, error) {
	var b strings.Builder
	seen := map[any]bool{}
	err := ev.printAmbiguous(&b, v, v, seen, 0)
	return b.String(), err
}

// cell identifies the place the value is stored in (the thunk, when it
// was one), which is what Nix's «repeated» detection compares.
func (ev *Evaluator) printAmbiguous(b *strings.Builder, v Value, cell any, seen map[any]bool, depth int) error {
	if depth > ev.Settings.MaxCallDepth {
		return ev.Errorf(StackOverflowErr, syntax.NoPos, "stack overflow; max-call-depth exceeded")
	}
	if t, ok := v.(*Thunk); ok {
		switch t.state() {
		case thunkDone:
			v = t.val()
		case thunkBlackhole:
			b.WriteString("«potential infinite recursion»")
			return nil
		default:
			b.WriteString("<CODE>")
			return nil
		}
	}
	switch x := v.(type) {
	case Int:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case Float:
		b.WriteString(syntax.FormatFloat(float64(x)))
	case Bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case *String:
		b.WriteString(syntax.QuoteString(x.S))
	case Path:
		b.WriteString(ShowPath(x))
	case Null:
		b.WriteString("null")
	case *Attrs:
		if x.Len() > 0 && seen[x] {
			b.WriteString("«repeated»")
			return nil
		}
		seen[x] = true
		_ = cell
		b.WriteString("{ ")
		for _, at := range x.Sorted() {
			b.WriteString(syntax.PrintIdentifier(at.Name.String()))
			b.WriteString(" = ")
			if err := ev.printAmbiguous(b, at.Value, at.Value, seen, depth+1); err != nil {
				return err
			}
			b.WriteString("; ")
		}
		b.WriteString("}")
	case *List:
		if len(x.Elems) > 0 && seen[cell] {
			b.WriteString("«repeated»")
			return nil
		}
		seen[cell] = true
		b.WriteString("[ ")
		for _, el := range x.Elems {
			if err := ev.printAmbiguous(b, el, el, seen, depth+1); err != nil {
				return err
			}
			b.WriteString(" ")
		}
		b.WriteString("]")
	case *Closure:
		b.WriteString("<LAMBDA>")
	case *PrimOp:
		b.WriteString("<PRIMOP>")
	case *PrimOpApp:
		b.WriteString("<PRIMOP-APP>")
	}
	return nil
}
