package eval

import (
	"strings"

	"github.com/cairn-nix/cairn/syntax"
)

// String context builtins: getContext, hasContext, appendContext,
// unsafeDiscardStringContext, unsafeDiscardOutputDependency and
// addDrvOutputDependencies.
//
// Context elements are kept in Nix's string encoding (see String):
// "/nix/store/x" for a plain store path, "=/nix/store/x.drv" for a
// derivation with all its outputs, "!out!/nix/store/x.drv" for one output.

var (
	symAllOutputs = syntax.Intern("allOutputs")
	symOutputs    = syntax.Intern("outputs")
)

func init() {
	Register(&PrimOp{Name: "unsafeDiscardStringContext", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		s, _, err := ev.CoerceToString(pos, args[0], "while evaluating the argument passed to builtins.unsafeDiscardStringContext", false, true)
		if err != nil {
			return nil, err
		}
		return Str(s), nil
	}})
	Register(&PrimOp{Name: "hasContext", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		s, err := ev.ForceString(args[0], pos, "while evaluating the argument passed to builtins.hasContext")
		if err != nil {
			return nil, err
		}
		return Bool(len(s.Ctx()) > 0), nil
	}})
	Register(&PrimOp{Name: "unsafeDiscardOutputDependency", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		s, ctx, err := ev.CoerceToString(pos, args[0], "while evaluating the argument passed to builtins.unsafeDiscardOutputDependency", false, true)
		if err != nil {
			return nil, err
		}
		out := make([]string, len(ctx))
		for i, e := range ctx {
			out[i] = strings.TrimPrefix(e, "=")
		}
		return strCtx(s, NewContext(out...)), nil
	}})
	Register(&PrimOp{Name: "addDrvOutputDependencies", Arity: 1, Fn: primAddDrvOutputDependencies})
	Register(&PrimOp{Name: "getContext", Arity: 1, Fn: primGetContext})
	Register(&PrimOp{Name: "appendContext", Arity: 2, Fn: primAppendContext})
}

func primAddDrvOutputDependencies(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	s, ctx, err := ev.CoerceToString(pos, args[0], "while evaluating the argument passed to builtins.addDrvOutputDependencies", false, true)
	if err != nil {
		return nil, err
	}
	if len(ctx) != 1 {
		return nil, ev.Errorf(EvalErr, pos, "context of string '%s' must have exactly one element, but has %d", s, len(ctx))
	}
	e := ctx[0]
	switch {
	case strings.HasPrefix(e, "="):
		return StrCtx(s, ctx), nil
	case strings.HasPrefix(e, "!"):
		output, _, _ := strings.Cut(e[1:], "!")
		return nil, ev.Errorf(EvalErr, pos, "`addDrvOutputDependencies` can only act on derivations, not on a derivation output such as '%s'", output)
	}
	if !strings.HasSuffix(e, ".drv") {
		return nil, ev.Errorf(EvalErr, pos, "path '%s' is not a derivation", e)
	}
	return StrCtx(s, Context{"=" + e}), nil
}

// contextInfo is what getContext reports for one store path.
type contextInfo struct {
	path, allOutputs bool
	outputs          []string
}

func primGetContext(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	s, err := ev.ForceString(args[0], pos, "while evaluating the argument passed to builtins.getContext")
	if err != nil {
		return nil, err
	}
	infos := map[string]*contextInfo{}
	info := func(p string) *contextInfo {
		if infos[p] == nil {
			infos[p] = &contextInfo{}
		}
		return infos[p]
	}
	// s.Ctx() is sorted, so the outputs of a derivation come out sorted.
	for _, e := range s.Ctx() {
		switch {
		case strings.HasPrefix(e, "="):
			info(e[1:]).allOutputs = true
		case strings.HasPrefix(e, "!"):
			output, drv, _ := strings.Cut(e[1:], "!")
			// A dynamic derivation's output is named by the derivation
			// that the innermost one is.
			if i := strings.LastIndexByte(drv, '!'); i >= 0 {
				drv = drv[i+1:]
			}
			in := info(drv)
			in.outputs = append(in.outputs, output)
		default:
			info(e).path = true
		}
	}
	b := NewAttrsBuilder(len(infos))
	for p, in := range infos {
		ib := NewAttrsBuilder(3)
		if in.path {
			ib.Set("path", Bool(true))
		}
		if in.allOutputs {
			ib.Set("allOutputs", Bool(true))
		}
		if len(in.outputs) > 0 {
			outs := make([]Value, len(in.outputs))
			for i, o := range in.outputs {
				outs[i] = Str(o)
			}
			ib.Set("outputs", NewList(outs))
		}
		b.Set(p, ib.Build())
	}
	return b.Build(), nil
}

// parseStorePath returns p canonicalised if it is a valid path directly
// in the store directory, as Store::parseStorePath accepts it.
func (ev *Evaluator) parseStorePath(p string) (string, bool) {
	if p == "" || p[0] != '/' {
		return "", false
	}
	p = canonPath(p)
	return p, ev.isStorePath(p)
}

// isStorePath reports whether p is a valid path directly in the store
// directory.
func (ev *Evaluator) isStorePath(p string) bool {
	dir := ev.Settings.StoreDir
	if !strings.HasPrefix(p, dir+"/") {
		return false
	}
	base := p[len(dir)+1:]
	if strings.IndexByte(base, '/') >= 0 || len(base) < 34 || base[32] != '-' {
		return false
	}
	for i := 0; i < 32; i++ {
		c := base[i]
		if c == 'e' || c == 'o' || c == 'u' || c == 't' || !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	name := base[33:]
	if len(name) > 211 {
		return false
	}
	if name[0] == '.' && (name == "." || name == ".." || strings.HasPrefix(name, ".-") || strings.HasPrefix(name, "..-")) {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.IndexByte("+-._?=", c) >= 0) {
			return false
		}
	}
	return true
}

func primAppendContext(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	orig, err := ev.ForceString(args[0], syntax.NoPos, "while evaluating the first argument passed to builtins.appendContext")
	if err != nil {
		return nil, err
	}
	attrs, err := ev.forceAttrs(args[1], pos, "while evaluating the second argument passed to builtins.appendContext")
	if err != nil {
		return nil, err
	}
	var add []string
	for _, at := range attrs.All() {
		name := at.Name.String()
		path, ok := ev.parseStorePath(name)
		if !ok {
			return nil, ev.Errorf(EvalErr, at.Pos, "context key '%s' is not a store path", syntax.PrintIdentifier(name))
		}
		info, err := ev.forceAttrs(at.Value, at.Pos, "while evaluating the value of a string context")
		if err != nil {
			return nil, err
		}
		if a, ok := info.Get(symPath); ok {
			b, err := ev.ForceBool(a.Value, a.Pos, "while evaluating the `path` attribute of a string context")
			if err != nil {
				return nil, err
			}
			if b {
				add = append(add, path)
			}
		}
		if a, ok := info.Get(symAllOutputs); ok {
			b, err := ev.ForceBool(a.Value, a.Pos, "while evaluating the `allOutputs` attribute of a string context")
			if err != nil {
				return nil, err
			}
			if b {
				if !strings.HasSuffix(name, ".drv") {
					return nil, ev.Errorf(EvalErr, at.Pos, "tried to add all-outputs context of %s, which is not a derivation, to a string", syntax.PrintIdentifier(name))
				}
				add = append(add, "="+path)
			}
		}
		if a, ok := info.Get(symOutputs); ok {
			l, err := ev.forceList(a.Value, a.Pos, "while evaluating the `outputs` attribute of a string context")
			if err != nil {
				return nil, err
			}
			if len(l.Elems) > 0 && !strings.HasSuffix(name, ".drv") {
				return nil, ev.Errorf(EvalErr, at.Pos, "tried to add derivation output context of %s, which is not a derivation, to a string", syntax.PrintIdentifier(name))
			}
			for _, el := range l.Elems {
				o, err := ev.forceStringNoCtx(el, a.Pos, "while evaluating an output name within a string context")
				if err != nil {
					return nil, err
				}
				add = append(add, "!"+o+"!"+path)
			}
		}
	}
	return strCtx(orig.S, orig.Ctx().Union(NewContext(add...))), nil
}
