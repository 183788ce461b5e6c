package eval

import (
	"github.com/cairn-nix/cairn/syntax"
)

// sameValue reports whether a and b are the same heap value, which Nix
// treats as equal without looking (so [f] == [f] holds for a function f).
func sameValue(a, b Value) bool {
	switch x := a.(type) {
	case *Thunk:
		y, ok := b.(*Thunk)
		return ok && x == y
	case *Closure:
		y, ok := b.(*Closure)
		return ok && x == y
	case *Attrs:
		y, ok := b.(*Attrs)
		return ok && x == y
	case *List:
		y, ok := b.(*List)
		return ok && x == y && len(x.Elems) > 0
	case *PrimOp:
		y, ok := b.(*PrimOp)
		return ok && x == y
	}
	return false
}

// EqValues is Nix's ==.
func (ev *Evaluator) EqValues(a, b Value, pos syntax.Pos, ctx string) (bool, error) {
	return ev.eqValues(a, b, pos, ctx, false)
}

func (ev *Evaluator) eqValues(a, b Value, pos syntax.Pos, ctx string, byRef bool) (bool, error) {
	if ev.callDepth > ev.Settings.MaxCallDepth {
		return false, ev.Errorf(StackOverflowErr, pos, "stack overflow; max-call-depth exceeded")
	}
	ev.callDepth++
	eq, err := ev.eqValuesIn(a, b, pos, ctx, byRef)
	ev.callDepth--
	return eq, err
}

func (ev *Evaluator) eqValuesIn(a, b Value, pos syntax.Pos, ctx string, byRef bool) (bool, error) {
	// Nix forces both sides before its identity shortcut, so a value
	// compared with itself still fails if it throws.
	a0, b0 := a, b
	a, err := ev.Force(a, pos)
	if err != nil {
		return false, err
	}
	b, err = ev.Force(b, pos)
	if err != nil {
		return false, err
	}
	if byRef && sameValue(a0, b0) {
		return true, nil
	}
	switch x := a.(type) {
	case Int:
		switch y := b.(type) {
		case Int:
			return x == y, nil
		case Float:
			return float64(x) == float64(y), nil
		}
		return false, nil
	case Float:
		switch y := b.(type) {
		case Int:
			return float64(x) == float64(y), nil
		case Float:
			return x == y, nil
		}
		return false, nil
	case Bool:
		y, ok := b.(Bool)
		return ok && x == y, nil
	case *String:
		y, ok := b.(*String)
		return ok && x.S == y.S, nil
	case Path:
		y, ok := b.(Path)
		return ok && x == y, nil
	case Null:
		_, ok := b.(Null)
		return ok, nil
	case *List:
		y, ok := b.(*List)
		if !ok || len(x.Elems) != len(y.Elems) {
			return false, nil
		}
		for i := range x.Elems {
			eq, err := ev.eqValues(x.Elems[i], y.Elems[i], pos, ctx, true)
			if err != nil || !eq {
				return false, err
			}
		}
		return true, nil
	case *Attrs:
		y, ok := b.(*Attrs)
		if !ok {
			return false, nil
		}
		d1, err := ev.IsDerivation(x)
		if err != nil {
			return false, err
		}
		if d1 {
			d2, err := ev.IsDerivation(y)
			if err != nil {
				return false, err
			}
			if d2 {
				i, ok1 := x.Get(symOutPath)
				j, ok2 := y.Get(symOutPath)
				if ok1 && ok2 {
					return ev.eqValues(i.Value, j.Value, pos, ctx, true)
				}
			}
		}
		if x.Len() != y.Len() {
			return false, nil
		}
		for i := range x.All() {
			if x.All()[i].Name != y.All()[i].Name {
				return false, nil
			}
			eq, err := ev.eqValues(x.All()[i].Value, y.All()[i].Value, pos, ctx, true)
			if err != nil || !eq {
				return false, err
			}
		}
		return true, nil
	}
	return false, nil
}

func (ev *Evaluator) assertionError(format string, args ...any) *Error {
	return ev.Errorf(AssertionErr, syntax.NoPos, format, args...)
}

// assertEqValues is like EqValues but explains the first difference as an
// assertion error, for `assert a == b`.
func (ev *Evaluator) assertEqValues(a, b Value, pos syntax.Pos, ctx string) error {
	return ev.assertEq(a, b, pos, ctx, false)
}

func (ev *Evaluator) assertEq(a, b Value, pos syntax.Pos, ctx string, byRef bool) error {
	a, err := ev.Force(a, pos)
	if err != nil {
		return err
	}
	b, err = ev.Force(b, pos)
	if err != nil {
		return err
	}
	if byRef && sameValue(a, b) {
		return nil
	}
	pa, pb := ev.errorValue(a), ev.errorValue(b)
	ta, tb := a.Type(), b.Type()
	if (ta == TInt || ta == TFloat) && (tb == TInt || tb == TFloat) {
		if eq, err := ev.eqValues(a, b, pos, ctx, false); err != nil || eq {
			return err
		}
		return ev.assertionError("%s with value '%s' is not equal to %s with value '%s'", ShowType(a), pa, ShowType(b), pb)
	}
	if ta != tb {
		return ev.assertionError("%s of value '%s' is not equal to %s of value '%s'", ShowType(a), pa, ShowType(b), pb)
	}
	switch x := a.(type) {
	case Int:
		if x != b.(Int) {
			return ev.assertionError("integer '%d' is not equal to integer '%d'", int64(x), int64(b.(Int)))
		}
	case Bool:
		if x != b.(Bool) {
			return ev.assertionError("boolean '%s' is not equal to boolean '%s'", pa, pb)
		}
	case *String:
		if x.S != b.(*String).S {
			return ev.assertionError("string '%s' is not equal to string '%s'", pa, pb)
		}
	case Path:
		if x != b.(Path) {
			return ev.assertionError("path '%s' is not equal to path '%s'", pa, pb)
		}
	case *List:
		y := b.(*List)
		if len(x.Elems) != len(y.Elems) {
			return ev.assertionError("list of size '%d' is not equal to list of size '%d', left hand side is '%s', right hand side is '%s'", len(x.Elems), len(y.Elems), pa, pb)
		}
		for i := range x.Elems {
			if err := ev.assertEq(x.Elems[i], y.Elems[i], pos, ctx, true); err != nil {
				return asError(ev, err).AddTracef(pos, "while comparing list element %d", i)
			}
		}
	case *Attrs:
		y := b.(*Attrs)
		d1, _ := ev.IsDerivation(x)
		d2, _ := ev.IsDerivation(y)
		if d1 && d2 {
			i, ok1 := x.Get(symOutPath)
			j, ok2 := y.Get(symOutPath)
			if ok1 && ok2 {
				if err := ev.assertEq(i.Value, j.Value, pos, ctx, true); err != nil {
					return asError(ev, err).AddTracef(pos, "while comparing a derivation by its '%s' attribute", "outPath")
				}
				return nil
			}
		}
		if x.Len() != y.Len() {
			return ev.assertionError("attribute names of attribute set '%s' differs from attribute set '%s'", pa, pb)
		}
		for k := range x.All() {
			i, j := x.All()[k], y.All()[k]
			if i.Name != j.Name {
				if _, ok := y.Get(i.Name); !ok {
					return ev.assertionError("attribute name '%s' is contained in '%s', but not in '%s'", syntax.PrintIdentifier(i.Name.String()), pa, pb)
				}
				return ev.assertionError("attribute name '%s' is missing in '%s', but is contained in '%s'", syntax.PrintIdentifier(j.Name.String()), pa, pb)
			}
			if err := ev.assertEq(i.Value, j.Value, pos, ctx, true); err != nil {
				e := asError(ev, err)
				if j.Pos.IsValid() {
					e.AddTrace(j.Pos, "where right hand side is")
				}
				if i.Pos.IsValid() {
					e.AddTrace(i.Pos, "where left hand side is")
				}
				return e.AddTracef(pos, "while comparing attribute '%s'", syntax.PrintIdentifier(i.Name.String()))
			}
		}
	case *Closure, *PrimOp, *PrimOpApp:
		return ev.assertionError("distinct functions and immediate comparisons of identical functions compare as unequal")
	case Float:
		if x != b.(Float) {
			return ev.assertionError("float '%f' is not equal to float '%f'", float64(x), float64(b.(Float)))
		}
	}
	return nil
}
