package eval

import (
	"strconv"

	"github.com/cairn-nix/cairn/syntax"
)

// parseAttrPath splits "a.b.\"c.d\"" into its names.
func parseAttrPath(s string) ([]string, error) {
	var res []string
	cur := []byte{}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '.':
			res = append(res, string(cur))
			cur = cur[:0]
		case '"':
			i++
			for {
				if i >= len(s) {
					return nil, &Error{Kind: ParseErr, Msg: "missing closing quote in selection path '" + s + "'"}
				}
				if s[i] == '"' {
					break
				}
				cur = append(cur, s[i])
				i++
			}
		default:
			cur = append(cur, s[i])
		}
	}
	if len(cur) > 0 {
		res = append(res, string(cur))
	}
	return res, nil
}

// FindAlongAttrPath selects attrPath ("a.b.0.c") in v, calling functions
// along the way with autoArgs, as -A does.
func (ev *Evaluator) FindAlongAttrPath(attrPath string, autoArgs *Attrs, v Value) (Value, error) {
	tokens, err := parseAttrPath(attrPath)
	if err != nil {
		return nil, err
	}
	for _, attr := range tokens {
		v, err = ev.AutoCallFunction(autoArgs, v)
		if err != nil {
			return nil, err
		}
		v, err = ev.Force(v, syntax.NoPos)
		if err != nil {
			return nil, err
		}
		if idx, perr := strconv.ParseUint(attr, 10, 32); perr == nil {
			l, ok := v.(*List)
			if !ok {
				return nil, ev.Errorf(TypeErr, syntax.NoPos, "the expression selected by the selection path '%s' should be a list but is %s", attrPath, ShowType(v))
			}
			if idx >= uint64(len(l.Elems)) {
				return nil, ev.Errorf(EvalErr, syntax.NoPos, "list index %d in selection path '%s' is out of range", idx, attrPath)
			}
			v = l.Elems[idx]
			continue
		}
		a, ok := v.(*Attrs)
		if !ok {
			return nil, ev.Errorf(TypeErr, syntax.NoPos, "the expression selected by the selection path '%s' should be a set but is %s", attrPath, ShowType(v))
		}
		if attr == "" {
			return nil, ev.Errorf(EvalErr, syntax.NoPos, "empty attribute name in selection path '%s'", attrPath)
		}
		at, ok := a.GetStr(attr)
		if !ok {
			e := ev.Errorf(EvalErr, syntax.NoPos, "attribute '%s' in selection path '%s' not found", attr, attrPath)
			e.Suggestions = suggestions(a.Names(), attr)
			return nil, e
		}
		v = at.Value
	}
	return v, nil
}

// AutoCallFunction calls a function whose argument is a set of formals
// with the matching automatic arguments (--arg/--argstr); other values
// are returned as they are.
func (ev *Evaluator) AutoCallFunction(args *Attrs, fn Value) (Value, error) {
	fn, err := ev.Force(fn, syntax.NoPos)
	if err != nil {
		return nil, err
	}
	if a, ok := fn.(*Attrs); ok {
		if f, ok := a.Get(symFunctor); ok {
			v, err := ev.CallFunction(f.Value, []Value{a}, syntax.NoPos)
			if err != nil {
				return nil, err
			}
			return ev.AutoCallFunction(args, v)
		}
	}
	c, ok := fn.(*Closure)
	if !ok || c.Fn.Formals == nil {
		return fn, nil
	}
	var list []Attr
	if c.Fn.Formals.Ellipsis {
		list = append(list, args.List...)
	} else {
		for _, f := range c.Fn.Formals.Items {
			if at, ok := args.Get(f.Name); ok {
				list = append(list, *at)
			} else if f.Def == nil {
				return nil, ev.Errorf(MissingArgErr, f.P, `cannot evaluate a function that has an argument without a value ('%s')
Nix attempted to evaluate a function as a top level expression; in
this case it must have its arguments supplied either by default
values, or passed explicitly with '--arg' or '--argstr'. See
https://nix.dev/manual/nix/stable/language/syntax.html#functions.`, f.Name)
			}
		}
	}
	return ev.CallFunction(fn, []Value{NewAttrs(list)}, c.Fn.P)
}

// FindFile resolves a <name> lookup against the search path.
func (ev *Evaluator) FindFile(name string) (string, error) {
	np, err := ev.Force(ev.builtinValue("nixPath"), syntax.NoPos)
	if err != nil {
		return "", err
	}
	v, err := primFindFile(ev, syntax.NoPos, []Value{np, Str(name)})
	if err != nil {
		return "", err
	}
	return string(v.(Path)), nil
}

func (ev *Evaluator) builtinValue(name string) Value {
	if at, ok := ev.builtins.GetStr(name); ok {
		return at.Value
	}
	return Null{}
}
