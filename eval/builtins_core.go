package eval

import (
	"os"
	"strings"

	"github.com/cairn-nix/cairn/syntax"
)

// Core builtins: importing files, errors and their handling, forcing,
// tracing and the search path.

func init() {
	Register(&PrimOp{Name: "import", Arity: 1, Fn: primImport})
	Register(&PrimOp{Name: "scopedImport", Arity: 2, Fn: primScopedImport})
	Register(&PrimOp{Name: "throw", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		s, _, err := ev.CoerceToString(pos, args[0], "while evaluating the error message passed to builtin.throw", false, false)
		if err != nil {
			return nil, err
		}
		return nil, ev.Errorf(ThrownErr, syntax.NoPos, "%s", s)
	}})
	Register(&PrimOp{Name: "abort", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		s, _, err := ev.CoerceToString(pos, args[0], "while evaluating the error message passed to builtins.abort", false, false)
		if err != nil {
			return nil, err
		}
		return nil, ev.Errorf(AbortErr, syntax.NoPos, "evaluation aborted with the following error message: '%s'", s)
	}})
	Register(&PrimOp{Name: "tryEval", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		v, err := ev.Force(args[0], pos)
		if err != nil {
			if e := asError(ev, err); e.Catchable() {
				return NewAttrsBuilder(2).Set("value", Bool(false)).Set("success", Bool(false)).Build(), nil
			}
			return nil, err
		}
		return NewAttrsBuilder(2).Set("value", v).Set("success", Bool(true)).Build(), nil
	}})
	Register(&PrimOp{Name: "seq", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		if _, err := ev.Force(args[0], pos); err != nil {
			return nil, err
		}
		return ev.Force(args[1], pos)
	}})
	Register(&PrimOp{Name: "deepSeq", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		if err := ev.ForceDeep(args[0]); err != nil {
			return nil, err
		}
		return ev.Force(args[1], pos)
	}})
	Register(&PrimOp{Name: "trace", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		v, err := ev.Force(args[0], pos)
		if err != nil {
			return nil, err
		}
		msg := ""
		if s, ok := v.(*String); ok {
			msg = s.S
		} else {
			msg = ev.PrintValue(v, PrintOptions{})
		}
		ev.emitTrace("trace: " + msg)
		return ev.Force(args[1], pos)
	}})
	Register(&PrimOp{Name: "traceVerbose", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		return ev.Force(args[1], pos)
	}})
	Register(&PrimOp{Name: "warn", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		s, err := ev.ForceString(args[0], pos, "while evaluating the first argument; the message passed to builtins.warn")
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		b.WriteString(s.S + "\n")
		syntax.WriteAt(&b, "", ev.fs.Position(pos))
		ev.emitWarning(syntax.IndentMessage("evaluation warning: ", b.String()))
		if ev.Settings.AbortOnWarn {
			return nil, ev.Errorf(EvalErr, syntax.NoPos, "aborting to reveal stack trace of warning, as abort-on-warn is set")
		}
		return ev.Force(args[1], pos)
	}})
	Register(&PrimOp{Name: "addErrorContext", Arity: 2, NoTrace: true, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		v, err := ev.Force(args[1], pos)
		if err == nil {
			return v, nil
		}
		msg, _, err2 := ev.CoerceToString(pos, args[0], "while evaluating the error message passed to builtins.addErrorContext", false, false)
		if err2 != nil {
			return nil, err2
		}
		e := asError(ev, err)
		e.Traces = append(e.Traces, Trace{Msg: msg, Always: true})
		return nil, e
	}})
	Register(&PrimOp{Name: "findFile", Arity: 2, Fn: primFindFile})
	Register(&PrimOp{Name: "break", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		return ev.Force(args[0], pos)
	}})
	RegisterValue("nixPath", func(ev *Evaluator) Value {
		var elems []Value
		for _, e := range ev.Settings.NixPath {
			prefix, path := "", e
			if i := strings.IndexByte(e, '='); i >= 0 {
				prefix, path = e[:i], e[i+1:]
			}
			elems = append(elems, NewAttrsBuilder(2).Set("path", Str(path)).Set("prefix", Str(prefix)).Build())
		}
		return NewList(elems)
	})
	Register(&PrimOp{Name: "typeOf", Arity: 1, forcesArg: true, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		v, err := ev.Force(args[0], pos)
		if err != nil {
			return nil, err
		}
		return Str(v.Type().TypeOf()), nil
	}})
	for _, p := range []struct {
		name string
		t    Type
	}{{"isInt", TInt}, {"isFloat", TFloat}, {"isBool", TBool}, {"isString", TString},
		{"isPath", TPath}, {"isNull", TNull}, {"isAttrs", TAttrs}, {"isList", TList}, {"isFunction", TFunction}} {
		t := p.t
		Register(&PrimOp{Name: p.name, Arity: 1, forcesArg: true, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
			v, err := ev.Force(args[0], pos)
			if err != nil {
				return nil, err
			}
			return Bool(v.Type() == t), nil
		}})
	}
}

func (ev *Evaluator) emitTrace(s string) {
	if ev.Settings.Trace != nil {
		ev.Settings.Trace(s)
	}
}

func (ev *Evaluator) emitWarning(s string) {
	if ev.Settings.Warn != nil {
		ev.Settings.Warn(s)
	}
}

// realisePath turns an import argument into a filesystem path, its
// context realised (symlinks are left to ResolveExprPath).
func (ev *Evaluator) realisePath(pos syntax.Pos, v Value) (string, error) {
	return ev.realiseFile(v, resolveNone)
}

func primImport(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	path, err := ev.realisePath(pos, args[0])
	if err != nil {
		return nil, err
	}
	if imp, ok := ev.Extra["importDerivation"].(func(ev *Evaluator, pos syntax.Pos, path string) (Value, bool, error)); ok {
		if v, handled, err := imp(ev, pos, path); handled || err != nil {
			return v, err
		}
	}
	return ev.EvalFile(path)
}

func primScopedImport(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	path, err := ev.realisePath(pos, args[1])
	if err != nil {
		return nil, err
	}
	scope, err := ev.forceAttrs(args[0], pos, "while evaluating the first argument passed to builtins.scopedImport")
	if err != nil {
		return nil, err
	}
	names := make([]syntax.Symbol, scope.Len())
	vals := make([]Value, scope.Len())
	for i, at := range scope.All() {
		names[i], vals[i] = at.Name, at.Value
	}
	e, err := ev.ParseFile(ev.ResolveExprPath(path), syntax.NewScope(ev.baseScope, names))
	if err != nil {
		return nil, err
	}
	return ev.eval(e, envOf(ev.baseEnv, vals))
}

var (
	symPrefix = syntax.Intern("prefix")
	symPath   = syntax.Intern("path")
)

func primFindFile(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	list, err := ev.forceList(args[0], pos, "while evaluating the first argument passed to builtins.findFile")
	if err != nil {
		return nil, err
	}
	type elem struct{ prefix, path string }
	var elems []elem
	for _, el := range list.Elems {
		a, err := ev.forceAttrs(el, pos, "while evaluating an element of the list passed to builtins.findFile")
		if err != nil {
			return nil, err
		}
		var e elem
		if p, ok := a.Get(symPrefix); ok {
			e.prefix, err = ev.forceStringNoCtx(p.Value, pos, "while evaluating the `prefix` attribute of an element of the list passed to builtins.findFile")
			if err != nil {
				return nil, err
			}
		}
		p, ok := a.Get(symPath)
		if !ok {
			return nil, ev.Errorf(TypeErr, syntax.NoPos, "attribute 'path' missing").AddTrace(syntax.NoPos, "in an element of the __nixPath")
		}
		e.path, _, err = ev.CoerceToString(pos, p.Value, "while evaluating the `path` attribute of an element of the list passed to builtins.findFile", false, false)
		if err != nil {
			return nil, err
		}
		elems = append(elems, e)
	}
	name, err := ev.forceStringNoCtx(args[1], pos, "while evaluating the second argument passed to builtins.findFile")
	if err != nil {
		return nil, err
	}
	for _, e := range elems {
		suffix, ok := "", false
		switch {
		case e.prefix == "":
			suffix, ok = name, true
		case name == e.prefix:
			ok = true
		case strings.HasPrefix(name, e.prefix+"/"):
			suffix, ok = name[len(e.prefix)+1:], true
		}
		if !ok {
			continue
		}
		base := e.path
		if isSearchPathURL(base) {
			// A tarball to download, as Nix does; one that cannot be
			// is skipped with a warning.
			if base = ev.searchPathTarball(base); base == "" {
				continue
			}
		}
		if !strings.HasPrefix(base, "/") {
			if ev.Settings.PureEval {
				continue
			}
			cwd, _ := os.Getwd()
			base = cwd + "/" + base
		}
		// As in Nix, looking where restricted evaluation may not is an
		// error, not a miss.
		candidate := canonPath(base + "/" + suffix)
		if err := ev.CheckAccess(candidate); err != nil {
			return nil, err
		}
		// Looked up through the evaluator's IO: a fetched tarball may
		// be served from memory.
		if real, err := ev.resolveSymlinks(candidate, resolveFull); err == nil {
			if _, err := ev.lstat(real); err != nil {
				continue
			}
			return Path(candidate), nil
		}
	}
	if rest, ok := strings.CutPrefix(name, "nix/"); ok {
		if _, found := corepkgsFile(corepkgsRoot + "/" + rest); found {
			return Path(corepkgsRoot + "/" + rest), nil
		}
	}
	if ev.Settings.PureEval {
		return nil, ev.Errorf(ThrownErr, pos, "cannot look up '<%s>' in pure evaluation mode (use '--impure' to override)", name)
	}
	return nil, ev.Errorf(ThrownErr, pos, "file '%s' was not found in the Nix search path (add it using $NIX_PATH or -I)", name)
}
