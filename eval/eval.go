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
		fn, args := t.val(), appArgsOf(t)
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
func (ev *Evaluator) thunk(e syntax.Expr, env *Env) Value { return ev.thunkIn(e, env, nil) }

// thunkIn is thunk, making the thunk it needs (if any) in room when room
// is not nil (see letEnv).
func (ev *Evaluator) thunkIn(e syntax.Expr, env *Env, room *Thunk) Value {
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
				t := room
				if t == nil {
					t = ev.newThunk()
				}
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
	t := room
	if t == nil {
		t = ev.newThunk()
	}
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
	s, err := ev.forceStringNoCtxValue(v, exprPos(n.Expr), "while evaluating an attribute name")
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
	if len(e.Path) == 1 && e.Path[0].Expr == nil {
		// s.name of a set whose attribute is evaluated already: nothing
		// can fail or add a frame.
		if a, ok := v.(*Attrs); ok {
			if at, ok := a.Get(e.Path[0].Sym); ok {
				switch x := at.Value.(type) {
				case *Thunk:
					if x.state() == thunkDone {
						return x.val(), nil
					}
				default:
					return x, nil
				}
			}
		}
	}
	return ev.selectFrom(e, env, v)
}

// selectFrom is evalSelect with the set expression evaluated to v.
func (ev *Evaluator) selectFrom(e *syntax.Select, env *Env, v Value) (Value, error) {
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
			err := ev.Errorf(EvalErr, e.P, "attribute '%s' missing", syntax.PrintIdentifier(name.String()))
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
	// A let's bindings are suspended over its own environment, so they
	// live as long as it does: a short let allocates them with it.
	env2, room := newEnvWithThunks(env, len(a.Attrs))
	from := ev.inheritFromEnv(a, env2)
	for i, d := range a.Attrs {
		var r *Thunk
		if room != nil {
			r = &room[i]
		}
		env2.Set(i, ev.thunkIn(d.E, chooseEnv(d.Kind, env2, env, from), r))
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
		{Name: symFile, Value: Str(posFileName(pos.File))},
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
	case *syntax.Let, *syntax.Int, *syntax.Float, *syntax.String, *syntax.Path:
		return syntax.NoPos // Nix keeps no position for these
	}
	return e.Pos()
}
