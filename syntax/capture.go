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
	switch e := e.(type) {
	case *Int, *Float, *String, *Path, *Var, *CurPos, *InheritFrom:
		return false
	case *Select:
		return captures(e.E) || (e.Def != nil && captures(e.Def)) || pathCaptures(e.Path)
	case *HasAttr:
		return captures(e.E) || pathCaptures(e.Path)
	case *Attrs:
		if e.Rec || len(e.InheritFrom) > 0 {
			return true
		}
		for _, d := range e.Attrs {
			if !direct(d.E) {
				return true
			}
		}
		for _, d := range e.Dynamic {
			if captures(d.Name) || !direct(d.Value) {
				return true
			}
		}
		return false
	case *List:
		for _, x := range e.Elems {
			if !direct(x) {
				return true
			}
		}
		return false
	case *Call:
		if captures(e.Fn) {
			return true
		}
		for _, a := range e.Args {
			if e.StrictArgs && captures(a) || !e.StrictArgs && !direct(a) {
				return true
			}
		}
		return false
	case *If:
		return captures(e.Cond) || captures(e.Then) || captures(e.Else)
	case *Assert:
		return captures(e.Cond) || captures(e.Body)
	case *Not:
		return captures(e.E)
	case *BinOp:
		return captures(e.L) || captures(e.R)
	case *ConcatStrings:
		for _, p := range e.Parts {
			if captures(p.E) {
				return true
			}
		}
		return false
	}
	// Lambda, Let, With and anything new.
	return true
}

func pathCaptures(path []AttrName) bool {
	for _, n := range path {
		if n.Expr != nil && captures(n.Expr) {
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
	switch e := e.(type) {
	case *Select:
		return passesOn(e.E) || (e.Def != nil && passesOn(e.Def)) || pathPassesOn(e.Path)
	case *HasAttr:
		return passesOn(e.E) || pathPassesOn(e.Path)
	case *Attrs:
		for _, d := range e.Attrs {
			if isArg(d.E) || passesOn(d.E) {
				return true
			}
		}
		for _, d := range e.Dynamic {
			if passesOn(d.Name) || isArg(d.Value) || passesOn(d.Value) {
				return true
			}
		}
		return false
	case *List:
		for _, x := range e.Elems {
			if isArg(x) || passesOn(x) {
				return true
			}
		}
		return false
	case *Call:
		if passesOn(e.Fn) {
			return true
		}
		for _, a := range e.Args {
			if !e.StrictArgs && isArg(a) || passesOn(a) {
				return true
			}
		}
		return false
	case *If:
		return passesOn(e.Cond) || passesOn(e.Then) || passesOn(e.Else)
	case *Assert:
		return passesOn(e.Cond) || passesOn(e.Body)
	case *Not:
		return passesOn(e.E)
	case *BinOp:
		return passesOn(e.L) || passesOn(e.R)
	case *ConcatStrings:
		for _, p := range e.Parts {
			if passesOn(p.E) {
				return true
			}
		}
		return false
	case *Int, *Float, *String, *Path, *Var, *CurPos:
		return false
	}
	return true
}

// isArg reports whether e is the variable of the function's argument.
func isArg(e Expr) bool {
	v, ok := e.(*Var)
	return ok && v.FromWith == nil && v.Level == 0 && v.Displ == 0
}

func pathPassesOn(path []AttrName) bool {
	for _, n := range path {
		if n.Expr != nil && passesOn(n.Expr) {
			return true
		}
	}
	return false
}
