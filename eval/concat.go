package eval

// The + operator (string, path and number concatenation, which the parser
// also uses for interpolation) and ++.

import (
	"unsafe"

	"github.com/cairn-nix/cairn/syntax"
)

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
