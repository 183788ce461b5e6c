package eval

import (
	"math"
	"unsafe"

	"github.com/cairn-nix/cairn/syntax"
)

// The string builtins everything else leans on (toString, substring,
// stringLength, concatStringsSep).

// toStringOp is builtins.toString; evalConcatStrings calls it without
// building the intermediate string.
var toStringOp *PrimOp

func primToString(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	s, ctx, err := ev.toStringArg(pos, args[0])
	if err != nil {
		return nil, err
	}
	return StrCtx(s, ctx), nil
}

func (ev *Evaluator) toStringArg(pos syntax.Pos, v Value) (string, Context, error) {
	return ev.CoerceToString(pos, v, "while evaluating the first argument passed to builtins.toString", true, false)
}

func init() {
	toStringOp = &PrimOp{Name: "toString", Arity: 1, Fn: primToString}
	Register(toStringOp)
	Register(&PrimOp{Name: "substring", Arity: 3, Fn: primSubstring})
	Register(&PrimOp{Name: "stringLength", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		s, _, err := ev.CoerceToString(pos, args[0], "while evaluating the argument passed to builtins.stringLength", false, true)
		if err != nil {
			return nil, err
		}
		return Int(len(s)), nil
	}})
	Register(&PrimOp{Name: "concatStringsSep", Arity: 2, Fn: primConcatStringsSep})
}

func primSubstring(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	start, err := ev.ForceInt(args[0], pos, "while evaluating the first argument (the start offset) passed to builtins.substring")
	if err != nil {
		return nil, err
	}
	if start < 0 {
		return nil, ev.Errorf(EvalErr, pos, "negative start position in 'substring'")
	}
	length, err := ev.ForceInt(args[1], pos, "while evaluating the second argument (the substring length) passed to builtins.substring")
	if err != nil {
		return nil, err
	}
	if length == 0 {
		// An empty substring keeps the string's context without copying it.
		v, err := ev.Force(args[2], pos)
		if err != nil {
			return nil, err
		}
		if s, ok := v.(*String); ok {
			if len(s.Ctx()) == 0 {
				return emptyString, nil
			}
			return StrCtx("", s.Ctx()), nil
		}
	}
	n := int64(math.MaxInt64)
	if length >= 0 {
		n = length
	}
	s, ctx, err := ev.CoerceToString(pos, args[2], "while evaluating the third argument (the string) passed to builtins.substring", false, true)
	if err != nil {
		return nil, err
	}
	if start >= int64(len(s)) {
		return StrCtx("", ctx), nil
	}
	end := int64(len(s))
	if n < end-start {
		end = start + n
	}
	return StrCtx(s[start:end], ctx), nil
}

func primConcatStringsSep(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	sep, err := ev.ForceString(args[0], pos, "while evaluating the first argument (the separator string) passed to builtins.concatStringsSep")
	if err != nil {
		return nil, err
	}
	list, err := ev.ForceList(args[1], pos, "while evaluating the second argument (the list of strings to concat) passed to builtins.concatStringsSep")
	if err != nil {
		return nil, err
	}
	var ctx ContextBuilder
	ctx.Add(sep.Ctx())
	// The pieces first, then one allocation of the right size.
	pieces := make([]string, len(list.Elems))
	size := len(sep.S) * max(len(list.Elems)-1, 0)
	for i, el := range list.Elems {
		s, c, err := ev.CoerceToString(pos, el, "while evaluating one element of the list of strings to concat passed to builtins.concatStringsSep", false, true)
		if err != nil {
			return nil, err
		}
		pieces[i] = s
		size += len(s)
		ctx.Add(c)
	}
	buf := make([]byte, 0, size)
	for i, s := range pieces {
		if i > 0 {
			buf = append(buf, sep.S...)
		}
		buf = append(buf, s...)
	}
	return StrCtx(unsafe.String(unsafe.SliceData(buf), len(buf)), ctx.Context()), nil
}
