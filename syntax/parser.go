package syntax

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// Lint is the level of a lint setting (Nix's Diagnose).
type Lint uint8

const (
	LintIgnore Lint = iota
	LintWarn
	LintFatal
)

// ParseLint reads "ignore", "warn" or "fatal".
func ParseLint(s string) (Lint, error) {
	switch s {
	case "ignore":
		return LintIgnore, nil
	case "warn":
		return LintWarn, nil
	case "fatal":
		return LintFatal, nil
	}
	return 0, fmt.Errorf("invalid value '%s', expected one of 'ignore', 'warn', 'fatal'", s)
}

// Options control parsing.
type Options struct {
	BaseDir  string // directory that relative path literals are resolved against
	Home     string // for ~/ paths
	PureEval bool   // ~/ paths are an error in pure evaluation mode
	Pipes    bool   // the pipe-operators experimental feature

	LintURLLiterals          Lint
	LintAbsolutePathLiterals Lint
	LintShortPathLiterals    Lint

	// Warn receives each warning, already laid out as Nix prints it.
	Warn func(text string)
}

// Parse parses the file f (registered in fs) into an unbound expression.
func Parse(fs *FileSet, f *File, opts *Options) (Expr, error) {
	if opts == nil {
		opts = &Options{}
	}
	p := &parser{fs: fs, file: f, opts: opts, lex: newLexer(f, opts.Pipes)}
	if err := p.run(); err != nil {
		return nil, err
	}
	return p.result, nil
}

// sval is a parser stack entry: a location and a semantic value.
type sval struct {
	begin, end int

	text   string
	isStr  bool // string_parts/string_attr that is a plain string in text
	indent bool
	ival   int64
	fval   float64

	e        Expr
	exprs    []Expr
	attrs    *Attrs
	formals  *Formals
	formal   Formal
	path     []AttrName
	inherits []inheritName
	parts    []StrPart
	ind      []indPart

	cursedOr int // for `f or`: end offset of the expression, else 0
}

type inheritName struct {
	sym Symbol
	pos Pos
}

type indPart struct {
	pos    Pos
	text   string
	indent bool
	e      Expr // an interpolation when non-nil
}

// stringy turns string_parts into an expression.
func (v sval) stringy() Expr {
	if v.isStr {
		return &String{V: v.text}
	}
	return v.e
}

// staticName reports the name of a string_attr when it is static (a plain
// string, or an interpolation of a plain string literal).
func (v sval) staticName() (string, bool) {
	if v.isStr {
		return v.text, true
	}
	if s, ok := v.e.(*String); ok {
		return s.V, true
	}
	return "", false
}

func (v sval) attrName() AttrName {
	if s, ok := v.staticName(); ok {
		return AttrName{Sym: Intern(s)}
	}
	return AttrName{Expr: v.e}
}

type parser struct {
	fs     *FileSet
	file   *File
	opts   *Options
	lex    *lexer
	result Expr
}

func (p *parser) pos(v sval) Pos { return p.file.Pos(v.begin) }

func (p *parser) errorAt(off int, format string, args ...any) error {
	return &Error{Pos: p.file.position(off), Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) run() error {
	t := getTables()
	states := []int{0}
	vals := []sval{{}}
	var la token
	haveLA := false
	for {
		s := states[len(states)-1]
		if s == t.Final {
			return nil
		}
		act := 0
		if t.Explicit[s] {
			if !haveLA {
				var err error
				la, err = p.lex.next()
				if err != nil {
					return err
				}
				haveLA = true
			}
			act = int(t.Action[s][la.kind])
		}
		if act == 0 {
			if t.Default[s] == 0 {
				return p.syntaxError(s, la, haveLA)
			}
			act = -int(t.Default[s])
		}
		switch {
		case act == -32768:
			return p.syntaxError(s, la, haveLA)
		case act > 0:
			states = append(states, act-1)
			vals = append(vals, sval{begin: la.begin, end: la.end, text: la.text, indent: la.indent, ival: la.ival, fval: la.fval})
			haveLA = false
		default:
			r := -act
			n := t.rhsLen[r]
			rhs := vals[len(vals)-n:]
			var loc sval
			if n > 0 {
				loc.begin, loc.end = rhs[0].begin, rhs[n-1].end
			} else {
				loc.begin = vals[len(vals)-1].end
				loc.end = loc.begin
			}
			res, err := rules[r].act(p, loc, rhs)
			if err != nil {
				return err
			}
			res.begin, res.end = loc.begin, loc.end
			states = states[:len(states)-n]
			vals = vals[:len(vals)-n]
			next := t.Goto[states[len(states)-1]][t.lhs[r]]
			states = append(states, int(next))
			vals = append(vals, res)
		}
	}
}

// syntaxError words the error as Bison's "detailed" mode does: the
// unexpected token, then up to four expected ones.
func (p *parser) syntaxError(state int, la token, haveLA bool) error {
	t := getTables()
	if !haveLA {
		return p.errorAt(la.begin, "syntax error")
	}
	var expected []string
	for tok, a := range t.Action[state] {
		if a != 0 && a != -32768 && tok != tError {
			expected = append(expected, terminalNames[tok])
		}
	}
	msg := "syntax error, unexpected " + terminalNames[la.kind]
	if len(expected) > 0 && len(expected) <= 4 {
		msg += ", expecting " + strings.Join(expected, " or ")
	}
	off := la.begin
	if la.kind == tEOF {
		off = la.end
	}
	return p.errorAt(off, "%s", msg)
}

func (p *parser) dupAttr(path string, pos, prev Pos) error {
	return &Error{
		Pos: p.fs.Position(pos),
		Msg: fmt.Sprintf("attribute '%s' already defined at %s", path, p.fs.Position(prev)),
	}
}

// validateFormals sorts the formals by name and rejects duplicates, and an
// `@` name that is also a formal.
func (p *parser) validateFormals(f *Formals, loc sval, arg Symbol) error {
	sort.SliceStable(f.Items, func(i, j int) bool {
		a, b := f.Items[i], f.Items[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.P < b.P
	})
	for i := 0; i+1 < len(f.Items); i++ {
		if f.Items[i].Name == f.Items[i+1].Name {
			// The smallest duplicated name, at its second occurrence.
			return &Error{Pos: p.fs.Position(f.Items[i+1].P), Msg: fmt.Sprintf("duplicate formal function argument '%s'", f.Items[i].Name)}
		}
	}
	if arg != NoSymbol && f.Has(arg) {
		return p.errorAt(loc.begin, "duplicate formal function argument '%s'", arg)
	}
	return nil
}

// showPath prints an attribute path as Nix does in messages.
func showPath(path []AttrName) string {
	var b strings.Builder
	for i, n := range path {
		if i > 0 {
			b.WriteByte('.')
		}
		if n.Expr == nil {
			b.WriteString(n.Sym.printIdent())
		} else {
			b.WriteString("\"${")
			printExpr(&b, n.Expr)
			b.WriteString("}\"")
		}
	}
	return b.String()
}

// addAttr adds `a.b.c = e;` to attrs, creating or merging nested sets.
func (p *parser) addAttr(attrs *Attrs, path []AttrName, pathLoc sval, e Expr) error {
	pos := p.pos(pathLoc)
	for i := 0; i+1 < len(path); i++ {
		n := path[i]
		var nested *Attrs
		if n.Expr == nil {
			if d, ok := attrs.Find(n.Sym); ok {
				a, isAttrs := d.E.(*Attrs)
				if !isAttrs {
					return p.dupAttr(showPath(path[:i+1]), pos, d.P)
				}
				nested = a
			} else {
				nested = &Attrs{}
				attrs.add(AttrDef{Name: n.Sym, E: nested, P: pos})
			}
		} else {
			nested = &Attrs{}
			attrs.Dynamic = append(attrs.Dynamic, DynamicAttr{Name: n.Expr, Value: nested, P: pos})
		}
		attrs = nested
	}
	last := path[len(path)-1]
	if last.Expr != nil {
		attrs.Dynamic = append(attrs.Dynamic, DynamicAttr{Name: last.Expr, Value: e, P: pos})
		return nil
	}
	return p.addAttrDef(attrs, append([]AttrName(nil), path...), AttrDef{Name: last.Sym, E: e, P: pos})
}

// addAttrDef adds one definition; two attribute set literals for the same
// name are merged, anything else is a duplicate.
func (p *parser) addAttrDef(attrs *Attrs, path []AttrName, def AttrDef) error {
	old, ok := attrs.Find(def.Name)
	if !ok {
		attrs.add(def)
		setName(def.E, def.Name)
		return nil
	}
	ae, ok1 := def.E.(*Attrs)
	je, ok2 := old.E.(*Attrs)
	if !ok1 || !ok2 {
		return p.dupAttr(showPath(path), def.P, old.P)
	}
	shift := len(je.InheritFrom)
	defs := append([]AttrDef(nil), ae.Attrs...)
	sort.SliceStable(defs, func(i, j int) bool { return defs[i].Name < defs[j].Name })
	for _, d := range defs {
		if d.Kind == AttrInheritedFrom {
			d.E.(*Select).E.(*InheritFrom).Displ += shift
		}
		if err := p.addAttrDef(je, append(path, AttrName{Sym: d.Name}), d); err != nil {
			return err
		}
	}
	ae.Attrs, ae.index = nil, nil
	je.Dynamic = append(je.Dynamic, ae.Dynamic...)
	ae.Dynamic = nil
	je.InheritFrom = append(je.InheritFrom, ae.InheritFrom...)
	ae.InheritFrom = nil
	return nil
}

// setName records the attribute name a function is bound to.
func setName(e Expr, name Symbol) {
	for {
		l, ok := e.(*Lambda)
		if !ok {
			return
		}
		l.Name = name
		e = l.Body
	}
}

func (p *parser) lint(level Lint, loc sval, msg func(fatal bool) string) error {
	return p.lintNamed(level, loc, msg, "")
}

func (p *parser) lintNamed(level Lint, loc sval, msg func(fatal bool) string, setting string) error {
	if level == LintIgnore {
		return nil
	}
	text := msg(level == LintFatal)
	if text == "" {
		return nil
	}
	if setting == "" {
		setting = "lint-url-literals"
	}
	err := &Error{Pos: p.file.position(loc.begin), Msg: fmt.Sprintf("%s (%s)", text, setting)}
	if level == LintFatal {
		return err
	}
	if p.opts.Warn != nil {
		var b strings.Builder
		b.WriteString(err.Msg)
		b.WriteString("\n")
		WriteAt(&b, "", err.Pos)
		p.opts.Warn(IndentMessage("warning: ", b.String()))
	}
	return nil
}

func (p *parser) warnIfCursedOr(v sval) {
	if v.cursedOr == 0 || p.opts.Warn == nil {
		return
	}
	snippet := string(p.file.Src[v.begin:v.cursedOr])
	p.opts.Warn(fmt.Sprintf("warning: at %s: This expression uses `or` as an identifier in a way that will change in a future Nix release.\n"+
		"Wrap this entire expression in parentheses to preserve its current meaning:\n    (%s)\n"+
		"Give feedback at https://github.com/NixOS/nix/pull/11121", p.file.position(v.begin), snippet))
}

// canonPath collapses "//", "." and ".." in an absolute path.
func canonPath(s string) string {
	c := path.Clean("/" + s)
	return c
}

func (p *parser) pathLiteral(loc sval, lit string) (sval, error) {
	var abs string
	if strings.HasPrefix(lit, "/") {
		if err := p.lintNamed(p.opts.LintAbsolutePathLiterals, loc, func(bool) string {
			return fmt.Sprintf("absolute path literals are not portable. Consider replacing path literal '%s' by a string, relative path, or parameter", lit)
		}, "lint-absolute-path-literals"); err != nil {
			return sval{}, err
		}
		abs = canonPath(lit)
	} else {
		if err := p.lintNamed(p.opts.LintShortPathLiterals, loc, func(bool) string {
			if strings.HasPrefix(lit, ".") {
				return ""
			}
			return fmt.Sprintf("relative path literal '%s' should be prefixed with '.' for clarity: './%s'", lit, lit)
		}, "lint-short-path-literals"); err != nil {
			return sval{}, err
		}
		abs = canonPath(p.opts.BaseDir + "/" + lit)
	}
	if len(lit) > 1 && strings.HasSuffix(lit, "/") {
		abs += "/"
	}
	return exprOf(&Path{P: p.pos(loc), V: abs}), nil
}

func (p *parser) homePathLiteral(loc sval, lit string) (sval, error) {
	if p.opts.PureEval {
		return sval{}, fmt.Errorf("the path '%s' can not be resolved in pure mode", lit)
	}
	if err := p.lintNamed(p.opts.LintAbsolutePathLiterals, loc, func(bool) string {
		return fmt.Sprintf("home path literals are not portable. Consider replacing path literal '%s' by a string, relative path, or parameter", lit)
	}, "lint-absolute-path-literals"); err != nil {
		return sval{}, err
	}
	return exprOf(&Path{P: p.pos(loc), V: p.opts.Home + lit[1:]}), nil
}

// stripIndentation implements indented strings: the smallest indentation
// of the non-empty lines is removed from every line, and a final line of
// only spaces is dropped.
func (p *parser) stripIndentation(pos Pos, parts []indPart) Expr {
	if len(parts) == 0 {
		return &String{}
	}
	atStart := true
	minIndent := 1000000
	cur := 0
	for _, part := range parts {
		if part.e != nil || !part.indent {
			if atStart {
				atStart = false
				minIndent = min(minIndent, cur)
			}
			continue
		}
		for j := 0; j < len(part.text); j++ {
			c := part.text[j]
			if atStart {
				switch c {
				case ' ':
					cur++
				case '\n':
					cur = 0
				default:
					atStart = false
					minIndent = min(minIndent, cur)
				}
			} else if c == '\n' {
				atStart, cur = true, 0
			}
		}
	}
	var out []StrPart
	atStart = true
	dropped := 0
	for i, part := range parts {
		if part.e != nil {
			atStart, dropped = false, 0
			out = append(out, StrPart{part.pos, part.e})
			continue
		}
		var b strings.Builder
		for j := 0; j < len(part.text); j++ {
			c := part.text[j]
			if atStart {
				switch c {
				case ' ':
					if dropped >= minIndent {
						b.WriteByte(c)
					}
					dropped++
				case '\n':
					dropped = 0
					b.WriteByte(c)
				default:
					atStart, dropped = false, 0
					b.WriteByte(c)
				}
			} else {
				b.WriteByte(c)
				if c == '\n' {
					atStart = true
				}
			}
		}
		s := b.String()
		if i == len(parts)-1 {
			if k := strings.LastIndexByte(s, '\n'); k >= 0 && strings.Trim(s[k+1:], " ") == "" {
				s = s[:k+1]
			}
		}
		if s != "" {
			out = append(out, StrPart{part.pos, &String{V: s}})
		}
	}
	switch {
	case len(out) == 0:
		return &String{}
	case len(out) == 1:
		if s, ok := out[0].E.(*String); ok {
			return s
		}
	}
	return &ConcatStrings{P: pos, ForceString: true, Parts: out}
}
