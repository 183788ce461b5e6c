package eval

import (
	"math"

	"github.com/cairn-nix/cairn/syntax"
)

// Arithmetic builtins (the parser turns -, *, / and comparisons into
// calls to __sub, __mul, __div and __lessThan), bitwise operations and
// rounding.

func init() {
	Register(&PrimOp{Name: "add", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		return ev.arith(pos, args, '+')
	}})
	Register(&PrimOp{Name: "sub", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		return ev.arith(pos, args, '-')
	}, intFast: func(x, y int64) (Value, bool) {
		r := x - y
		return mkInt(r), (y > 0) == (r < x) || y == 0
	}})
	Register(&PrimOp{Name: "mul", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		return ev.arith(pos, args, '*')
	}, intFast: func(x, y int64) (Value, bool) {
		return mkInt(x * y), !mulOverflows(x, y)
	}})
	Register(&PrimOp{Name: "div", Arity: 2, Fn: primDiv, intFast: func(x, y int64) (Value, bool) {
		if y == 0 || (x == math.MinInt64 && y == -1) {
			return nil, false
		}
		return mkInt(x / y), true
	}})
	Register(&PrimOp{Name: "bitAnd", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		a, b, err := ev.bitArgs(pos, args, "bitAnd")
		return mkInt(int64(a & b)), err
	}})
	Register(&PrimOp{Name: "bitOr", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		a, b, err := ev.bitArgs(pos, args, "bitOr")
		return mkInt(int64(a | b)), err
	}})
	Register(&PrimOp{Name: "bitXor", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		a, b, err := ev.bitArgs(pos, args, "bitXor")
		return mkInt(int64(a ^ b)), err
	}})
	Register(&PrimOp{Name: "lessThan", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		a, err := ev.Force(args[0], pos)
		if err != nil {
			return nil, err
		}
		b, err := ev.Force(args[1], pos)
		if err != nil {
			return nil, err
		}
		lt, err := ev.compareValues(a, b, "")
		if err != nil {
			return nil, err
		}
		return Bool(lt), nil
	}, intFast: func(x, y int64) (Value, bool) {
		return Bool(x < y), true
	}})
	Register(&PrimOp{Name: "ceil", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		return ev.round(pos, args[0], "ceil", math.Ceil)
	}})
	Register(&PrimOp{Name: "floor", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		return ev.round(pos, args[0], "floor", math.Floor)
	}})
}

var arithCtx = map[byte][3]string{
	// first operand as a float, second operand, first operand as an int
	'+': {"while evaluating the first argument of the addition", "while evaluating the second argument of the addition", "while evaluating the first argument of the addition"},
	'-': {"while evaluating the first argument of the subtraction", "while evaluating the second argument of the subtraction", "while evaluating the first argument of the subtraction"},
	'*': {"while evaluating the first of the multiplication", "while evaluating the second argument of the multiplication", "while evaluating the first argument of the multiplication"},
}

// arith is __add, __sub and __mul: float if either operand is a float,
// else checked 64-bit integer arithmetic.
func (ev *Evaluator) arith(pos syntax.Pos, args []Value, op byte) (Value, error) {
	a, err := ev.Force(args[0], pos)
	if err != nil {
		return nil, err
	}
	b, err := ev.Force(args[1], pos)
	if err != nil {
		return nil, err
	}
	// Fast path: two integers.
	if x, ok := a.(Int); ok {
		if y, ok := b.(Int); ok {
			return ev.intArith(pos, int64(x), int64(y), op)
		}
	}
	ctx := arithCtx[op]
	_, af := a.(Float)
	_, bf := b.(Float)
	if af || bf {
		x, err := ev.ForceFloat(a, pos, ctx[0])
		if err != nil {
			return nil, err
		}
		y, err := ev.ForceFloat(b, pos, ctx[1])
		if err != nil {
			return nil, err
		}
		switch op {
		case '+':
			return Float(x + y), nil
		case '-':
			return Float(x - y), nil
		}
		return Float(x * y), nil
	}
	x, err := ev.ForceInt(a, pos, ctx[2])
	if err != nil {
		return nil, err
	}
	y, err := ev.ForceInt(b, pos, ctx[1])
	if err != nil {
		return nil, err
	}
	return ev.intArith(pos, x, y, op)
}

func (ev *Evaluator) intArith(pos syntax.Pos, x, y int64, op byte) (Value, error) {
	switch op {
	case '+':
		r, overflow := addOverflows(x, y)
		if overflow {
			return nil, ev.Errorf(EvalErr, pos, "integer overflow in adding %d + %d", x, y)
		}
		return mkInt(int64(r)), nil
	case '-':
		r := x - y
		if (y > 0 && r > x) || (y < 0 && r < x) {
			return nil, ev.Errorf(EvalErr, pos, "integer overflow in subtracting %d - %d", x, y)
		}
		return mkInt(int64(r)), nil
	}
	if mulOverflows(x, y) {
		return nil, ev.Errorf(EvalErr, pos, "integer overflow in multiplying %d * %d", x, y)
	}
	return mkInt(int64(x * y)), nil
}

func mulOverflows(x, y int64) bool {
	if x == 0 || y == 0 {
		return false
	}
	if (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64) {
		return true
	}
	r := x * y
	return r/y != x
}

func primDiv(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	a, err := ev.Force(args[0], pos)
	if err != nil {
		return nil, err
	}
	b, err := ev.Force(args[1], pos)
	if err != nil {
		return nil, err
	}
	d, err := ev.ForceFloat(b, pos, "while evaluating the second operand of the division")
	if err != nil {
		return nil, err
	}
	if d == 0 {
		return nil, ev.Errorf(EvalErr, pos, "division by zero")
	}
	_, af := a.(Float)
	_, bf := b.(Float)
	if af || bf {
		n, err := ev.ForceFloat(a, pos, "while evaluating the first operand of the division")
		if err != nil {
			return nil, err
		}
		return Float(n / d), nil
	}
	x, err := ev.ForceInt(a, pos, "while evaluating the first operand of the division")
	if err != nil {
		return nil, err
	}
	y := int64(b.(Int))
	if x == math.MinInt64 && y == -1 {
		return nil, ev.Errorf(EvalErr, pos, "integer overflow in dividing %d / %d", x, y)
	}
	return mkInt(int64(x / y)), nil
}

func (ev *Evaluator) bitArgs(pos syntax.Pos, args []Value, name string) (int64, int64, error) {
	a, err := ev.ForceInt(args[0], pos, "while evaluating the first argument passed to builtins."+name)
	if err != nil {
		return 0, 0, err
	}
	b, err := ev.ForceInt(args[1], pos, "while evaluating the second argument passed to builtins."+name)
	return a, b, err
}

// round is ceil and floor: a float rounded to an integer, with Nix's
// errors for results out of range and for integers that do not survive
// the trip through a double.
func (ev *Evaluator) round(pos syntax.Pos, arg Value, name string, f func(float64) float64) (Value, error) {
	x, err := ev.ForceFloat(arg, pos, "while evaluating the first argument passed to builtins."+name)
	if err != nil {
		return nil, err
	}
	fv, _ := ev.Force(arg, pos)
	i, isInt := fv.(Int)
	r := f(x)
	const lim = float64(1 << 63)
	if !(r >= -lim && r < lim) {
		if isInt {
			return nil, ev.Errorf(EvalErr, pos, "Due to a bug (see https://github.com/NixOS/nix/issues/12899) the NixInt argument %d caused undefined behavior in previous Nix versions.\n\tFuture Nix versions might implement the correct behavior.", int64(i))
		}
		return nil, ev.Errorf(EvalErr, pos, "NixFloat argument %s is not in the range of NixInt", syntax.FormatFloat(x))
	}
	res := int64(r)
	if isInt && res != int64(i) {
		return nil, ev.Errorf(EvalErr, pos, "Due to a bug (see https://github.com/NixOS/nix/issues/12899) a loss of precision occurred in previous Nix versions because the NixInt argument %d was rounded to %d.\n\tFuture Nix versions might implement the correct behavior.", int64(i), res)
	}
	return mkInt(int64(res)), nil
}

// compareValues is Nix's ordering for lessThan and sort: numbers,
// strings, paths, and lists lexicographically. ctx, if not empty, is
// added to errors as a frame.
func (ev *Evaluator) compareValues(a, b Value, ctx string) (bool, error) {
	lt, err := ev.compareForced(a, b)
	if err != nil && ctx != "" {
		asError(ev, err).AddTrace(syntax.NoPos, ctx)
	}
	return lt, err
}

func (ev *Evaluator) compareForced(a, b Value) (bool, error) {
	// Values reaching here have been forced; a forced thunk may still
	// stand in for its value.
	if t, ok := a.(*Thunk); ok {
		var err error
		if a, err = ev.forceThunk(t, syntax.NoPos); err != nil {
			return false, err
		}
	}
	if t, ok := b.(*Thunk); ok {
		var err error
		if b, err = ev.forceThunk(t, syntax.NoPos); err != nil {
			return false, err
		}
	}
	switch x := a.(type) {
	case Int:
		switch y := b.(type) {
		case Int:
			return x < y, nil
		case Float:
			return float64(x) < float64(y), nil
		}
	case Float:
		switch y := b.(type) {
		case Int:
			return float64(x) < float64(y), nil
		case Float:
			return x < y, nil
		}
	case *String:
		if y, ok := b.(*String); ok {
			return x.S < y.S, nil
		}
	case Path:
		if y, ok := b.(Path); ok {
			return x < y, nil
		}
	case *List:
		if y, ok := b.(*List); ok {
			for i := 0; ; i++ {
				if i == len(y.Elems) {
					return false, nil
				}
				if i == len(x.Elems) {
					return true, nil
				}
				// Nix's eqValues: the very same value is equal to itself,
				// even a function.
				eq, err := ev.eqValues(x.Elems[i], y.Elems[i], syntax.NoPos, "", true)
				if err != nil {
					return false, err
				}
				if !eq {
					return ev.compareValues(x.Elems[i], y.Elems[i], "while comparing two list elements")
				}
			}
		}
	}
	if a.Type() != b.Type() {
		return false, ev.Errorf(EvalErr, syntax.NoPos, "cannot compare %s with %s; values are %s and %s", ShowType(a), ShowType(b), ev.errorValue(a), ev.errorValue(b))
	}
	return false, ev.Errorf(EvalErr, syntax.NoPos, "cannot compare %s with %s; values of that type are incomparable (values are %s and %s)", ShowType(a), ShowType(b), ev.errorValue(a), ev.errorValue(b))
}
