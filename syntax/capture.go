package syntax

// The analysis behind Lambda.KeepsEnv and Call.StrictArgs. It mirrors
// what the evaluator does with an environment: it is captured by every
// suspended expression (a thunk) except the ones it returns directly
// (constants and lexical variables), by every function value, and by the
// scopes of let, rec, with and inherit-from, which point up to it.

// strictBuiltins are the builtins the parser uses for operators that
// force both of their arguments before doing anything else.
var strictBuiltins = map[Symbol]bool{
	Intern("__sub"): true, Intern("__mul"): true,
	Intern("__div"): true, Intern("__lessThan"): true,
}

// isStrictBuiltinCall reports whether c calls one of strictBuiltins with
// both arguments, the name resolving to the base scope (not to a binding
// of the same name, nor to one of scopedImport's scopes).
func isStrictBuiltinCall(c *Call, s *Scope) bool {
	v, ok := c.Fn.(*Var)
	if !ok || v.FromWith != nil || len(c.Args) != 2 || !strictBuiltins[v.Name] {
		return false
	}
	for l := v.Level; l > 0 && s != nil; l-- {
		s = s.up
	}
	return s != nil && s.up == nil
}

// lambdaKeepsEnv reports whether a call of l can leave its environment
// reachable after the body has been evaluated.
func lambdaKeepsEnv(l *Lambda) bool {
	if l.Formals != nil {
		for _, f := range l.Formals.Items {
			if f.Def != nil && !direct(f.Def) {
				return true
			}
		}
	}
	return captures(l.Body)
}

// direct reports whether the evaluator gives e's value without
// suspending it in a thunk over the environment.
func direct(e Expr) bool {
	switch e := e.(type) {
	case *Int, *Float, *String, *Path:
		return true
	case *Var:
		return e.FromWith == nil
	case *List:
		return len(e.Elems) == 0
	case *Call:
		// Integer arithmetic on direct operands is computed at once when
		// the operands are evaluated integers; when it is suspended after
		// all, the evaluator marks the environment as kept.
		return e.StrictArgs && direct(e.Args[0]) && direct(e.Args[1])
	}
	return false
}

// captures reports whether evaluating e can store its environment (or a
// scope below it) in a value.
func captures(e Expr) bool {
	return walk(e, captures, func(x Expr) bool { return !direct(x) })
}

// walk visits what evaluating e does in e's own environment: evaluated
// gets the subexpressions evaluated there, suspended the ones suspended
// over it; walk stops at the first that returns true. Expressions that
// make a scope below the environment (functions, let, with, rec sets,
// inherit-from) return true at once: they keep the environment.
func walk(e Expr, evaluated, suspended func(Expr) bool) bool {
	switch e := e.(type) {
	case *Int, *Float, *String, *Path, *Var, *CurPos, *InheritFrom:
		return false
	case *Select:
		return evaluated(e.E) || (e.Def != nil && evaluated(e.Def)) || walkPath(e.Path, evaluated)
	case *HasAttr:
		return evaluated(e.E) || walkPath(e.Path, evaluated)
	case *Attrs:
		if e.Rec || len(e.InheritFrom) > 0 {
			return true
		}
		for _, d := range e.Attrs {
			if suspended(d.E) {
				return true
			}
		}
		for _, d := range e.Dynamic {
			if evaluated(d.Name) || suspended(d.Value) {
				return true
			}
		}
		return false
	case *List:
		for _, x := range e.Elems {
			if suspended(x) {
				return true
			}
		}
		return false
	case *Call:
		if evaluated(e.Fn) {
			return true
		}
		for _, a := range e.Args {
			if e.StrictArgs && evaluated(a) || !e.StrictArgs && suspended(a) {
				return true
			}
		}
		return false
	case *If:
		return evaluated(e.Cond) || evaluated(e.Then) || evaluated(e.Else)
	case *Assert:
		return evaluated(e.Cond) || evaluated(e.Body)
	case *Not:
		return evaluated(e.E)
	case *BinOp:
		return evaluated(e.L) || evaluated(e.R)
	case *ConcatStrings:
		for _, p := range e.Parts {
			if evaluated(p.E) {
				return true
			}
		}
		return false
	}
	// Lambda, Let, With and anything new.
	return true
}

func walkPath(path []AttrName, evaluated func(Expr) bool) bool {
	for _, n := range path {
		if n.Expr != nil && evaluated(n.Expr) {
			return true
		}
	}
	return false
}

// passesOn reports whether evaluating e, the body of a function x: e that
// does not keep its environment, can store the argument x itself (the
// suspended value in slot 0) somewhere: wherever the evaluator suspends a
// variable it passes the variable's slot on as it is. Everywhere else a
// variable is evaluated and only its value goes on.
func passesOn(e Expr) bool {
	return walk(e, passesOn, func(x Expr) bool { return isArg(x) || passesOn(x) })
}

// isArg reports whether e is the variable of the function's argument.
func isArg(e Expr) bool {
	v, ok := e.(*Var)
	return ok && v.FromWith == nil && v.Level == 0 && v.Displ == 0
}
