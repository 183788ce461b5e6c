package eval

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/cairn-nix/cairn/syntax"
)

// ShowType describes a value's type the way Nix's error messages do.
func ShowType(v Value) string {
	switch v := v.(type) {
	case Int:
		return "an integer"
	case Float:
		return "a float"
	case Bool:
		return "a Boolean"
	case *String:
		if len(v.Ctx()) > 0 {
			return "a string with context"
		}
		return "a string"
	case Path:
		return "a path"
	case Null:
		return "null"
	case *Attrs:
		return "a set"
	case *List:
		return "a list"
	case *Closure:
		return "a function"
	case *PrimOp:
		return fmt.Sprintf("the built-in function '%s'", v.Name)
	case *PrimOpApp:
		return fmt.Sprintf("the partially applied built-in function '%s'", v.Op.Name)
	case *Thunk:
		if v.state() == thunkBlackhole {
			return "a black hole"
		}
		return "a thunk"
	}
	return "an unknown value"
}

// TypeName is the short type name used in "expected X" lists ("a set").
func TypeName(t Type) string {
	switch t {
	case TInt:
		return "an integer"
	case TFloat:
		return "a float"
	case TBool:
		return "a Boolean"
	case TString:
		return "a string"
	case TPath:
		return "a path"
	case TNull:
		return "null"
	case TAttrs:
		return "a set"
	case TList:
		return "a list"
	case TFunction:
		return "a function"
	}
	return "a thunk"
}

// errorValue prints a value inside an error message, abbreviated as Nix
// does (errorPrintOptions).
func (ev *Evaluator) errorValue(v Value) string {
	return ev.PrintValue(v, ErrorPrintOptions)
}

func (ev *Evaluator) typeError(v Value, pos syntax.Pos, expected string) *Error {
	return ev.Errorf(TypeErr, pos, "expected %s but found %s: %s", expected, ShowType(v), ev.errorValue(v))
}

// ForceAttrs forces v and requires a set. Errors from the forcing are not
// annotated; a type error gets the ctx frame at pos.
func (ev *Evaluator) forceAttrs(v Value, pos syntax.Pos, ctx string) (*Attrs, error) {
	v, err := ev.Force(v, pos)
	if err != nil {
		return nil, err
	}
	a, ok := v.(*Attrs)
	if !ok {
		return nil, ev.typeError(v, syntax.NoPos, "a set").AddTrace(pos, ctx)
	}
	return a, nil
}

// ForceAttrs is forceAttrs for builtins.
func (ev *Evaluator) ForceAttrs(v Value, pos syntax.Pos, ctx string) (*Attrs, error) {
	return ev.forceAttrs(v, pos, ctx)
}

// ForceList forces v and requires a list.
func (ev *Evaluator) ForceList(v Value, pos syntax.Pos, ctx string) (*List, error) {
	return ev.forceList(v, pos, ctx)
}

func (ev *Evaluator) forceList(v Value, pos syntax.Pos, ctx string) (*List, error) {
	v, err := ev.Force(v, pos)
	if err != nil {
		return nil, err
	}
	l, ok := v.(*List)
	if !ok {
		return nil, ev.typeError(v, syntax.NoPos, "a list").AddTrace(pos, ctx)
	}
	return l, nil
}

// forceTyped forces v, and annotates any error (from forcing or the type
// check) with ctx, as Nix's forceInt/forceBool/forceString do.
func (ev *Evaluator) forceTyped(v Value, pos syntax.Pos, ctx string, want Type) (Value, error) {
	fv, err := ev.Force(v, pos)
	if err != nil {
		return nil, asError(ev, err).AddTrace(pos, ctx)
	}
	if fv.Type() != want {
		expected := TypeName(want)
		return nil, ev.typeError(fv, pos, expected).AddTrace(pos, ctx)
	}
	return fv, nil
}

// ForceInt forces an integer.
func (ev *Evaluator) ForceInt(v Value, pos syntax.Pos, ctx string) (int64, error) {
	fv, err := ev.forceTyped(v, pos, ctx, TInt)
	if err != nil {
		return 0, err
	}
	return int64(fv.(Int)), nil
}

// ForceFloat forces a float or an integer.
func (ev *Evaluator) ForceFloat(v Value, pos syntax.Pos, ctx string) (float64, error) {
	fv, err := ev.Force(v, pos)
	if err != nil {
		return 0, asError(ev, err).AddTrace(pos, ctx)
	}
	switch x := fv.(type) {
	case Int:
		return float64(x), nil
	case Float:
		return float64(x), nil
	}
	return 0, ev.typeError(fv, pos, "a float").AddTrace(pos, ctx)
}

// ForceBool forces a Boolean.
func (ev *Evaluator) ForceBool(v Value, pos syntax.Pos, ctx string) (bool, error) {
	fv, err := ev.forceTyped(v, pos, ctx, TBool)
	if err != nil {
		return false, err
	}
	return bool(fv.(Bool)), nil
}

// ForceString forces a string and returns it with its context.
func (ev *Evaluator) ForceString(v Value, pos syntax.Pos, ctx string) (*String, error) {
	fv, err := ev.forceTyped(v, pos, ctx, TString)
	if err != nil {
		return nil, err
	}
	return fv.(*String), nil
}

// ForceStringNoCtx forces a string that must have no context.
func (ev *Evaluator) ForceStringNoCtx(v Value, pos syntax.Pos, ctx string) (string, error) {
	return ev.forceStringNoCtx(v, pos, ctx)
}

func (ev *Evaluator) forceStringNoCtx(v Value, pos syntax.Pos, ctx string) (string, error) {
	s, err := ev.forceStringNoCtxValue(v, pos, ctx)
	if err != nil {
		return "", err
	}
	return s.S, nil
}

// forceStringNoCtxValue is forceStringNoCtx giving the string value, whose
// symbol can then be cached.
func (ev *Evaluator) forceStringNoCtxValue(v Value, pos syntax.Pos, ctx string) (*String, error) {
	s, err := ev.ForceString(v, pos, ctx)
	if err != nil {
		return nil, err
	}
	if len(s.Ctx()) > 0 {
		return nil, ev.Errorf(EvalErr, syntax.NoPos, "the string '%s' is not allowed to refer to a store path (such as '%s')", s.S, DisplayContextElem(s.Ctx()[0])).AddTrace(pos, ctx)
	}
	return s, nil
}

// DisplayContextElem shows a context element as Nix does in messages.
func DisplayContextElem(e string) string {
	switch {
	case len(e) > 0 && e[0] == '=':
		return e[1:] + " (deep)"
	case len(e) > 0 && e[0] == '!':
		rest := e[1:]
		for i := 0; i < len(rest); i++ {
			if rest[i] == '!' {
				return rest[i+1:] + "^" + rest[:i]
			}
		}
	}
	return e
}

// ForceFunction forces a function (or functor).
func (ev *Evaluator) ForceFunction(v Value, pos syntax.Pos, ctx string) (Value, error) {
	fv, err := ev.Force(v, pos)
	if err != nil {
		return nil, asError(ev, err).AddTrace(pos, ctx)
	}
	if fv.Type() == TFunction {
		return fv, nil
	}
	if a, ok := fv.(*Attrs); ok {
		if _, ok := a.Get(symFunctor); ok {
			return fv, nil
		}
	}
	return nil, ev.typeError(fv, pos, "a function").AddTrace(pos, ctx)
}

var (
	symToString = syntax.Intern("__toString")
	symOutPath  = syntax.Intern("outPath")
	symType     = syntax.Intern("type")
	symDrvPath  = syntax.Intern("drvPath")
)

// CoerceToString turns a value into a string as string interpolation
// does; coerceMore also converts numbers, Booleans, null and lists (as
// toString does); copyToStore copies paths to the store.
func (ev *Evaluator) CoerceToString(pos syntax.Pos, v Value, ctx string, coerceMore, copyToStore bool) (string, Context, error) {
	return ev.coerceToString(pos, v, ctx, coerceMore, copyToStore, true)
}

func (ev *Evaluator) coerceToString(pos syntax.Pos, v Value, ctx string, coerceMore, copyToStore, canonicalize bool) (string, Context, error) {
	if s, ok := v.(*String); ok {
		return s.S, s.Ctx(), nil // nothing to force or convert
	}
	if ev.callDepth > ev.Settings.MaxCallDepth {
		return "", nil, ev.Errorf(StackOverflowErr, pos, "stack overflow; max-call-depth exceeded")
	}
	ev.callDepth++
	s, c, err := ev.coerceToStringIn(pos, v, ctx, coerceMore, copyToStore, canonicalize)
	ev.callDepth--
	return s, c, err
}

func (ev *Evaluator) coerceToStringIn(pos syntax.Pos, v Value, ctx string, coerceMore, copyToStore, canonicalize bool) (string, Context, error) {
	v, err := ev.Force(v, pos)
	if err != nil {
		return "", nil, err
	}
	switch x := v.(type) {
	case *String:
		return x.S, x.Ctx(), nil
	case Path:
		if copyToStore {
			sp, err := ev.CopyPathToStore(string(x), pos)
			if err != nil {
				return "", nil, err
			}
			return sp, Context{sp}, nil
		}
		return pathString(x), nil, nil
	case *Attrs:
		if s, c, ok, err := ev.tryAttrsToString(pos, x, coerceMore, copyToStore); ok || err != nil {
			return s, c, err
		}
		if o, ok := x.Get(symOutPath); ok {
			return ev.coerceToString(pos, o.Value, ctx, coerceMore, copyToStore, canonicalize)
		}
	}
	if coerceMore {
		switch x := v.(type) {
		case Bool:
			if x {
				return "1", nil, nil
			}
			return "", nil, nil
		case Int:
			return strconv.FormatInt(int64(x), 10), nil, nil
		case Float:
			return strconv.FormatFloat(float64(x), 'f', 6, 64), nil, nil
		case Null:
			return "", nil, nil
		case *List:
			var out []byte
			var c ContextBuilder
			for i, el := range x.Elems {
				s, ec, err := ev.coerceToString(pos, el, "while evaluating one element of the list", coerceMore, copyToStore, canonicalize)
				if err != nil {
					return "", nil, asError(ev, err).AddTrace(pos, ctx)
				}
				out = append(out, s...)
				c.Add(ec)
				if i < len(x.Elems)-1 {
					fe, _ := ev.Force(el, pos)
					if l, isList := fe.(*List); !isList || len(l.Elems) != 0 {
						out = append(out, ' ')
					}
				}
			}
			return string(out), c.Context(), nil
		}
	}
	return "", nil, ev.Errorf(TypeErr, syntax.NoPos, "cannot coerce %s to a string: %s", ShowType(v), ev.errorValue(v)).AddTrace(pos, ctx)
}

// CopyPathToStore copies a source path into the store, once per path.
func (ev *Evaluator) CopyPathToStore(path string, pos syntax.Pos) (string, error) {
	if len(path) >= 4 && path[len(path)-4:] == ".drv" {
		return "", ev.Errorf(EvalErr, syntax.NoPos, "file names are not allowed to end in '.drv'")
	}
	cache, _ := ev.Extra["srcToStore"].(map[string]string)
	if cache == nil {
		cache = map[string]string{}
		ev.Extra["srcToStore"] = cache
	}
	if sp, ok := cache[path]; ok {
		return sp, nil
	}
	name := path
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			name = name[i+1:]
			break
		}
	}
	if err := ev.CheckAccessTree(path); err != nil {
		return "", err
	}
	sp, err := ev.IO.CopyToStore(ev, path, name)
	if err != nil {
		// An IO that words its errors as Nix does (without a position,
		// as Nix's copyPathToStore) returns an *Error.
		if e, ok := err.(*Error); ok {
			return "", e
		}
		return "", ev.Errorf(EvalErr, pos, "%v", err)
	}
	cache[path] = sp
	ev.AllowPath(sp)
	return sp, nil
}

// CoerceToPath turns a value into an absolute path.
func (ev *Evaluator) CoerceToPath(pos syntax.Pos, v Value, ctx string) (string, Context, error) {
	fv, err := ev.Force(v, pos)
	if err != nil {
		return "", nil, asError(ev, err).AddTrace(pos, ctx)
	}
	if p, ok := fv.(Path); ok {
		return string(p), nil, nil
	}
	if a, ok := fv.(*Attrs); ok {
		if f, ok := a.Get(symToString); ok {
			r, err := ev.CallFunction(f.Value, []Value{a}, pos)
			if err != nil {
				return "", nil, err
			}
			return ev.CoerceToPath(pos, r, ctx)
		}
	}
	s, c, err := ev.coerceToString(pos, fv, ctx, false, false, true)
	if err != nil {
		return "", nil, err
	}
	if s == "" || s[0] != '/' {
		return "", nil, ev.Errorf(EvalErr, syntax.NoPos, "string '%s' doesn't represent an absolute path", s).AddTrace(pos, ctx)
	}
	return s, c, nil
}

// IsDerivation reports whether v is a set with type = "derivation".
func (ev *Evaluator) IsDerivation(v Value) (bool, error) {
	a, ok := v.(*Attrs)
	if !ok {
		return false, nil
	}
	t, ok := a.Get(symType)
	if !ok {
		return false, nil
	}
	tv, err := ev.Force(t.Value, t.Pos)
	if err != nil {
		return false, err
	}
	s, ok := tv.(*String)
	return ok && s.S == "derivation", nil
}

// suggestions returns Nix's "Did you mean" list for s: the (at most
// five) names at edit distance 1 or 2, nearest first, then by name.
func suggestions(names []string, s string) []string {
	type cand struct {
		d    int
		name string
	}
	var best []cand
	for _, n := range names {
		if d := levenshtein(s, n); d <= 2 && n != s {
			best = append(best, cand{d, n})
		}
	}
	sort.Slice(best, func(i, j int) bool {
		if best[i].d != best[j].d {
			return best[i].d < best[j].d
		}
		return best[i].name < best[j].name
	})
	var out []string
	for i := 0; i < len(best) && i < 5; i++ {
		out = append(out, best[i].name)
	}
	return out
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// tryAttrsToString coerces a set through its __toString attribute, if it
// has one (ok reports whether it had).
func (ev *Evaluator) tryAttrsToString(pos syntax.Pos, a *Attrs, coerceMore, copyToStore bool) (string, Context, bool, error) {
	f, ok := a.Get(symToString)
	if !ok {
		return "", nil, false, nil
	}
	r, err := ev.CallFunction(f.Value, []Value{a}, pos)
	if err != nil {
		return "", nil, true, err
	}
	s, c, err := ev.coerceToString(pos, r, "while evaluating the result of the `__toString` attribute", coerceMore, copyToStore, true)
	return s, c, true, err
}
