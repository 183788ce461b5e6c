package eval

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-nix/cairn/syntax"
)

func (ev *Evaluator) parseOptions(baseDir string) *syntax.Options {
	return &syntax.Options{
		BaseDir:                  baseDir,
		Home:                     ev.Settings.Home,
		PureEval:                 ev.Settings.PureEval,
		Pipes:                    ev.Settings.Features["pipe-operators"],
		LintURLLiterals:          ev.Settings.Lints.URL,
		LintAbsolutePathLiterals: ev.Settings.Lints.AbsolutePath,
		LintShortPathLiterals:    ev.Settings.Lints.ShortPath,
		Warn:                     ev.Settings.Warn,
	}
}

// Parse parses source text. kind says how positions name it; name is the
// file path for syntax.OriginPath; baseDir resolves relative paths.
func (ev *Evaluator) Parse(src []byte, kind syntax.OriginKind, name, baseDir string, scope *syntax.Scope) (syntax.Expr, error) {
	f := ev.fs.AddFile(name, kind, src)
	if _, builtIn := CorepkgsPath(name); builtIn && kind == syntax.OriginPath {
		f.Display = ShowPath(Path(name))
	}
	e, err := syntax.Parse(ev.fs, f, ev.parseOptions(baseDir))
	if err != nil {
		return nil, asError(ev, err)
	}
	if scope == nil {
		scope = ev.baseScope
	}
	if err := syntax.Bind(ev.fs, e, scope); err != nil {
		return nil, asError(ev, err)
	}
	return e, nil
}

// ParseString parses an expression given on the command line (-E).
func (ev *Evaluator) ParseString(src, baseDir string) (syntax.Expr, error) {
	return ev.Parse([]byte(src), syntax.OriginString, "", baseDir, nil)
}

// ParseFile reads and parses a file.
func (ev *Evaluator) ParseFile(path string, scope *syntax.Scope) (syntax.Expr, error) {
	src, ok := corepkgsFile(path)
	if !ok {
		if err := ev.CheckAccess(path); err != nil {
			return nil, err
		}
		var err error
		if src, err = ev.readFile(path); err != nil {
			return nil, ev.Errorf(IOErr, syntax.NoPos, "%s", ioMessage(err, path))
		}
	}
	return ev.Parse(src, syntax.OriginPath, path, filepath.Dir(path), scope)
}

func ioMessage(err error, path string) string {
	var pe *os.PathError
	msg := err.Error()
	if ok := asPathError(err, &pe); ok {
		switch {
		case notExist(err): // ENOTDIR too, as Nix's maybeLstat
			return "path '" + path + "' does not exist"
		case pe.Err != nil:
			msg = "reading file '" + path + "': " + capitalize(pe.Err.Error())
		}
	}
	return msg
}

func asPathError(err error, target **os.PathError) bool {
	pe, ok := err.(*os.PathError)
	if ok {
		*target = pe
	}
	return ok
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Eval evaluates a bound expression in the base environment.
func (ev *Evaluator) Eval(e syntax.Expr) (Value, error) {
	v, err := ev.eval(e, ev.baseEnv)
	if err != nil {
		return nil, asError(ev, err)
	}
	return v, nil
}

// ResolveExprPath follows symlinks of the last component and adds
// /default.nix to a directory, as Nix does for import.
func (ev *Evaluator) ResolveExprPath(path string) string {
	for i := 0; i < 1024; i++ {
		t, err := ev.lstatAllowed(path)
		if err != nil || t != "symlink" {
			break
		}
		target, err := ev.readlink(path)
		if err != nil {
			break
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = canonPath(target)
	}
	if t, err := ev.lstat(path); err == nil && t == "directory" && ev.pathAllowed(path) {
		return canonPath(path + "/default.nix")
	}
	return path
}

// EvalFile evaluates a file once per evaluator (import's cache).
func (ev *Evaluator) EvalFile(path string) (Value, error) {
	path = ev.ResolveExprPath(path)
	if v, ok := ev.fileCache[path]; ok {
		return ev.Force(v, syntax.NoPos)
	}
	e, err := ev.ParseFile(path, nil)
	if err != nil {
		return nil, err
	}
	t := NewThunk(e, ev.baseEnv)
	ev.fileCache[path] = t
	return ev.Force(t, syntax.NoPos)
}

// ForceDeep forces v and everything inside it, as --strict does.
func (ev *Evaluator) ForceDeep(v Value) error {
	seen := map[any]bool{}
	var rec func(v Value, pos syntax.Pos) error
	rec = func(v Value, pos syntax.Pos) error {
		if ev.callDepth > ev.Settings.MaxCallDepth {
			return ev.Errorf(StackOverflowErr, pos, "stack overflow; max-call-depth exceeded")
		}
		ev.callDepth++
		defer func() { ev.callDepth-- }()
		if t, ok := v.(*Thunk); ok && t.isApp() {
			pos = determinePos(t, pos)
		}
		fv, err := ev.Force(v, pos)
		if err != nil {
			return err
		}
		switch x := fv.(type) {
		case *Attrs:
			if seen[x] {
				return nil
			}
			seen[x] = true
			for _, at := range x.All() {
				if err := rec(at.Value, at.Pos); err != nil {
					return asError(ev, err).AddTracef(at.Pos, "while evaluating the attribute '%s'", syntax.PrintIdentifier(at.Name.String()))
				}
			}
		case *List:
			if seen[x] {
				return nil
			}
			seen[x] = true
			for i, el := range x.Elems {
				if err := rec(el, syntax.NoPos); err != nil {
					return asError(ev, err).AddTracef(syntax.NoPos, "while evaluating list element at index %d", i)
				}
			}
		}
		return nil
	}
	return rec(v, syntax.NoPos)
}
