package eval

import (
	"github.com/cairn-nix/cairn/syntax"
)

var symFunctor = syntax.Intern("__functor")

func lambdaName(l *syntax.Lambda) string {
	if l.Name != syntax.NoSymbol {
		return "'" + l.Name.String() + "'"
	}
	return "anonymous lambda"
}

// CallFunction applies fn to args (not forced) at pos.
func (ev *Evaluator) CallFunction(fn Value, args []Value, pos syntax.Pos) (Value, error) {
	if ev.callDepth > ev.Settings.MaxCallDepth {
		return nil, ev.Errorf(StackOverflowErr, pos, "stack overflow; max-call-depth exceeded")
	}
	if err := ev.step(pos); err != nil {
		return nil, err
	}
	ev.callDepth++
	v, err := ev.callFunction(fn, args, pos)
	ev.callDepth--
	return v, err
}

func (ev *Evaluator) callFunction(fn Value, args []Value, pos syntax.Pos) (Value, error) {
	cur, err := ev.Force(fn, pos)
	if err != nil {
		return nil, err
	}
	for len(args) > 0 {
		switch f := cur.(type) {
		case *Closure:
			// Curried functions take the following arguments without
			// building the closures in between (see evalCall).
			l, cenv := f.Fn, f.Env
			var chain callChain
			for {
				ev.Stats.Calls++
				env, err := ev.bindLambda(l, cenv, args[0], pos)
				if err != nil {
					return nil, err
				}
				args = args[1:]
				if inner, ok := l.Body.(*syntax.Lambda); ok && len(args) > 0 {
					chain.enter(ev, l, env)
					l, cenv = inner, env
					continue
				}
				kept := ev.envsKept
				v, err := ev.evalLambdaBody(l, env, pos)
				chain.done(ev, l, env, kept)
				if err != nil {
					return nil, err
				}
				cur = v
				break
			}
		case *PrimOp:
			if len(args) < f.Arity {
				return &PrimOpApp{Op: f, Args: append([]Value(nil), args...)}, nil
			}
			v, err := ev.callPrimOp(f, args[:f.Arity], pos)
			if err != nil {
				return nil, err
			}
			cur = v
			args = args[f.Arity:]
		case *PrimOpApp:
			left := f.Op.Arity - len(f.Args)
			if len(args) < left {
				all := make([]Value, 0, len(f.Args)+len(args))
				all = append(append(all, f.Args...), args...)
				return &PrimOpApp{Op: f.Op, Args: all}, nil
			}
			all := make([]Value, 0, f.Op.Arity)
			all = append(append(all, f.Args...), args[:left]...)
			v, err := ev.callPrimOp(f.Op, all, pos)
			if err != nil {
				return nil, err
			}
			cur = v
			args = args[left:]
		case *Attrs:
			functor, ok := f.Get(symFunctor)
			if !ok {
				return nil, ev.notAFunction(cur, pos)
			}
			v, err := ev.CallFunction(functor.Value, []Value{f, args[0]}, functor.Pos)
			if err != nil {
				return nil, asError(ev, err).AddTrace(pos, "while calling a functor (an attribute set with a '__functor' attribute)")
			}
			cur, err = ev.Force(v, pos)
			if err != nil {
				return nil, err
			}
			args = args[1:]
			continue
		default:
			return nil, ev.notAFunction(cur, pos)
		}
		if len(args) > 0 {
			cur, err = ev.Force(cur, pos)
			if err != nil {
				return nil, err
			}
		}
	}
	return cur, nil
}

func (ev *Evaluator) notAFunction(v Value, pos syntax.Pos) error {
	return ev.Errorf(TypeErr, pos, "attempt to call something which is not a function but %s: %s", ShowType(v), ev.errorValue(v))
}

func (ev *Evaluator) callPrimOp(op *PrimOp, args []Value, pos syntax.Pos) (Value, error) {
	ev.Stats.PrimOpCalls++
	// Nix hands a primop the position of the primop value itself, which is
	// always unknown; the call site only appears in the frame below.
	v, err := op.Fn(ev, syntax.NoPos, args)
	if err != nil {
		if !op.NoTrace {
			asError(ev, err).AddTracef(pos, "while calling the '%s' builtin", op.Name)
		}
		return nil, err
	}
	return v, nil
}

func (ev *Evaluator) callLambda(c *Closure, arg Value, pos syntax.Pos) (Value, error) {
	env, err := ev.bindLambda(c.Fn, c.Env, arg, pos)
	if err != nil {
		return nil, err
	}
	kept := ev.envsKept
	v, err := ev.evalLambdaBody(c.Fn, env, pos)
	if !c.Fn.KeepsEnv && kept == ev.envsKept {
		ev.releaseEnv(env, c.Fn)
	}
	return v, err
}

// bindLambda makes the environment of a call of l (closed over cenv) with
// arg: the argument, or the formals taken from it.
func (ev *Evaluator) bindLambda(l *syntax.Lambda, cenv *Env, arg Value, pos syntax.Pos) (*Env, error) {
	n := len(l.Formals.ItemsOrNil())
	if l.Arg != syntax.NoSymbol {
		n++
	}
	env := ev.newCallEnv(cenv, n)
	if l.Formals == nil {
		env.Set(0, arg)
	} else {
		attrs, err := ev.forceAttrs(arg, l.P, "while evaluating the value passed for the lambda argument")
		if err != nil {
			if pos.IsValid() {
				asError(ev, err).AddTrace(pos, "from call site")
			}
			return nil, err
		}
		d := 0
		if l.Arg != syntax.NoSymbol {
			env.Set(0, arg)
			d = 1
		}
		used := 0
		for _, f := range l.Formals.Items {
			if at, ok := attrs.Get(f.Name); ok {
				used++
				env.Set(d, at.Value)
			} else if f.Def != nil {
				env.Set(d, ev.thunk(f.Def, env))
			} else {
				name := "anonymous lambda"
				if l.Name != syntax.NoSymbol {
					name = l.Name.String()
				}
				return nil, ev.Errorf(TypeErr, l.P, "function '%s' called without required argument '%s'", name, syntax.PrintIdentifier(f.Name.String())).AddTrace(pos, "from call site")
			}
			d++
		}
		if !l.Formals.Ellipsis && used != attrs.Len() {
			for _, at := range attrs.All() {
				if !l.Formals.Has(at.Name) {
					name := "anonymous lambda"
					if l.Name != syntax.NoSymbol {
						name = l.Name.String()
					}
					var names []string
					for _, f := range l.Formals.Items {
						names = append(names, f.Name.String())
					}
					e := ev.Errorf(TypeErr, l.P, "function '%s' called with unexpected argument '%s'", name, syntax.PrintIdentifier(at.Name.String()))
					e.Suggestions = suggestions(names, at.Name.String())
					return nil, e.AddTrace(pos, "from call site")
				}
			}
		}
	}
	return env, nil
}

// evalLambdaBody evaluates l's body in the call's environment.
func (ev *Evaluator) evalLambdaBody(l *syntax.Lambda, env *Env, pos syntax.Pos) (Value, error) {
	v, err := ev.eval(l.Body, env)
	if err != nil {
		if ev.Settings.ShowTrace {
			e := asError(ev, err)
			e.AddTracef(l.P, "while calling %s", lambdaName(l))
			if pos.IsValid() {
				e.AddTrace(pos, "from call site")
			}
		}
		return nil, err
	}
	return v, nil
}

// callFunction1 applies fn to a single argument, without an argument
// slice when fn is a Nix function.
func (ev *Evaluator) callFunction1(fn Value, arg Value, pos syntax.Pos) (Value, error) {
	if ev.callDepth > ev.Settings.MaxCallDepth {
		return nil, ev.Errorf(StackOverflowErr, pos, "stack overflow; max-call-depth exceeded")
	}
	if err := ev.step(pos); err != nil {
		return nil, err
	}
	f, err := ev.Force(fn, pos)
	if err != nil {
		return nil, err
	}
	if c, ok := f.(*Closure); ok {
		ev.callDepth++
		ev.Stats.Calls++
		v, err := ev.callLambda(c, arg, pos)
		ev.callDepth--
		return v, err
	}
	return ev.CallFunction(f, []Value{arg}, pos)
}

// argBuf returns room for n builtin arguments on a stack shared by the
// evaluator's builtin calls, so that calling a builtin costs no allocation
// of its own. Builtins never keep their argument slice (only the values in
// it), so the room is given back with releaseArgs when the call returns.
func (ev *Evaluator) argBuf(n int) []Value {
	if len(ev.argSlab)+n > cap(ev.argSlab) {
		ev.argSlab = make([]Value, 0, max(256, n))
	}
	i := len(ev.argSlab)
	ev.argSlab = ev.argSlab[:i+n]
	return ev.argSlab[i : i+n : i+n]
}

// releaseArgs gives back what argBuf returned, clearing it so the stack
// keeps nothing alive. Calls nest, so args is normally the top of the
// stack; when a new slab was started meanwhile, the old room is simply left
// to the collector.
func (ev *Evaluator) releaseArgs(args []Value) {
	clear(args)
	top := len(ev.argSlab) - len(args)
	if len(args) > 0 && top >= 0 && &ev.argSlab[top] == &args[0] {
		ev.argSlab = ev.argSlab[:top]
	}
}

// Pooled call environments. A call of a function whose body cannot keep
// its environment (syntax.Lambda.KeepsEnv is false) gives the environment
// back when the body has been evaluated, and the next call reuses it:
// small functions called in bulk (sort comparators, filter predicates,
// fold operators) then allocate no environment at all.

// pooledEnvMax is the largest environment kept for reuse; newEnv has
// fixed layouts up to this size.
const pooledEnvMax = 5

// newCallEnv returns an environment of n empty slots below up, reusing a
// released one when there is one.
func (ev *Evaluator) newCallEnv(up *Env, n int) *Env {
	k := max(n, 1)
	if k <= pooledEnvMax {
		if free := ev.envPool[k]; len(free) > 0 {
			e := free[len(free)-1]
			ev.envPool[k] = free[:len(free)-1]
			e.Up = up
			return e
		}
	}
	return newEnv(up, n)
}

// releaseEnv gives back the environment of a finished call of l.
func (ev *Evaluator) releaseEnv(e *Env, l *syntax.Lambda) {
	n := len(l.Formals.ItemsOrNil())
	if l.Arg != syntax.NoSymbol {
		n++
	}
	ev.releaseEnvOf(e, max(n, 1))
}

// releaseEnv1 gives back a one-slot environment.
func (ev *Evaluator) releaseEnv1(e *Env) { ev.releaseEnvOf(e, 1) }

func (ev *Evaluator) releaseEnvOf(e *Env, k int) {
	if k > pooledEnvMax {
		return
	}
	if poisonReleasedEnvs {
		poisonEnv(e, k)
		return
	}
	e.Up = nil
	for i := range k {
		e.Set(i, nil)
	}
	ev.envPool[k] = append(ev.envPool[k], e)
}

// callChain follows one call of a curried function (a: b: ...) entered
// without building the closures in between: when the innermost body cannot
// keep its environment, the outer ones are only reachable through it and
// are released with it. A formal's default could be suspended over an
// outer environment, so functions with formals end the chain.
type callChain struct {
	kept int // ev.envsKept when the chain started
	envs [3]*Env
	lams [3]*syntax.Lambda
	n    int
	lost bool
}

// enter records the environment of an outer function of the chain.
func (c *callChain) enter(ev *Evaluator, l *syntax.Lambda, env *Env) {
	if c.n == 0 {
		c.kept = ev.envsKept
	}
	if l.Formals != nil || c.n == len(c.envs) {
		c.lost = true
		return
	}
	c.envs[c.n], c.lams[c.n] = env, l
	c.n++
}

// done releases the chain's environments after the body of l (the
// innermost function) was evaluated in env, and starts a new chain.
func (c *callChain) done(ev *Evaluator, l *syntax.Lambda, env *Env, kept int) {
	if !l.KeepsEnv && kept == ev.envsKept {
		ev.releaseEnv(env, l)
		if !c.lost && (c.n == 0 || c.kept == ev.envsKept) {
			for i := range c.n {
				ev.releaseEnv(c.envs[i], c.lams[i])
			}
		}
	}
	*c = callChain{}
}

// repeatedCall calls one function value many times, as builtins that
// apply a function to every element of a list do (filter, foldl', sort,
// all, any, concatMap, partition, groupBy). A Nix function of one or two
// plain arguments (x: ... or a: b: ...) whose body cannot keep its
// environment is called in environments made once and refilled for every
// call; anything else goes through CallFunction.
type repeatedCall struct {
	fn    Value
	arity int
	inner *syntax.Lambda // the function whose body is evaluated; nil: CallFunction
	cenv  *Env
	envs  [2]*Env // the outer and inner call environments, once made
}

func newRepeatedCall(fn Value, arity int) repeatedCall {
	rc := repeatedCall{fn: fn, arity: arity}
	c, ok := fn.(*Closure)
	if !ok || c.Fn.Formals != nil {
		return rc
	}
	l := c.Fn
	if arity == 2 {
		inner, ok := l.Body.(*syntax.Lambda)
		if !ok || inner.Formals != nil {
			return rc
		}
		l = inner
	}
	if !l.KeepsEnv {
		rc.inner, rc.cenv = l, c.Env
	}
	return rc
}

// call applies the function to args (arity of them) at pos.
func (rc *repeatedCall) call(ev *Evaluator, args []Value, pos syntax.Pos) (Value, error) {
	if rc.inner == nil {
		return ev.CallFunction(rc.fn, args, pos)
	}
	if ev.callDepth > ev.Settings.MaxCallDepth {
		return nil, ev.Errorf(StackOverflowErr, pos, "stack overflow; max-call-depth exceeded")
	}
	if err := ev.step(pos); err != nil {
		return nil, err
	}
	if rc.envs[rc.arity-1] == nil {
		up := rc.cenv
		for i := range rc.arity {
			rc.envs[i] = ev.newCallEnv(up, 1)
			up = rc.envs[i]
		}
	}
	for i := range rc.arity {
		rc.envs[i].Set(0, args[i])
	}
	ev.callDepth++
	ev.Stats.Calls += int64(rc.arity)
	kept := ev.envsKept
	v, err := ev.evalLambdaBody(rc.inner, rc.envs[rc.arity-1], pos)
	ev.callDepth--
	if kept != ev.envsKept {
		rc.envs = [2]*Env{} // kept after all: the next call gets new ones
	}
	return v, err
}

// done gives the environments back once the builtin has made its last
// call.
func (rc *repeatedCall) done(ev *Evaluator) {
	for _, e := range rc.envs[:rc.arity] {
		if e != nil {
			ev.releaseEnv1(e)
		}
	}
	rc.envs = [2]*Env{}
}
