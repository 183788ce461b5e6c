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
		list = append(list, args.All()...)
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

var (
	symOutputName            = syntax.Intern("outputName")
	symRecurseForDerivations = syntax.Intern("recurseForDerivations")
	symCombineChannels       = syntax.Intern("_combineChannels")
)

// Derivation is a derivation found by GetDerivations: its attribute
// path and attributes.
type Derivation struct {
	AttrPath string
	Attrs    *Attrs
}

// GetDerivations finds the derivations v stands for, as nix-instantiate
// and nix-build do (Nix's getDerivations): v itself, the derivations among
// a set's attributes (and in nested sets that have
// recurseForDerivations = true), or a list's elements; functions are
// called with autoArgs.
func (ev *Evaluator) GetDerivations(v Value, autoArgs *Attrs) ([]Derivation, error) {
	var out []Derivation
	done := map[*Attrs]bool{}
	return out, ev.getDerivations(v, "", autoArgs, &out, done)
}

// getDerivation adds v if it is a derivation; it reports whether the
// caller should look inside v.
func (ev *Evaluator) getDerivation(v Value, path string, out *[]Derivation, done map[*Attrs]bool) (bool, error) {
	fv, err := ev.Force(v, determinePos(v, syntax.NoPos))
	if err != nil {
		return false, err
	}
	isDrv, err := ev.IsDerivation(fv)
	if err != nil || !isDrv {
		return err == nil, err
	}
	a := fv.(*Attrs)
	if done[a] {
		return false, nil
	}
	done[a] = true
	if n, ok := a.Get(symName); ok {
		if _, err := ev.ForceStringNoCtx(n.Value, n.Pos, "while evaluating the 'name' attribute of a derivation"); err != nil {
			return false, err
		}
	} else {
		return false, ev.Errorf(EvalErr, syntax.NoPos, "derivation name missing")
	}
	*out = append(*out, Derivation{AttrPath: path, Attrs: a})
	return false, nil
}

func isAttrPathComponent(s string) bool {
	if s == "" || !(s[0] >= 'A' && s[0] <= 'Z' || s[0] >= 'a' && s[0] <= 'z' || s[0] == '_') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '+') {
			return false
		}
	}
	return true
}

func joinAttrPath(prefix, s string) string {
	if prefix == "" {
		return s
	}
	return prefix + "." + s
}

func (ev *Evaluator) getDerivations(vIn Value, prefix string, autoArgs *Attrs, out *[]Derivation, done map[*Attrs]bool) error {
	v, err := ev.AutoCallFunction(autoArgs, vIn)
	if err != nil {
		return err
	}
	more, err := ev.getDerivation(v, prefix, out, done)
	if err != nil || !more {
		return err
	}
	switch x := v.(type) {
	case *Attrs:
		_, combine := x.Get(symCombineChannels)
		for _, at := range x.Sorted() {
			name := at.Name.String()
			if !isAttrPathComponent(name) {
				continue
			}
			p := joinAttrPath(prefix, name)
			err := func() error {
				if combine {
					return ev.getDerivations(at.Value, p, autoArgs, out, done)
				}
				more, err := ev.getDerivation(at.Value, p, out, done)
				if err != nil || !more {
					return err
				}
				fv, _ := ev.Force(at.Value, at.Pos)
				if sub, ok := fv.(*Attrs); ok {
					if r, ok := sub.Get(symRecurseForDerivations); ok {
						rec, err := ev.ForceBool(r.Value, r.Pos, "while evaluating the attribute `recurseForDerivations`")
						if err != nil {
							return err
						}
						if rec {
							return ev.getDerivations(at.Value, p, autoArgs, out, done)
						}
					}
				}
				return nil
			}()
			if err != nil {
				return asError(ev, err).AddTracef(at.Pos, "while evaluating the attribute '%s'", name)
			}
		}
	case *List:
		for i, el := range x.Elems {
			p := joinAttrPath(prefix, strconv.Itoa(i))
			more, err := ev.getDerivation(el, p, out, done)
			if err != nil {
				return err
			}
			if more {
				if err := ev.getDerivations(el, p, autoArgs, out, done); err != nil {
					return err
				}
			}
		}
	default:
		return ev.Errorf(TypeErr, syntax.NoPos, "expression does not evaluate to a derivation (or a set or list of those)")
	}
	return nil
}

// DrvPathOf returns a derivation's .drv path and output name.
func (ev *Evaluator) DrvPathOf(d Derivation) (drvPath, outputName string, err error) {
	dp, ok := d.Attrs.Get(symDrvPath)
	if !ok {
		return "", "", ev.Errorf(EvalErr, syntax.NoPos, "derivation does not contain a 'drvPath' attribute")
	}
	drvPath, _, err = ev.CoerceToString(dp.Pos, dp.Value, "while evaluating the 'drvPath' attribute of a derivation", false, false)
	if err != nil {
		return "", "", err
	}
	if on, ok := d.Attrs.Get(symOutputName); ok {
		outputName, err = ev.ForceStringNoCtx(on.Value, on.Pos, "while evaluating the output name of a derivation")
		if err != nil {
			return "", "", err
		}
	}
	if outputName == "" {
		return "", "", ev.Errorf(EvalErr, syntax.NoPos, "derivation '%s' lacks an 'outputName' attribute", drvPath)
	}
	return drvPath, outputName, nil
}
