package syntax

import (
	"fmt"
	"sort"
)

// Scope is a static scope used to resolve variables. The evaluator builds
// one runtime environment per Scope, with the same slots:
//   - the base scope: the names given to NewBaseScope, in that order;
//   - a function: its plain argument (if any) at slot 0, then the formals
//     in Formals.Items order (sorted by Symbol);
//   - a `let` or `rec { }`: the static attributes in Attrs order (sorted by
//     Symbol, AttrDef.Displ is the slot);
//   - a `with`: no slots, only a marker that lookups fall through to;
//   - inherit-from sources: a scope with no named slots whose values are
//     the Attrs.InheritFrom expressions, reached through InheritFrom nodes;
//     it exists only when the set has `inherit (e)` clauses, its parent is
//     the rec/let scope (or the enclosing scope for a plain set).
type Scope struct {
	up    *Scope
	with  *With
	names map[Symbol]int
}

// NewBaseScope returns the outermost scope holding names (the builtins
// visible without `builtins.`), slot i for names[i].
func NewBaseScope(names []Symbol) *Scope {
	s := &Scope{names: make(map[Symbol]int, len(names))}
	for i, n := range names {
		s.names[n] = i
	}
	return s
}

// Bind resolves every variable in e against scope and finishes the AST
// (sorting attributes and formals). It reports undefined variables.
func Bind(fs *FileSet, e Expr, scope *Scope) error {
	b := binder{fs: fs}
	b.expr(e, scope)
	return b.err
}

type binder struct {
	fs  *FileSet
	err error
}

func (b *binder) fail(p Pos, format string, args ...any) {
	if b.err == nil {
		b.err = &Error{Pos: b.fs.Position(p), Msg: fmt.Sprintf(format, args...)}
	}
}

func (b *binder) expr(e Expr, s *Scope) {
	if b.err != nil {
		return
	}
	switch e := e.(type) {
	case *Int, *Float, *String, *Path, *CurPos, *InheritFrom:
	case *Var:
		b.variable(e, s)
	case *Select:
		b.expr(e.E, s)
		if e.Def != nil {
			b.expr(e.Def, s)
		}
		b.attrPath(e.Path, s)
	case *HasAttr:
		b.expr(e.E, s)
		b.attrPath(e.Path, s)
	case *Attrs:
		b.attrs(e, s)
	case *List:
		for _, x := range e.Elems {
			b.expr(x, s)
		}
	case *Lambda:
		inner := &Scope{up: s, names: map[Symbol]int{}}
		slot := 0
		if e.Arg != NoSymbol {
			inner.names[e.Arg] = slot
			slot++
		}
		if e.Formals != nil {
			for _, f := range e.Formals.Items {
				inner.names[f.Name] = slot
				slot++
			}
			for _, f := range e.Formals.Items {
				if f.Def != nil {
					b.expr(f.Def, inner)
				}
			}
		}
		b.expr(e.Body, inner)
		e.KeepsEnv = lambdaKeepsEnv(e)
		e.ArgKept = e.Formals != nil || e.KeepsEnv || passesOn(e.Body)
	case *Call:
		b.expr(e.Fn, s)
		for _, a := range e.Args {
			b.expr(a, s)
		}
		e.StrictArgs = isStrictBuiltinCall(e, s)
	case *Let:
		finishAttrs(e.Attrs)
		inner := recScope(e.Attrs, s)
		b.bindDefs(e.Attrs, inner, s)
		b.expr(e.Body, inner)
	case *With:
		for up, level := s, 1; up != nil; up, level = up.up, level+1 {
			if up.with != nil {
				e.Parent, e.PrevWith = up.with, level
				break
			}
		}
		b.expr(e.Attrs, s)
		b.expr(e.Body, &Scope{up: s, with: e})
	case *If:
		b.expr(e.Cond, s)
		b.expr(e.Then, s)
		b.expr(e.Else, s)
	case *Assert:
		b.expr(e.Cond, s)
		b.expr(e.Body, s)
	case *Not:
		b.expr(e.E, s)
	case *BinOp:
		b.expr(e.L, s)
		b.expr(e.R, s)
	case *ConcatStrings:
		for _, p := range e.Parts {
			b.expr(p.E, s)
		}
	default:
		panic(fmt.Sprintf("syntax.Bind: unknown node %T", e))
	}
}

func (b *binder) variable(v *Var, s *Scope) {
	v.FromWith = nil
	withLevel := -1
	var with *With
	level := 0
	for cur := s; cur != nil; cur, level = cur.up, level+1 {
		if cur.with != nil {
			if withLevel < 0 {
				withLevel, with = level, cur.with
			}
			continue
		}
		if d, ok := cur.names[v.Name]; ok {
			v.Level, v.Displ = level, d
			return
		}
	}
	if withLevel < 0 {
		b.fail(v.P, "undefined variable '%s'", v.Name)
		return
	}
	v.Level, v.FromWith = withLevel, with
}

func (b *binder) attrPath(path []AttrName, s *Scope) {
	for _, n := range path {
		if n.Expr != nil {
			b.expr(n.Expr, s)
		}
	}
}

// finishAttrs sorts the static attributes by Symbol and numbers their slots.
func finishAttrs(a *Attrs) {
	if a.index == nil && sort.SliceIsSorted(a.Attrs, func(i, j int) bool { return a.Attrs[i].Name < a.Attrs[j].Name }) {
		for i := range a.Attrs {
			a.Attrs[i].Displ = i
		}
		return
	}
	a.index = nil
	sort.Slice(a.Attrs, func(i, j int) bool { return a.Attrs[i].Name < a.Attrs[j].Name })
	for i := range a.Attrs {
		a.Attrs[i].Displ = i
	}
}

func recScope(a *Attrs, up *Scope) *Scope {
	inner := &Scope{up: up, names: make(map[Symbol]int, len(a.Attrs))}
	for _, d := range a.Attrs {
		inner.names[d.Name] = d.Displ
	}
	return inner
}

func (b *binder) attrs(a *Attrs, s *Scope) {
	finishAttrs(a)
	if a.Rec {
		inner := recScope(a, s)
		b.bindDefs(a, inner, s)
		for _, d := range a.Dynamic {
			b.expr(d.Name, inner)
			b.expr(d.Value, inner)
		}
		return
	}
	b.bindDefs(a, s, s)
	for _, d := range a.Dynamic {
		b.expr(d.Name, s)
		b.expr(d.Value, s)
	}
}

// bindDefs binds the static attributes: plain ones in own (the rec/let
// scope, or the enclosing one), inherited ones in outer, inherited-from
// ones in the inherit-source scope whose sources are bound in own.
func (b *binder) bindDefs(a *Attrs, own, outer *Scope) {
	var from *Scope
	if len(a.InheritFrom) > 0 {
		from = &Scope{up: own}
		for _, x := range a.InheritFrom {
			b.expr(x, own)
		}
	}
	for _, d := range a.Attrs {
		switch d.Kind {
		case AttrPlain:
			b.expr(d.E, own)
		case AttrInherited:
			b.expr(d.E, outer)
		case AttrInheritedFrom:
			b.expr(d.E, from)
		}
	}
}

// NewScope returns a scope below up with names at slots 0..n-1, as
// builtins.scopedImport makes from its attribute set.
func NewScope(up *Scope, names []Symbol) *Scope {
	s := &Scope{up: up, names: make(map[Symbol]int, len(names))}
	for i, n := range names {
		s.names[n] = i
	}
	return s
}
