package eval

// Applying functions: calls written in Nix code, the fast paths for
// builtins whose arguments are evaluated at once (the arithmetic
// operators, toString in interpolations) and the reuse of thunks and
// environments that a call could not keep.

import "github.com/cairn-nix/cairn/syntax"

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
		if op.forcesArg && len(e.Args) == 1 {
			return ev.callForcing1(op, e, env)
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
		callEnv, arg, err := ev.bindArg(l, cenv, a, env, e.P)
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
		if err == nil && kept == ev.envsKept {
			ev.releaseArg(l, a, arg)
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
		v, err := ev.forcedArg(op, e, a, env)
		if err != nil {
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

// callForcing1 calls a builtin of one argument that forces it before
// anything else, with no context of its own (isList, typeOf, ...): the
// argument is evaluated instead of suspended, as in callStrictArgs.
func (ev *Evaluator) callForcing1(op *PrimOp, e *syntax.Call, env *Env) (Value, error) {
	v, err := ev.forcedArg(op, e, e.Args[0], env)
	if err != nil {
		return nil, err
	}
	args := ev.argBuf(1)
	args[0] = v
	v, err = ev.callPrimOp(op, args, e.P)
	ev.releaseArgs(args)
	return v, err
}

// forcedArg evaluates a, an argument of the call e of op, as op would
// force it: a variable is forced as the builtin would force it, so
// errors (infinite recursion included) read the same, and a failure gets
// the frame of the builtin call.
func (ev *Evaluator) forcedArg(op *PrimOp, e *syntax.Call, a syntax.Expr, env *Env) (Value, error) {
	var v Value
	var err error
	if x, ok := a.(*syntax.Var); ok && x.FromWith == nil {
		v, err = ev.Force(ev.thunk(a, env), syntax.NoPos)
	} else if err = ev.step(syntax.NoPos); err == nil {
		v, err = ev.eval(a, env)
	}
	if err != nil && !op.NoTrace {
		asError(ev, err).AddTracef(e.P, "while calling the '%s' builtin", op.Name)
	}
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
	callEnv, arg, err := ev.bindArg(l, cenv, a, env, e.P)
	if err != nil {
		return nil, err
	}
	kept := ev.envsKept
	v, err := ev.evalLambdaBody(l, callEnv, e.P)
	if !l.KeepsEnv && kept == ev.envsKept {
		ev.releaseEnv(callEnv, l)
		if err == nil {
			ev.releaseArg(l, a, arg)
		}
	}
	return v, err
}

// bindArg makes the environment of a call of l (closed over cenv) with
// the argument a written in env, and returns it with the argument passed:
// suspended, except a set written out for a function with formals, which
// evaluates its argument at once anyway (a plain set cannot fail, so it
// needs no thunk).
func (ev *Evaluator) bindArg(l *syntax.Lambda, cenv *Env, a syntax.Expr, env *Env, pos syntax.Pos) (*Env, Value, error) {
	var arg Value
	if x, ok := a.(*syntax.Attrs); ok && l.Formals != nil && !x.Rec && len(x.Dynamic) == 0 {
		var err error
		if arg, err = ev.evalAttrs(x, env); err != nil {
			return nil, nil, err
		}
	} else {
		arg = ev.thunk(a, env)
	}
	callEnv, err := ev.bindLambda(l, cenv, arg, pos)
	return callEnv, arg, err
}

// releaseArg gives back the argument a call of l returned from without
// error, when it was suspended for this call alone and the call could not
// keep it (the caller checked that nothing was kept against expectation).
func (ev *Evaluator) releaseArg(l *syntax.Lambda, a syntax.Expr, arg Value) {
	if l.ArgKept || !madeFor(a) {
		return
	}
	if t, ok := arg.(*Thunk); ok {
		ev.releaseThunk(t)
	}
}
