package evalstore

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"syscall"

	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/nar"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
	"github.com/cairn-nix/cairn/syntax"
)

// Adding source paths to the store: the NAR dump (with builtins.path's
// filter), the hash and path computation, and the builtins path and
// filterSource.

func init() {
	eval.Register(&eval.PrimOp{Name: "path", Arity: 1, Fn: primPath})
	eval.Register(&eval.PrimOp{Name: "filterSource", Arity: 2, Fn: primFilterSource})
}

// pathFilter decides whether an entry below the dumped root is included.
type pathFilter func(path, typ string) (bool, error)

// fsError is a file system failure worded as Nix words it.
type fsError struct{ msg string }

func (e *fsError) Error() string { return e.msg }

func sysError(what string, err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		return &fsError{what + ": " + strings.ToUpper(s[:1]) + s[1:]}
	}
	return &fsError{what + ": " + err.Error()}
}

func lstatError(p string, err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return &fsError{"path '" + p + "' does not exist"}
	}
	return sysError("getting status of '"+p+"'", err)
}

func typeName(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "regular"
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	}
	return "unknown"
}

// dumpNAR writes the NAR of the file system object at root, as Nix's
// dumpPath does: entries in name order, each below the root offered to
// filter first.
func dumpNAR(w io.Writer, root string, filter pathFilter) error {
	nw := nar.NewWriter(w)
	if err := dumpNode(nw, root, "/", filter); err != nil {
		return err
	}
	return nw.Close()
}

// corepkgsLstat and corepkgsNames read the evaluator's built-in
// <nix/...> files, which are not on disk.
func corepkgsLstat(p string) (fs.FileInfo, error) {
	rel, _ := eval.CorepkgsPath(p)
	return fs.Stat(eval.CorepkgsFS(), rel)
}

func corepkgsNames(p string) ([]string, error) {
	rel, _ := eval.CorepkgsPath(p)
	entries, err := fs.ReadDir(eval.CorepkgsFS(), rel)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, err
}

func dumpNode(nw *nar.Writer, p, narPath string, filter pathFilter) error {
	lstat, open := os.Lstat, func(p string) (fs.File, error) { return os.Open(p) }
	readNames := func(p string) ([]string, error) {
		f, err := os.Open(p)
		if err != nil {
			return nil, sysError("opening directory '"+p+"'", err)
		}
		defer f.Close()
		names, err := f.Readdirnames(-1)
		if err != nil {
			return nil, sysError("reading directory '"+p+"'", err)
		}
		return names, nil
	}
	if rel, ok := eval.CorepkgsPath(p); ok {
		lstat, readNames = corepkgsLstat, corepkgsNames
		open = func(string) (fs.File, error) { return eval.CorepkgsFS().Open(rel) }
	}
	fi, err := lstat(p)
	if err != nil {
		return lstatError(p, err)
	}
	switch m := fi.Mode(); {
	case m.IsRegular():
		f, err := open(p)
		if err != nil {
			return sysError("opening file '"+p+"'", err)
		}
		defer f.Close()
		if err := nw.WriteHeader(&nar.Header{Path: narPath, Type: nar.TypeRegular, Executable: m&0o100 != 0, Size: fi.Size()}); err != nil {
			return err
		}
		if _, err := io.Copy(nw, f); err != nil {
			return sysError("reading file '"+p+"'", err)
		}
		return nil
	case m.IsDir():
		names, err := readNames(p)
		if err != nil {
			return err
		}
		sort.Strings(names)
		if err := nw.WriteHeader(&nar.Header{Path: narPath, Type: nar.TypeDirectory}); err != nil {
			return err
		}
		for _, name := range names {
			child := strings.TrimSuffix(p, "/") + "/" + name
			if filter != nil {
				cfi, err := lstat(child)
				if err != nil {
					return lstatError(child, err)
				}
				ok, err := filter(child, typeName(cfi.Mode()))
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
			}
			if err := dumpNode(nw, child, strings.TrimSuffix(narPath, "/")+"/"+name, filter); err != nil {
				return err
			}
		}
		return nil
	case m&fs.ModeSymlink != 0:
		target, err := os.Readlink(p)
		if err != nil {
			return sysError("reading symbolic link '"+p+"'", err)
		}
		return nw.WriteHeader(&nar.Header{Path: narPath, Type: nar.TypeSymlink, LinkTarget: target})
	}
	return &fsError{"file '" + p + "' has an unsupported type"}
}

// readFlat reads a file for flat hashing. Nix opens the path and reads
// it whatever it is, so a directory fails on the read.
func readFlat(p string) ([]byte, error) {
	if rel, ok := eval.CorepkgsPath(p); ok {
		return fs.ReadFile(eval.CorepkgsFS(), rel)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, &fsError{"path '" + p + "' does not exist"}
		case errors.Is(err, syscall.EISDIR):
			return nil, &fsError{"read of 4096 bytes: Is a directory"}
		}
		return nil, sysError("opening file '"+p+"'", err)
	}
	return data, nil
}

// addPath computes the store path of the object at p (its symlinks
// resolved as the caller wants) ingested with method (NAR or Flat) under
// name, and adds it to the store unless read-only.
func (g *IO) addPath(ev *eval.Evaluator, p, name string, method storepath.Method, filter pathFilter, pos syntax.Pos) (storepath.StorePath, error) {
	var (
		h    nixhash.Hash
		data []byte // what is to be written: the NAR, or the flat file
	)
	keep := !g.readOnly && g.store != nil
	if method == storepath.Flat {
		contents, err := readFlat(p)
		if err != nil {
			return storepath.StorePath{}, g.wrap(ev, err)
		}
		h = nixhash.Sum(nixhash.SHA256, contents)
		data = contents
	} else {
		hs := nixhash.NewHasher(nixhash.SHA256)
		var w io.Writer = hs
		var buf bytes.Buffer
		if keep {
			w = io.MultiWriter(hs, &buf)
		}
		if err := dumpNAR(w, p, filter); err != nil {
			return storepath.StorePath{}, g.wrap(ev, err)
		}
		h = hs.Sum()
		data = buf.Bytes()
	}
	sp, err := g.dir.MakeFixedOutputPath(name, method, h, storepath.References{})
	if err != nil {
		return storepath.StorePath{}, g.wrap(ev, err)
	}
	if keep {
		got, err := g.store.AddDump(bytes.NewReader(data), name, method, nixhash.SHA256, nil)
		if err != nil {
			return storepath.StorePath{}, g.wrap(ev, err)
		}
		if got != sp {
			return storepath.StorePath{}, ev.Errorf(eval.EvalErr, syntax.NoPos, "store added '%s' as '%s', not as the computed '%s'", p, g.dir.Print(got), g.dir.Print(sp))
		}
	}
	return sp, nil
}

// wrap turns a Go error into an evaluation error without a position.
func (g *IO) wrap(ev *eval.Evaluator, err error) *eval.Error {
	if e, ok := err.(*eval.Error); ok {
		return e
	}
	return ev.Errorf(eval.EvalErr, syntax.NoPos, "%s", err.Error())
}

func asErr(ev *eval.Evaluator, err error) *eval.Error {
	if e, ok := err.(*eval.Error); ok {
		return e
	}
	return ev.Errorf(eval.EvalErr, syntax.NoPos, "%s", err.Error())
}

// warn prints a warning as Nix's warn() does.
func warn(ev *eval.Evaluator, format string, args ...any) {
	if ev.Settings.Warn != nil {
		ev.Settings.Warn(syntax.IndentMessage("warning: ", ev.Errorf(eval.EvalErr, syntax.NoPos, format, args...).Msg))
	}
}

// parseHashAllowEmpty is Nix's newHashAllowEmpty: an empty hash is the
// zero hash of the algorithm, with a warning.
func parseHashAllowEmpty(ev *eval.Evaluator, s string, algo nixhash.Algorithm) (nixhash.Hash, error) {
	h, empty, err := nixhash.ParseAllowEmpty(s, algo)
	if err != nil {
		return h, ev.Errorf(eval.EvalErr, syntax.NoPos, "%s", err.Error())
	}
	if empty {
		warn(ev, "found empty hash, assuming '%s'", h.SRI())
	}
	return h, nil
}

var (
	symPath      = syntax.Intern("path")
	symName      = syntax.Intern("name")
	symFilter    = syntax.Intern("filter")
	symRecursive = syntax.Intern("recursive")
	symSha256    = syntax.Intern("sha256")
)

func primPath(ev *eval.Evaluator, pos syntax.Pos, args []eval.Value) (eval.Value, error) {
	attrs, err := ev.ForceAttrs(args[0], pos, "while evaluating the argument passed to 'builtins.path'")
	if err != nil {
		return nil, err
	}
	var (
		path     string
		havePath bool
		name     string
		filter   eval.Value
		method   = storepath.NAR
		expected nixhash.Hash
		ctx      eval.Context
	)
	for _, at := range attrs.All() {
		switch at.Name {
		case symPath:
			path, ctx, err = ev.CoerceToPath(at.Pos, at.Value, "while evaluating the 'path' attribute passed to 'builtins.path'")
			if err != nil {
				return nil, err
			}
			path, havePath = canon(path), true
		case symName:
			name, err = ev.ForceStringNoCtx(at.Value, at.Pos, "while evaluating the `name` attribute passed to builtins.path")
			if err != nil {
				return nil, err
			}
		case symFilter:
			filter, err = ev.ForceFunction(at.Value, at.Pos, "while evaluating the `filter` parameter passed to builtins.path")
			if err != nil {
				return nil, err
			}
		case symRecursive:
			rec, err := ev.ForceBool(at.Value, at.Pos, "while evaluating the `recursive` attribute passed to builtins.path")
			if err != nil {
				return nil, err
			}
			if !rec {
				method = storepath.Flat
			}
		case symSha256:
			s, err := ev.ForceStringNoCtx(at.Value, at.Pos, "while evaluating the `sha256` attribute passed to builtins.path")
			if err != nil {
				return nil, err
			}
			if expected, err = parseHashAllowEmpty(ev, s, nixhash.SHA256); err != nil {
				return nil, err
			}
		default:
			return nil, ev.Errorf(eval.EvalErr, at.Pos, "unsupported argument '%s' to 'builtins.path'", at.Name)
		}
	}
	if !havePath {
		return nil, ev.Errorf(eval.EvalErr, pos, "missing required 'path' attribute in the first argument to 'builtins.path'")
	}
	if name == "" {
		name = baseName(path)
	}
	return addPathBuiltin(ev, pos, name, path, filter, method, expected, ctx)
}

func primFilterSource(ev *eval.Evaluator, pos syntax.Pos, args []eval.Value) (eval.Value, error) {
	path, ctx, err := ev.CoerceToPath(pos, args[1], "while evaluating the second argument (the path to filter) passed to 'builtins.filterSource'")
	if err != nil {
		return nil, err
	}
	path = canon(path)
	filter, err := ev.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.filterSource")
	if err != nil {
		return nil, err
	}
	return addPathBuiltin(ev, pos, baseName(path), path, filter, storepath.NAR, nixhash.Hash{}, ctx)
}

// addPathBuiltin is Nix's addPath: the path with its symlinks resolved,
// filtered, checked against an expected hash.
func addPathBuiltin(ev *eval.Evaluator, pos syntax.Pos, name, path string, filterFn eval.Value, method storepath.Method, expected nixhash.Hash, ctx eval.Context) (eval.Value, error) {
	g := ioOf(ev)
	sp, err := func() (storepath.StorePath, error) {
		var refs storepath.References
		if g.dir.IsInStore(path) && len(ctx) > 0 {
			if err := g.RealiseContext(ev, ctx); err != nil {
				return storepath.StorePath{}, err
			}
			if base, _, err := g.dir.SplitPath(path); err == nil && g.store != nil {
				refs.Others, _ = g.store.References(base)
			}
		}
		var filter pathFilter
		if filterFn != nil {
			filter = func(p, typ string) (bool, error) {
				r, err := ev.CallFunction(filterFn, []eval.Value{eval.Str(p), eval.Str(typ)}, pos)
				if err != nil {
					return false, err
				}
				return ev.ForceBool(r, pos, "while evaluating the return value of the path filter function")
			}
		}
		var want storepath.StorePath
		if !expected.IsZero() {
			var err error
			want, err = g.dir.MakePathFromCA(name, storepath.ContentAddress{Method: method, Hash: expected}, refs)
			if err != nil {
				return storepath.StorePath{}, g.wrap(ev, err)
			}
			if g.isValid(want) {
				return want, nil
			}
		}
		resolved, err := ev.ResolveSymlinks(path, true)
		if err != nil {
			return storepath.StorePath{}, err
		}
		if err := ev.CheckAccessTree(resolved); err != nil {
			return storepath.StorePath{}, err
		}
		got, err := g.addPath(ev, resolved, name, method, filter, pos)
		if err != nil {
			return storepath.StorePath{}, err
		}
		if !expected.IsZero() && got != want {
			return storepath.StorePath{}, ev.Errorf(eval.EvalErr, pos, "store path mismatch in (possibly filtered) path added from '%s'", path)
		}
		return got, nil
	}()
	if err != nil {
		return nil, asErr(ev, err).AddTracef(pos, "while adding path '%s'", path)
	}
	full := g.dir.Print(sp)
	ev.AllowPath(full)
	return eval.StrCtx(full, eval.Context{full}), nil
}

// canon puts an absolute path in canonical form, as Nix's CanonPath.
func canon(p string) string {
	var out []string
	for _, c := range strings.Split(p, "/") {
		switch c {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, c)
		}
	}
	return "/" + strings.Join(out, "/")
}

func baseName(p string) string {
	return p[strings.LastIndexByte(p, '/')+1:]
}
