package eval

import (
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/cairn-nix/cairn/syntax"
)

// Values as XML: builtins.toXML and `nix-instantiate --eval --xml`, in
// the layout of Nix's XMLWriter (two-space indentation, attributes in
// name order).

func init() {
	Register(&PrimOp{Name: "toXML", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		w := &xmlWriter{ev: ev, strict: true, drvsSeen: map[string]bool{}}
		if err := w.document(args[0], pos); err != nil {
			return nil, err
		}
		return strCtx(w.b.String(), w.ctx), nil
	}})
}

// ToXML returns v as `nix-instantiate --eval --xml` prints it; location
// adds where attributes and functions are defined (--no-location drops
// it).
func (ev *Evaluator) ToXML(v Value, strict, location bool) (string, error) {
	var b strings.Builder
	err := ev.WriteXML(&b, v, strict, location)
	if err != nil {
		return "", err
	}
	return b.String(), nil
}

// WriteXML writes v to out as ToXML does, as it goes: on an error, what
// was written before it stays written, as with Nix.
func (ev *Evaluator) WriteXML(out io.Writer, v Value, strict, location bool) error {
	w := &xmlWriter{ev: ev, strict: strict, location: location, drvsSeen: map[string]bool{}, out: out}
	err := w.document(v, syntax.NoPos)
	if err != nil {
		// Nix's writer closes the open elements as the error unwinds.
		for len(w.openTags) > 0 {
			w.close(w.openTags[len(w.openTags)-1])
		}
	}
	if ferr := w.flush(); err == nil {
		err = ferr
	}
	return err
}

type xmlWriter struct {
	ev       *Evaluator
	strict   bool
	location bool
	b        strings.Builder
	depth    int
	ctx      Context
	drvsSeen map[string]bool
	out      io.Writer // nil: all of it stays in b
	openTags []string
}

// flush moves what b holds to out.
func (w *xmlWriter) flush() error {
	if w.out == nil || w.b.Len() == 0 {
		return nil
	}
	_, err := io.WriteString(w.out, w.b.String())
	w.b.Reset()
	return err
}

// xmlAttr is one XML attribute; a tag's attributes are written sorted by
// name, as Nix keeps them in a std::map.
type xmlAttr struct{ name, value string }

func (w *xmlWriter) document(v Value, pos syntax.Pos) error {
	w.b.WriteString("<?xml version='1.0' encoding='utf-8'?>\n")
	w.open("expr")
	if err := w.value(v, pos); err != nil {
		return err
	}
	w.close("expr")
	return nil
}

func (w *xmlWriter) indent() {
	for i := 0; i < w.depth; i++ {
		w.b.WriteString("  ")
	}
}

func (w *xmlWriter) tag(name string, attrs []xmlAttr) {
	if w.out != nil && w.b.Len() > 64<<10 {
		w.flush()
	}
	w.indent()
	w.b.WriteString("<" + name)
	sort.Slice(attrs, func(i, j int) bool { return attrs[i].name < attrs[j].name })
	for _, a := range attrs {
		w.b.WriteString(" " + a.name + "=\"")
		for i := 0; i < len(a.value); i++ {
			switch c := a.value[i]; c {
			case '"':
				w.b.WriteString("&quot;")
			case '<':
				w.b.WriteString("&lt;")
			case '>':
				w.b.WriteString("&gt;")
			case '&':
				w.b.WriteString("&amp;")
			case '\n':
				// Escaped so that attribute normalisation keeps it.
				w.b.WriteString("&#xA;")
			default:
				w.b.WriteByte(c)
			}
		}
		w.b.WriteString("\"")
	}
}

func (w *xmlWriter) open(name string, attrs ...xmlAttr) {
	w.tag(name, attrs)
	w.b.WriteString(">\n")
	w.depth++
	w.openTags = append(w.openTags, name)
}

func (w *xmlWriter) close(name string) {
	w.openTags = w.openTags[:len(w.openTags)-1]
	w.depth--
	w.indent()
	w.b.WriteString("</" + name + ">\n")
}

func (w *xmlWriter) empty(name string, attrs ...xmlAttr) {
	w.tag(name, attrs)
	w.b.WriteString(" />\n")
}

// posAttrs are the path, line and column of a definition.
func (w *xmlWriter) posAttrs(pos syntax.Pos, attrs []xmlAttr) []xmlAttr {
	p := w.ev.fs.Position(pos)
	if p.File != nil && p.File.Kind == syntax.OriginPath {
		attrs = append(attrs, xmlAttr{"path", posFileName(p.File)})
	}
	return append(attrs, xmlAttr{"line", strconv.Itoa(p.Line)}, xmlAttr{"column", strconv.Itoa(p.Column)})
}

func (w *xmlWriter) value(v Value, pos syntax.Pos) error {
	ev := w.ev
	if ev.callDepth > ev.Settings.MaxCallDepth {
		return ev.Errorf(StackOverflowErr, pos, "stack overflow; max-call-depth exceeded")
	}
	ev.callDepth++
	defer func() { ev.callDepth-- }()
	if w.strict {
		fv, err := ev.Force(v, pos)
		if err != nil {
			return err
		}
		v = fv
	} else if t, ok := v.(*Thunk); ok && t.state() == thunkDone {
		v = t.val()
	}
	switch x := v.(type) {
	case Int:
		w.empty("int", xmlAttr{"value", strconv.FormatInt(int64(x), 10)})
	case Bool:
		w.empty("bool", xmlAttr{"value", strconv.FormatBool(bool(x))})
	case *String:
		w.ctx = w.ctx.Union(x.Ctx())
		w.empty("string", xmlAttr{"value", x.S})
	case Path:
		w.empty("path", xmlAttr{"value", string(x)})
	case Null:
		w.empty("null")
	case Float:
		w.empty("float", xmlAttr{"value", syntax.FormatFloat(float64(x))})
	case *Attrs:
		return w.attrs(x)
	case *List:
		w.open("list")
		for _, el := range x.Elems {
			if err := w.value(el, pos); err != nil {
				return err
			}
		}
		w.close("list")
	case *Closure:
		return w.function(x)
	default:
		// Built-in functions, and values not evaluated (without strict).
		w.empty("unevaluated")
	}
	return nil
}

func (w *xmlWriter) attrs(a *Attrs) error {
	isDrv, err := w.ev.IsDerivation(a)
	if err != nil {
		return err
	}
	if !isDrv {
		w.open("attrs")
		if err := w.showAttrs(a); err != nil {
			return err
		}
		w.close("attrs")
		return nil
	}
	var attrs []xmlAttr
	drvPath := ""
	for _, k := range []struct {
		sym  syntax.Symbol
		name string
	}{{symDrvPath, "drvPath"}, {symOutPath, "outPath"}} {
		at, ok := a.Get(k.sym)
		if !ok {
			continue
		}
		v := at.Value
		if w.strict {
			fv, err := w.ev.Force(v, at.Pos)
			if err != nil {
				return err
			}
			v = fv
		} else if t, ok := v.(*Thunk); ok && t.state() == thunkDone {
			v = t.val()
		}
		if s, ok := v.(*String); ok {
			attrs = append(attrs, xmlAttr{k.name, s.S})
			if k.name == "drvPath" {
				drvPath = s.S
			}
		}
	}
	w.open("derivation", attrs...)
	if drvPath != "" && !w.drvsSeen[drvPath] {
		w.drvsSeen[drvPath] = true
		if err := w.showAttrs(a); err != nil {
			return err
		}
	} else {
		w.empty("repeated")
	}
	w.close("derivation")
	return nil
}

func (w *xmlWriter) showAttrs(a *Attrs) error {
	for _, at := range a.Sorted() {
		attrs := []xmlAttr{{"name", at.Name.String()}}
		if w.location && at.Pos.IsValid() {
			attrs = w.posAttrs(at.Pos, attrs)
		}
		w.open("attr", attrs...)
		if err := w.value(at.Value, at.Pos); err != nil {
			return err
		}
		w.close("attr")
	}
	return nil
}

func (w *xmlWriter) function(c *Closure) error {
	l := c.Fn
	var attrs []xmlAttr
	if w.location {
		attrs = w.posAttrs(l.P, attrs)
	}
	w.open("function", attrs...)
	if l.Formals != nil {
		var pat []xmlAttr
		if l.Arg != syntax.NoSymbol {
			pat = append(pat, xmlAttr{"name", l.Arg.String()})
		}
		if l.Formals.Ellipsis {
			pat = append(pat, xmlAttr{"ellipsis", "1"})
		}
		w.open("attrspat", pat...)
		names := make([]string, len(l.Formals.Items))
		for i, f := range l.Formals.Items {
			names[i] = f.Name.String()
		}
		sort.Strings(names)
		for _, n := range names {
			w.empty("attr", xmlAttr{"name", n})
		}
		w.close("attrspat")
	} else {
		w.empty("varpat", xmlAttr{"name", l.Arg.String()})
	}
	w.close("function")
	return nil
}
