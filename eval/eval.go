package eval

import (
	"strings"
	"unsafe"

	"github.com/cairn-nix/cairn/syntax"
)

// Force evaluates v to weak head normal form: a thunk is evaluated (once)
// and replaced by its value. pos is used for errors.
func (ev *Evaluator) Force(v Value, pos syntax.Pos) (Value, error) {
	t, ok := v.(*Thunk)
	if !ok {
		return v, nil
	}
	return ev.forceThunk(t, pos)
}

func (ev *Evaluator) forceThunk(t *Thunk, pos syntax.Pos) (Value, error) {
	var v Value
	var err error
	switch t.state() {
	case thunkDone:
		return t.val(), nil
	case thunkEager:
		t.setState(thunkDone)
		ev.Stats.ThunksForced++
		return t.val(), nil
	case thunkBlackhole:
		return nil, ev.Errorf(InfiniteRecursionErr, pos, "infinite recursion encountered")
	case thunkFailed:
		// A fresh copy each time, so frames added now do not leak into
		// later failures (Nix 2.34's memoised errors).
		return nil, t.val().(*failure).err.clone()
	case thunkPending:
		if err := ev.step(pos); err != nil {
			return nil, err
		}
		e, env := t.expr(), t.env()
		t.setState(thunkBlackhole)
		ev.Stats.ThunksForced++
		v, err = ev.eval(e, env)
	case thunkApp1:
		fn, arg := t.val(), *(*Value)(t.ptr())
		t.setState(thunkBlackhole)
		ev.Stats.ThunksForced++
		v, err = ev.callFunction1(fn, arg, pos)
	case thunkAppAttr:
		fn, attr := t.val(), (*Attr)(t.ptr())
		t.setState(thunkBlackhole)
		ev.Stats.ThunksForced++
		args := ev.argBuf(2)
		args[0], args[1] = ev.symString(attr.Name), attr.Value
		v, err = ev.CallFunction(fn, args, pos)
		ev.releaseArgs(args)
	case thunkApp2, thunkAppN:
		// Nix calls a suspended application at the position it is
		// forced from.
		at := pos
		if tp := t.pos(); !pos.IsValid() && tp.IsValid() {
			at = tp
		}
		fn, args := t.val(), ev.appArgs(t)
		t.setState(thunkBlackhole)
		ev.Stats.ThunksForced++
		v, err = ev.CallFunction(fn, args, at)
	case thunkPoisoned:
		panic("eval: a released environment was used (syntax.Lambda.KeepsEnv is wrong)")
	}
	if err != nil {
		// The error object itself is kept: frames added while it first
		// propagates show up when the thunk is forced again, as in Nix.
		e := asError(ev, err)
		t.setVal(&failure{e})
		t.setState(thunkFailed)
		return nil, e
	}
	t.setVal(v)
	t.setState(thunkDone)
	return v, nil
}

// asError converts any error into an *Error.
func asError(ev *Evaluator, err error) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	if se, ok := err.(*syntax.Error); ok {
		return &Error{Kind: ParseErr, Msg: se.Msg, Pos: se.Pos.Pos(), fs: ev.fs}
	}
	return &Error{Kind: EvalErr, Msg: err.Error(), fs: ev.fs}
}

// thunk returns a value for e in env without evaluating it: constants and
// variables directly, anything else suspended.
func (ev *Evaluator) thunk(e syntax.Expr, env *Env) Value {
	switch e := e.(type) {
	case *syntax.Int:
		return mkInt(e.V)
	case *syntax.Float:
		return Float(e.V)
	case *syntax.String:
		return ev.literal(e)
	case *syntax.Path:
		return Path(e.V)
	case *syntax.Var:
		if e.FromWith == nil {
			up := env
			for l := e.Level; l > 0; l-- {
				up = up.Up
			}
			// A rec/let slot not filled yet needs a thunk of its own.
			if v := up.Get(e.Displ); v != nil {
				return v
			}
		}
	case *syntax.List:
		if len(e.Elems) == 0 {
			return emptyList
		}
	case *syntax.Call:
		if e.StrictArgs {
			if v, ok := ev.cheapStrictCall(e, env); ok {
				// Still a thunk, but not over env: printing an unforced
				// value must show it as Nix does.
				t := ev.newThunk()
				t.setVal(v)
				t.setState(thunkEager)
				return t
			}
			// syntax.Lambda.KeepsEnv counted on computing it.
			ev.envsKept++
		}
	}
	// A function is suspended too, as in Nix: printing without --strict
	// shows it as not yet evaluated.
	ev.Stats.Thunks++
	t := ev.newThunk()
	t.p = unsafe.Pointer(env)
	*(*syntax.Expr)(unsafe.Pointer(&t.w)) = e
	return t
}

// eval evaluates e in env to weak head normal form.
func (ev *Evaluator) eval(e syntax.Expr, env *Env) (Value, error) {
	switch e := e.(type) {
	case *syntax.Int:
		return mkInt(e.V), nil
	case *syntax.Float:
		return Float(e.V), nil
	case *syntax.String:
		return ev.literal(e), nil
	case *syntax.Path:
		return Path(e.V), nil
	case *syntax.Var:
		return ev.evalVar(e, env)
	case *syntax.Select:
		return ev.evalSelect(e, env)
	case *syntax.HasAttr:
		return ev.evalHasAttr(e, env)
	case *syntax.Attrs:
		return ev.evalAttrs(e, env)
	case *syntax.List:
		if len(e.Elems) == 0 {
			return emptyList, nil
		}
		l := newSmallList(len(e.Elems))
		for i, x := range e.Elems {
			l.Elems[i] = ev.thunk(x, env)
		}
		ev.Stats.Lists++
		return l, nil
	case *syntax.Lambda:
		return &Closure{Fn: e, Env: env}, nil
	case *syntax.Call:
		fn, err := ev.eval(e.Fn, env)
		if err != nil {
			return nil, err
		}
		return ev.evalCall(e, fn, env)
	case *syntax.Let:
		env2 := ev.letEnv(e.Attrs, env)
		return ev.eval(e.Body, env2)
	case *syntax.With:
		env2 := newEnv(env, 1)
		env2.Set(0, ev.thunk(e.Attrs, env))
		return ev.eval(e.Body, env2)
	case *syntax.If:
		c, err := ev.evalBool(e.Cond, env, e.P, "while evaluating a branch condition")
		if err != nil {
			return nil, err
		}
		if c {
			return ev.eval(e.Then, env)
		}
		return ev.eval(e.Else, env)
	case *syntax.Assert:
		return ev.evalAssert(e, env)
	case *syntax.Not:
		b, err := ev.evalBool(e.E, env, exprPos(e), "in the argument of the not operator")
		if err != nil {
			return nil, err
		}
		return Bool(!b), nil
	case *syntax.BinOp:
		return ev.evalBinOp(e, env)
	case *syntax.ConcatStrings:
		return ev.evalConcatStrings(e, env)
	case *syntax.CurPos:
		return ev.posValue(e.P), nil
	case *syntax.InheritFrom:
		return ev.Force(env.Get(e.Displ), e.P)
	}
	panic("eval: unknown expression node")
}

func (ev *Evaluator) lookupVar(v *syntax.Var, env *Env) (Value, error) {
	for l := v.Level; l > 0; l-- {
		env = env.Up
	}
	if v.FromWith == nil {
		return env.Get(v.Displ), nil
	}
	w := v.FromWith
	for {
		av, err := ev.forceAttrs(env.Get(0), w.P, "while evaluating the first subexpression of a with expression")
		if err != nil {
			return nil, err
		}
		if at, ok := av.Get(v.Name); ok {
			return at.Value, nil
		}
		if w.Parent == nil {
			return nil, ev.Errorf(UndefinedVarErr, v.P, "undefined variable '%s'", v.Name)
		}
		for l := w.PrevWith; l > 0; l-- {
			env = env.Up
		}
		w = w.Parent
	}
}

func (ev *Evaluator) evalVar(v *syntax.Var, env *Env) (Value, error) {
	x, err := ev.lookupVar(v, env)
	if err != nil {
		return nil, err
	}
	if t, ok := x.(*Thunk); ok {
		return ev.forceThunk(t, v.P)
	}
	return x, nil
}

// attrName evaluates one element of an attribute path.
func (ev *Evaluator) attrName(n syntax.AttrName, env *Env) (syntax.Symbol, error) {
	if n.Expr == nil {
		return n.Sym, nil
	}
	v, err := ev.eval(n.Expr, env)
	if err != nil {
		return 0, err
	}
	s, err := ev.forceStringNoCtxValue(v, n.Expr.Pos(), "while evaluating an attribute name")
	if err != nil {
		return 0, err
	}
	return s.symbol(), nil
}

// showAttrPath prints a selection path, evaluating dynamic names where it can.
func (ev *Evaluator) showAttrPath(path []syntax.AttrName, env *Env) string {
	var b strings.Builder
	for i, n := range path {
		if i > 0 {
			b.WriteByte('.')
		}
		if sym, err := ev.attrName(n, env); err == nil {
			b.WriteString(syntax.PrintIdentifier(sym.String()))
		} else {
			b.WriteString("\"${" + syntax.Show(n.Expr) + "}\"")
		}
	}
	return b.String()
}

func (ev *Evaluator) evalSelect(e *syntax.Select, env *Env) (Value, error) {
	v, err := ev.eval(e.E, env)
	if err != nil {
		return nil, err
	}
	var pos2 syntax.Pos
	fail := func(err error) (Value, error) {
		// Nix leaves out selections made by its derivation wrapper.
		if pos2.IsValid() && !ev.inDerivationInternal(pos2) {
			asError(ev, err).AddTracef(pos2, "while evaluating the attribute '%s'", ev.showAttrPath(e.Path, env))
		}
		return nil, err
	}
	for _, n := range e.Path {
		name, err := ev.attrName(n, env)
		if err != nil {
			return fail(err)
		}
		var attrs *Attrs
		if e.Def != nil {
			fv, err := ev.Force(v, e.P)
			if err != nil {
				return fail(err)
			}
			a, ok := fv.(*Attrs)
			if !ok {
				return ev.eval(e.Def, env)
			}
			attrs = a
			if _, ok := attrs.Get(name); !ok {
				return ev.eval(e.Def, env)
			}
		} else {
			attrs, err = ev.forceAttrs(v, e.P, "while selecting an attribute")
			if err != nil {
				return fail(err)
			}
		}
		at, ok := attrs.Get(name)
		if !ok {
			err := ev.Errorf(EvalErr, e.P, "attribute '%s' missing", name)
			err.Suggestions = suggestions(attrs.Names(), name.String())
			return fail(err)
		}
		v, pos2 = at.Value, at.Pos
	}
	fpos := pos2
	if !fpos.IsValid() {
		fpos = e.P
	}
	r, err := ev.Force(v, fpos)
	if err != nil {
		return fail(err)
	}
	return r, nil
}

func (ev *Evaluator) evalHasAttr(e *syntax.HasAttr, env *Env) (Value, error) {
	v, err := ev.eval(e.E, env)
	if err != nil {
		return nil, err
	}
	for _, n := range e.Path {
		fv, err := ev.Force(v, exprPos(e))
		if err != nil {
			return nil, err
		}
		name, err := ev.attrName(n, env)
		if err != nil {
			return nil, err
		}
		a, ok := fv.(*Attrs)
		if !ok {
			return Bool(false), nil
		}
		at, ok := a.Get(name)
		if !ok {
			return Bool(false), nil
		}
		v = at.Value
	}
	return Bool(true), nil
}

func (ev *Evaluator) inheritFromEnv(a *syntax.Attrs, up *Env) *Env {
	if len(a.InheritFrom) == 0 {
		return nil
	}
	vals := make([]Value, len(a.InheritFrom))
	for i, x := range a.InheritFrom {
		vals[i] = ev.thunk(x, up)
	}
	return envOf(up, vals)
}

func chooseEnv(kind syntax.AttrKind, own, outer, from *Env) *Env {
	switch kind {
	case syntax.AttrInherited:
		return outer
	case syntax.AttrInheritedFrom:
		return from
	}
	return own
}

func (ev *Evaluator) letEnv(a *syntax.Attrs, env *Env) *Env {
	env2 := newEnv(env, len(a.Attrs))
	from := ev.inheritFromEnv(a, env2)
	for i, d := range a.Attrs {
		env2.Set(i, ev.thunk(d.E, chooseEnv(d.Kind, env2, env, from)))
	}
	return env2
}

var symOverrides = syntax.Intern("__overrides")

func (ev *Evaluator) evalAttrs(e *syntax.Attrs, env *Env) (Value, error) {
	ev.Stats.Attrsets++
	if !e.Rec && len(e.Dynamic) == 0 && len(e.Attrs) > 0 {
		// The common case: a plain set with static names, allocated with
		// its list.
		from := ev.inheritFromEnv(e, env)
		a := newSmallAttrs(len(e.Attrs), e.P)
		list := a.own()
		for i, d := range e.Attrs {
			list[i] = Attr{Name: d.Name, Value: ev.thunk(d.E, chooseEnv(d.Kind, env, env, from)), Pos: d.P}
		}
		return a, nil
	}
	list := make([]Attr, len(e.Attrs), len(e.Attrs)+len(e.Dynamic))
	dynEnv := env
	sorted := true
	if e.Rec {
		env2 := newEnv(env, len(e.Attrs))
		dynEnv = env2
		from := ev.inheritFromEnv(e, env2)
		_, hasOverrides := e.Find(symOverrides)
		for i, d := range e.Attrs {
			denv := chooseEnv(d.Kind, env2, env, from)
			var v Value
			if hasOverrides && d.Kind != syntax.AttrInherited {
				v = NewThunk(d.E, denv)
			} else {
				v = ev.thunk(d.E, denv)
			}
			env2.Set(i, v)
			list[i] = Attr{Name: d.Name, Value: v, Pos: d.P}
		}
		if od, ok := e.Find(symOverrides); ok {
			ov := list[od.Displ].Value
			oa, err := ev.forceAttrs(ov, syntax.NoPos, "while evaluating the `__overrides` attribute")
			if err != nil {
				return nil, err
			}
			for _, at := range oa.All() {
				if d, ok := e.Find(at.Name); ok {
					list[d.Displ] = at
					env2.Set(d.Displ, at.Value)
				} else {
					list = append(list, at)
					sorted = false
				}
			}
		}
	} else {
		from := ev.inheritFromEnv(e, env)
		for i, d := range e.Attrs {
			list[i] = Attr{Name: d.Name, Value: ev.thunk(d.E, chooseEnv(d.Kind, env, env, from)), Pos: d.P}
		}
	}
	if !sorted {
		list = NewAttrs(list).All()
	}
	for _, d := range e.Dynamic {
		nv, err := ev.eval(d.Name, dynEnv)
		if err != nil {
			return nil, err
		}
		if _, ok := nv.(Null); ok {
			continue
		}
		name, err := ev.forceStringNoCtx(nv, d.P, "while evaluating the name of a dynamic attribute")
		if err != nil {
			return nil, err
		}
		sym := syntax.Intern(name)
		tmp := attrsOf(list, 0)
		if old, ok := tmp.Get(sym); ok {
			return nil, ev.Errorf(EvalErr, d.P, "dynamic attribute '%s' already defined at %s", name, ev.fs.Position(old.Pos))
		}
		list = insertAttr(list, Attr{Name: sym, Value: ev.thunk(d.Value, dynEnv), Pos: d.P})
	}
	if len(list) == 0 {
		return &Attrs{Pos: e.P}, nil
	}
	return attrsOf(list, e.P), nil
}

// insertAttr inserts at into a sorted list.
func insertAttr(list []Attr, at Attr) []Attr {
	i := len(list)
	for i > 0 && list[i-1].Name > at.Name {
		i--
	}
	list = append(list, Attr{})
	copy(list[i+1:], list[i:])
	list[i] = at
	return list
}

func (ev *Evaluator) evalBool(e syntax.Expr, env *Env, pos syntax.Pos, ctx string) (bool, error) {
	v, err := ev.eval(e, env)
	if err != nil {
		return false, asError(ev, err).AddTrace(pos, ctx)
	}
	b, ok := v.(Bool)
	if !ok {
		return false, ev.Errorf(TypeErr, pos, "expected a Boolean but found %s: %s", ShowType(v), ev.errorValue(v)).AddTrace(pos, ctx)
	}
	return bool(b), nil
}

func (ev *Evaluator) evalAssert(e *syntax.Assert, env *Env) (Value, error) {
	ok, err := ev.evalBool(e.Cond, env, e.P, "in the condition of the assert statement")
	if err != nil {
		return nil, err
	}
	if ok {
		return ev.eval(e.Body, env)
	}
	exprStr := syntax.Show(e.Cond)
	if eq, isEq := e.Cond.(*syntax.BinOp); isEq && eq.Op == syntax.OpEq {
		v1, err := ev.eval(eq.L, env)
		if err == nil {
			var v2 Value
			v2, err = ev.eval(eq.R, env)
			if err == nil {
				err = ev.assertEqValues(v1, v2, eq.P, "in an equality assertion")
			}
		}
		if err != nil {
			if ae := asError(ev, err); ae.Kind == AssertionErr {
				return nil, ae.AddTracef(e.P, "while evaluating the condition of the assertion '%s'", exprStr)
			}
			return nil, err
		}
	}
	return nil, ev.Errorf(AssertionErr, e.P, "assertion '%s' failed", exprStr)
}

func (ev *Evaluator) evalBinOp(e *syntax.BinOp, env *Env) (Value, error) {
	switch e.Op {
	case syntax.OpEq, syntax.OpNEq:
		v1, err := ev.eval(e.L, env)
		if err != nil {
			return nil, err
		}
		v2, err := ev.eval(e.R, env)
		if err != nil {
			return nil, err
		}
		ctx := "while testing two values for equality"
		if e.Op == syntax.OpNEq {
			ctx = "while testing two values for inequality"
		}
		eq, err := ev.EqValues(v1, v2, e.P, ctx)
		if err != nil {
			return nil, err
		}
		return Bool(eq == (e.Op == syntax.OpEq)), nil
	case syntax.OpAnd:
		l, err := ev.evalBool(e.L, env, e.P, "in the left operand of the AND (&&) operator")
		if err != nil || !l {
			return Bool(false), err
		}
		r, err := ev.evalBool(e.R, env, e.P, "in the right operand of the AND (&&) operator")
		return Bool(r), err
	case syntax.OpOr:
		l, err := ev.evalBool(e.L, env, e.P, "in the left operand of the OR (||) operator")
		if err != nil || l {
			return Bool(true), err
		}
		r, err := ev.evalBool(e.R, env, e.P, "in the right operand of the OR (||) operator")
		return Bool(r), err
	case syntax.OpImpl:
		l, err := ev.evalBool(e.L, env, e.P, "in the left operand of the IMPL (->) operator")
		if err != nil || !l {
			return Bool(true), err
		}
		r, err := ev.evalBool(e.R, env, e.P, "in the right operand of the IMPL (->) operator")
		return Bool(r), err
	case syntax.OpUpdate:
		// Collect the operands of a chain of // right to left, as Nix does.
		if !isUpdate(e.L) && !isUpdate(e.R) {
			// a // b, the common case: no queue.
			b, err := ev.updateOperand(e.R, env, "in the right operand of the update (//) operator")
			if err != nil {
				return nil, err
			}
			a, err := ev.updateOperand(e.L, env, "in the left operand of the update (//) operator")
			if err != nil {
				return nil, err
			}
			return Update(a, b), nil
		}
		var q []*Attrs
		if err := ev.evalForUpdate(e, env, &q, ""); err != nil {
			return nil, err
		}
		res := emptyAttrs
		for i := len(q) - 1; i >= 0; i-- {
			res = Update(res, q[i])
		}
		return res, nil
	case syntax.OpConcatLists:
		v1, err := ev.eval(e.L, env)
		if err != nil {
			return nil, err
		}
		v2, err := ev.eval(e.R, env)
		if err != nil {
			return nil, err
		}
		return ev.ConcatLists([]Value{v1, v2}, e.P, "while evaluating one of the elements to concatenate")
	}
	panic("eval: unknown operator")
}

func (ev *Evaluator) evalForUpdate(e syntax.Expr, env *Env, q *[]*Attrs, ctx string) error {
	if u, ok := e.(*syntax.BinOp); ok && u.Op == syntax.OpUpdate {
		if err := ev.evalForUpdate(u.R, env, q, "in the right operand of the update (//) operator"); err != nil {
			return err
		}
		return ev.evalForUpdate(u.L, env, q, "in the left operand of the update (//) operator")
	}
	a, err := ev.updateOperand(e, env, ctx)
	if err != nil {
		return err
	}
	*q = append(*q, a)
	return nil
}

func isUpdate(e syntax.Expr) bool {
	u, ok := e.(*syntax.BinOp)
	return ok && u.Op == syntax.OpUpdate
}

// updateOperand evaluates one operand of a chain of //.
func (ev *Evaluator) updateOperand(e syntax.Expr, env *Env, ctx string) (*Attrs, error) {
	v, err := ev.eval(e, env)
	if err != nil {
		return nil, asError(ev, err).AddTrace(exprPos(e), ctx)
	}
	a, ok := v.(*Attrs)
	if !ok {
		return nil, ev.Errorf(TypeErr, syntax.NoPos, "expected a set but found %s: %s", ShowType(v), ev.errorValue(v)).AddTrace(exprPos(e), ctx)
	}
	return a, nil
}

// ConcatLists concatenates lists, forcing each.
func (ev *Evaluator) ConcatLists(lists []Value, pos syntax.Pos, ctx string) (Value, error) {
	n := 0
	var nonEmpty *List
	forced := make([]*List, len(lists))
	for i, l := range lists {
		fl, err := ev.forceList(l, pos, ctx)
		if err != nil {
			return nil, err
		}
		forced[i] = fl
		n += len(fl.Elems)
		if len(fl.Elems) > 0 {
			nonEmpty = fl
		}
	}
	if nonEmpty != nil && n == len(nonEmpty.Elems) {
		return nonEmpty, nil
	}
	if n == 0 {
		return emptyList, nil
	}
	out := make([]Value, 0, n)
	for _, l := range forced {
		out = append(out, l.Elems...)
	}
	ev.Stats.Lists++
	return &List{Elems: out}, nil
}

func (ev *Evaluator) evalConcatStrings(e *syntax.ConcatStrings, env *Env) (Value, error) {
	var ctx ContextBuilder
	// The pieces of a string or path are joined once at the end, in one
	// allocation of the right size.
	var piecesBuf [8]string
	pieces := piecesBuf[:0]
	size := 0
	var n int64
	var nf float64
	first := !e.ForceString
	firstType := TString
	for _, part := range e.Parts {
		var v Value
		if lit, ok := part.E.(*syntax.String); ok && (first || firstType == TString || firstType == TPath) {
			if first {
				firstType = TString
			}
			pieces = append(pieces, lit.V)
			size += len(lit.V)
			first = false
			continue
		}
		if s, c, ok, err := ev.inlineToString(part.E, env); err != nil {
			return nil, err
		} else if ok {
			if first {
				firstType = TString
			}
			if firstType == TString || firstType == TPath {
				pieces = append(pieces, s)
				size += len(s)
				ctx.Add(c)
				first = false
				continue
			}
			v = StrCtx(s, c) // added to a number: an error below
		} else if v, err = ev.eval(part.E, env); err != nil {
			return nil, err
		}
		if first {
			firstType = v.Type()
		}
		switch firstType {
		case TInt:
			switch x := v.(type) {
			case Int:
				s, overflow := addOverflows(n, int64(x))
				if overflow {
					return nil, ev.Errorf(EvalErr, part.P, "integer overflow in adding %d + %d", n, int64(x))
				}
				n = s
			case Float:
				firstType = TFloat
				nf = float64(n) + float64(x)
			default:
				return nil, ev.Errorf(EvalErr, part.P, "cannot add %s to an integer", ShowType(v))
			}
		case TFloat:
			switch x := v.(type) {
			case Int:
				nf += float64(x)
			case Float:
				nf += float64(x)
			default:
				return nil, ev.Errorf(EvalErr, part.P, "cannot add %s to a float", ShowType(v))
			}
		default:
			s, c, err := ev.coerceToString(part.P, v, "while evaluating a path segment", false, firstType == TString, !first)
			if err != nil {
				return nil, err
			}
			pieces = append(pieces, s)
			size += len(s)
			ctx.Add(c)
		}
		first = false
	}
	switch firstType {
	case TInt:
		return mkInt(n), nil
	case TFloat:
		return Float(nf), nil
	}
	joined := ""
	if len(pieces) == 1 {
		joined = pieces[0]
	} else if size > 0 {
		b := make([]byte, 0, size)
		for _, p := range pieces {
			b = append(b, p...)
		}
		joined = unsafe.String(unsafe.SliceData(b), len(b))
	}
	if firstType == TPath {
		if len(ctx.Context()) > 0 {
			return nil, ev.Errorf(EvalErr, e.P, "a string that refers to a store path cannot be appended to a path")
		}
		return Path(canonPath(joined)), nil
	}
	return StrCtx(joined, ctx.Context()), nil
}

func addOverflows(a, b int64) (int64, bool) {
	s := a + b
	return s, (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0)
}

var (
	symFile   = syntax.Intern("file")
	symLine   = syntax.Intern("line")
	symColumn = syntax.Intern("column")
)

// posValue is __curPos and unsafeGetAttrPos's result.
func (ev *Evaluator) posValue(p syntax.Pos) Value {
	pos := ev.fs.Position(p)
	if pos.File == nil || pos.File.Kind != syntax.OriginPath {
		return Null{}
	}
	return NewAttrs([]Attr{
		{Name: symFile, Value: Str(pos.File.Name)},
		{Name: symLine, Value: Int(pos.Line)},
		{Name: symColumn, Value: Int(pos.Column)},
	})
}

// canonPath collapses "//", "." and ".." as Nix's CanonPath does.
func canonPath(p string) string {
	if p == "" {
		return "/"
	}
	parts := strings.Split(p, "/")
	out := make([]string, 0, len(parts))
	for _, s := range parts {
		switch s {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
		}
	}
	return "/" + strings.Join(out, "/")
}

// determinePos is Nix's Value::determinePos: the position a value
// carries (a set's, a lambda's, or for a suspended application its
// function's), else fallback.
func determinePos(v Value, fallback syntax.Pos) syntax.Pos {
	switch x := v.(type) {
	case *Attrs:
		return x.Pos
	case *Closure:
		return x.Fn.P
	case *Thunk:
		switch {
		case x.state() == thunkDone, x.isApp():
			return determinePos(x.val(), fallback)
		}
	}
	return fallback
}

// exprPos is the position Nix's Expr::getPos gives a node, used in some
// trace frames: some nodes borrow their operand's position.
func exprPos(e syntax.Expr) syntax.Pos {
	switch e := e.(type) {
	case *syntax.Not:
		return exprPos(e.E)
	case *syntax.HasAttr:
		return exprPos(e.E)
	case *syntax.List:
		if len(e.Elems) == 0 {
			return syntax.NoPos
		}
		return exprPos(e.Elems[0])
	case *syntax.Let:
		return syntax.NoPos
	}
	return e.Pos()
}

// evalCall applies fn to the arguments of e. Calls of Nix functions take
// their arguments one at a time without building an argument slice, and a
// builtin given exactly its arity is called directly; anything else goes
// through CallFunction.
func (ev *Evaluator) evalCall(e *syntax.Call, fn Value, env *Env) (Value, error) {
	if ev.callDepth > ev.Settings.MaxCallDepth {
		return nil, ev.Errorf(StackOverflowErr, e.P, "stack overflow; max-call-depth exceeded")
	}
	if err := ev.step(e.P); err != nil {
		return nil, err
	}
	ev.callDepth++
	v, err := ev.applyArgs(e, fn, env)
	ev.callDepth--
	return v, err
}

// applyArgs is evalCall's work, with the call depth already counted.
func (ev *Evaluator) applyArgs(e *syntax.Call, fn Value, env *Env) (Value, error) {
	if op, ok := fn.(*PrimOp); ok && op.Arity == len(e.Args) {
		if e.StrictArgs {
			return ev.callStrictArgs(op, e, env)
		}
		args := ev.argBuf(len(e.Args))
		for i, a := range e.Args {
			args[i] = ev.thunk(a, env)
		}
		v, err := ev.callPrimOp(op, args, e.P)
		ev.releaseArgs(args)
		return v, err
	}
	if e.StrictArgs {
		// Bind expected a builtin that takes its arguments evaluated, and
		// so that they are not suspended over env: keep env from reuse.
		ev.envsKept++
	}
	if c, ok := fn.(*Closure); ok && len(e.Args) == 1 {
		return ev.applyClosure1(e, c.Fn, c.Env, env)
	}
	cur := fn
	// A curried function given several arguments (a: b: ...) is entered
	// without building the intermediate closures: lam/lenv stand for the
	// function the previous argument returned.
	var lam *syntax.Lambda
	var lenv *Env
	var chain callChain
	for i, a := range e.Args {
		var l *syntax.Lambda
		var cenv *Env
		if lam != nil {
			l, cenv, lam = lam, lenv, nil
		} else if c, ok := cur.(*Closure); ok {
			l, cenv = c.Fn, c.Env
		} else {
			rest := make([]Value, len(e.Args)-i)
			for j, a := range e.Args[i:] {
				rest[j] = ev.thunk(a, env)
			}
			return ev.callFunction(cur, rest, e.P)
		}
		ev.Stats.Calls++
		var arg Value
		var err error
		if x, ok := a.(*syntax.Attrs); ok && l.Formals != nil && !x.Rec && len(x.Dynamic) == 0 {
			// A function with formals evaluates its argument at once,
			// and a plain set written out cannot fail: no thunk needed.
			if arg, err = ev.evalAttrs(x, env); err != nil {
				return nil, err
			}
		} else {
			arg = ev.thunk(a, env)
		}
		callEnv, err := ev.bindLambda(l, cenv, arg, e.P)
		if err != nil {
			return nil, err
		}
		if inner, ok := l.Body.(*syntax.Lambda); ok && i+1 < len(e.Args) {
			chain.enter(ev, l, callEnv)
			lam, lenv = inner, callEnv
			continue
		}
		kept := ev.envsKept
		v, err := ev.evalLambdaBody(l, callEnv, e.P)
		chain.done(ev, l, callEnv, kept)
		if err == nil && !l.ArgKept && kept == ev.envsKept && madeFor(a) {
			// The argument was suspended for this call alone and the
			// call could not keep it.
			if t, ok := arg.(*Thunk); ok {
				ev.releaseThunk(t)
			}
		}
		if err != nil {
			return nil, err
		}
		cur = v
		if i+1 < len(e.Args) {
			if cur, err = ev.Force(cur, e.P); err != nil {
				return nil, err
			}
		}
	}
	return cur, nil
}

// callStrictArgs calls a builtin that forces both its arguments first
// (syntax.Call.StrictArgs), evaluating the arguments in order instead of
// suspending them: the same work in the same order, without the thunks.
// A variable is forced as the builtin would force it, so errors
// (infinite recursion included) read the same.
func (ev *Evaluator) callStrictArgs(op *PrimOp, e *syntax.Call, env *Env) (Value, error) {
	var ab [2]Value
	for i, a := range e.Args {
		var v Value
		var err error
		if x, ok := a.(*syntax.Var); ok && x.FromWith == nil {
			v, err = ev.Force(ev.thunk(a, env), syntax.NoPos)
		} else if err = ev.step(syntax.NoPos); err == nil {
			v, err = ev.eval(a, env)
		}
		if err != nil {
			if !op.NoTrace {
				asError(ev, err).AddTracef(e.P, "while calling the '%s' builtin", op.Name)
			}
			return nil, err
		}
		ab[i] = v
	}
	if op.intFast != nil {
		if x, ok := ab[0].(Int); ok {
			if y, ok := ab[1].(Int); ok {
				if v, ok := op.intFast(int64(x), int64(y)); ok {
					ev.Stats.PrimOpCalls++
					return v, nil
				}
			}
		}
	}
	args := ev.argBuf(2)
	args[0], args[1] = ab[0], ab[1]
	v, err := ev.callPrimOp(op, args, e.P)
	ev.releaseArgs(args)
	return v, err
}

// cheapStrictCall gives the value of e, a StrictArgs call, when it can be
// computed at once without any possible error: integer arithmetic on
// operands already evaluated. Suspending it would cost a thunk and could
// not be told apart.
func (ev *Evaluator) cheapStrictCall(e *syntax.Call, env *Env) (Value, bool) {
	x, ok := evaluatedInt(e.Args[0], env)
	if !ok {
		return nil, false
	}
	y, ok := evaluatedInt(e.Args[1], env)
	if !ok {
		return nil, false
	}
	fn, ok := evaluatedVar(e.Fn.(*syntax.Var), env)
	if !ok {
		return nil, false
	}
	op, ok := fn.(*PrimOp)
	if !ok || op.intFast == nil {
		return nil, false
	}
	v, ok := op.intFast(x, y)
	if ok {
		ev.Stats.PrimOpCalls++
	}
	return v, ok
}

// evaluatedInt is the value of e if it is an integer literal or a
// variable holding an evaluated integer.
func evaluatedInt(e syntax.Expr, env *Env) (int64, bool) {
	switch e := e.(type) {
	case *syntax.Int:
		return e.V, true
	case *syntax.Var:
		if e.FromWith != nil {
			return 0, false
		}
		v, ok := evaluatedVar(e, env)
		if !ok {
			return 0, false
		}
		i, ok := v.(Int)
		return int64(i), ok
	}
	return 0, false
}

// evaluatedVar is the value of the lexical variable v if it is evaluated.
func evaluatedVar(v *syntax.Var, env *Env) (Value, bool) {
	for l := v.Level; l > 0; l-- {
		env = env.Up
	}
	val := env.Get(v.Displ)
	if t, ok := val.(*Thunk); ok {
		if s := t.state(); s != thunkDone && s != thunkEager {
			return nil, false
		}
		val = t.val()
	}
	return val, val != nil
}

// inlineToString evaluates `toString x` inside a string interpolation
// without the intermediate string value, when e is such a call (ok false
// otherwise). The argument is passed as evaluated or suspended as the call
// would pass it, and errors carry the same frames.
func (ev *Evaluator) inlineToString(e syntax.Expr, env *Env) (string, Context, bool, error) {
	c, ok := e.(*syntax.Call)
	if !ok || len(c.Args) != 1 {
		return "", nil, false, nil
	}
	fv, ok := c.Fn.(*syntax.Var)
	if !ok || fv.FromWith != nil {
		return "", nil, false, nil
	}
	if fn, ok := evaluatedVar(fv, env); !ok || fn != Value(toStringOp) {
		return "", nil, false, nil
	}
	if ev.callDepth > ev.Settings.MaxCallDepth {
		return "", nil, true, ev.Errorf(StackOverflowErr, c.P, "stack overflow; max-call-depth exceeded")
	}
	if err := ev.step(c.P); err != nil {
		return "", nil, true, err
	}
	ev.Stats.PrimOpCalls++
	ev.callDepth++
	s, ctx, err := ev.toStringArg(syntax.NoPos, ev.thunk(c.Args[0], env))
	ev.callDepth--
	if err != nil {
		asError(ev, err).AddTracef(c.P, "while calling the '%s' builtin", toStringOp.Name)
	}
	return s, ctx, true, err
}

// literal is the value of a string literal, shared by every evaluation of
// it (strings are immutable).
func (ev *Evaluator) literal(e *syntax.String) *String {
	if v, ok := e.Value.(*String); ok {
		return v
	}
	v := Str(e.V)
	e.Value = v
	return v
}

// madeFor reports whether Evaluator.thunk makes a new thunk for e (or
// none at all) rather than passing on one that exists: only variables
// pass on what their slot holds.
func madeFor(e syntax.Expr) bool {
	_, isVar := e.(*syntax.Var)
	return !isVar
}

// newThunk returns a zeroed thunk, reusing a released one if there is one.
func (ev *Evaluator) newThunk() *Thunk {
	if n := len(ev.thunkPool); n > 0 {
		t := ev.thunkPool[n-1]
		ev.thunkPool = ev.thunkPool[:n-1]
		return t
	}
	return &Thunk{}
}

// releaseThunk gives back a thunk nothing can reach any more.
func (ev *Evaluator) releaseThunk(t *Thunk) {
	if poisonReleasedEnvs {
		*t = Thunk{}
		t.setState(thunkPoisoned)
		return
	}
	*t = Thunk{}
	ev.thunkPool = append(ev.thunkPool, t)
}

// applyClosure1 is applyArgs for the most common call: a Nix function
// given one argument.
func (ev *Evaluator) applyClosure1(e *syntax.Call, l *syntax.Lambda, cenv, env *Env) (Value, error) {
	ev.Stats.Calls++
	a := e.Args[0]
	var arg Value
	if x, ok := a.(*syntax.Attrs); ok && l.Formals != nil && !x.Rec && len(x.Dynamic) == 0 {
		// A function with formals evaluates its argument at once, and a
		// plain set written out cannot fail: no thunk needed.
		var err error
		if arg, err = ev.evalAttrs(x, env); err != nil {
			return nil, err
		}
	} else {
		arg = ev.thunk(a, env)
	}
	callEnv, err := ev.bindLambda(l, cenv, arg, e.P)
	if err != nil {
		return nil, err
	}
	kept := ev.envsKept
	v, err := ev.evalLambdaBody(l, callEnv, e.P)
	if !l.KeepsEnv && kept == ev.envsKept {
		ev.releaseEnv(callEnv, l)
		// The argument was suspended for this call alone and the call
		// could not keep it.
		if err == nil && !l.ArgKept && madeFor(a) {
			if t, ok := arg.(*Thunk); ok {
				ev.releaseThunk(t)
			}
		}
	}
	return v, err
}
