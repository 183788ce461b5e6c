package eval

import (
	"errors"
	"io/fs"
	"sort"
	"strings"
	"syscall"

	"github.com/cairn-nix/cairn/syntax"
)

// Builtins that read the file system: readFile, readDir, readFileType
// and pathExists. They go through ev.IO, resolving symlinks here so that
// errors name the resolved path, as Nix's do.

func init() {
	Register(&PrimOp{Name: "readFile", Arity: 1, Fn: primReadFile})
	Register(&PrimOp{Name: "readDir", Arity: 1, Fn: primReadDir})
	Register(&PrimOp{Name: "readFileType", Arity: 1, Fn: primReadFileType})
	Register(&PrimOp{Name: "pathExists", Arity: 1, Fn: primPathExists})
	Register(&PrimOp{Name: "baseNameOf", Arity: 1, Fn: primBaseNameOf})
	Register(&PrimOp{Name: "dirOf", Arity: 1, Fn: primDirOf})
}

func primBaseNameOf(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	s, ctx, err := ev.CoerceToString(pos, args[0], "while evaluating the first argument passed to builtins.baseNameOf", false, false)
	if err != nil {
		return nil, err
	}
	// One trailing slash is dropped, as Nix always has.
	if len(s) > 1 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return StrCtx(s[strings.LastIndexByte(s, '/')+1:], ctx), nil
}

func primDirOf(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	v, err := ev.Force(args[0], pos)
	if err != nil {
		return nil, err
	}
	if p, ok := v.(Path); ok {
		i := strings.LastIndexByte(string(p), '/')
		if i <= 0 {
			return Path("/"), nil
		}
		return p[:i], nil
	}
	s, ctx, err := ev.CoerceToString(pos, v, "while evaluating the first argument passed to 'builtins.dirOf'", false, false)
	if err != nil {
		return nil, err
	}
	switch i := strings.LastIndexByte(s, '/'); i {
	case -1:
		return StrCtx(".", ctx), nil
	case 0:
		return StrCtx("/", ctx), nil
	default:
		return StrCtx(s[:i], ctx), nil
	}
}

// StoreIO is implemented by an IO backed by a Nix store. Without it, no
// store path is valid, so reading a path whose string has a context
// fails as it does in Nix with an empty store.
type StoreIO interface {
	// RealiseContext makes the store paths of a string context readable
	// (Nix's realiseContext): it checks that they are valid and builds
	// the derivation outputs named.
	RealiseContext(ev *Evaluator, ctx Context) error
	// FileContext returns the context a file read from the store gets:
	// the references of its store path that occur in the contents.
	FileContext(path string, contents []byte) Context
}

// symlinkMode says which symlinks realisePath resolves (Nix's
// SymlinkResolution): none, all but the last component, or all.
type symlinkMode uint8

const (
	resolveNone symlinkMode = iota
	resolveAncestors
	resolveFull
)

// realiseFile turns a builtin's path argument into a file system path:
// coerced to an absolute path, its context realised, symlinks resolved.
func (ev *Evaluator) realiseFile(v Value, mode symlinkMode) (string, error) {
	p, ctx, err := ev.CoerceToPath(syntax.NoPos, v, "while realising the context of a path")
	if err != nil {
		return "", err
	}
	p = canonPath(p)
	if len(ctx) > 0 {
		if err := ev.realiseContext(ctx); err != nil {
			return "", asError(ev, err).AddTracef(syntax.NoPos, "while realising the context of path '%s'", p)
		}
	}
	r, err := ev.resolveSymlinks(p, mode)
	if err != nil {
		return "", asError(ev, err).AddTracef(syntax.NoPos, "while realising the context of path '%s'", p)
	}
	return r, nil
}

// realiseContext checks and builds what a context names; with no store,
// the first element (in Nix's order) is reported invalid.
func (ev *Evaluator) realiseContext(ctx Context) error {
	if s, ok := ev.IO.(StoreIO); ok {
		return s.RealiseContext(ev, ctx)
	}
	elems := SortContextNixOrder(ctx)
	if len(elems) == 0 {
		return nil
	}
	p := ContextStorePath(elems[0])
	return ev.Errorf(EvalErr, syntax.NoPos, "path '%s' is not valid", strings.TrimPrefix(p, ev.Settings.StoreDir+"/"))
}

// ContextStorePath is the store path a context element is about: the
// path itself, or the derivation for "=" and "!out!" elements.
func ContextStorePath(e string) string {
	switch {
	case strings.HasPrefix(e, "="):
		return e[1:]
	case strings.HasPrefix(e, "!"):
		if i := strings.IndexByte(e[1:], '!'); i >= 0 {
			return e[i+2:]
		}
	}
	return e
}

// contextKind orders context elements as Nix's std::variant does:
// plain paths, then whole derivations, then derivation outputs.
func contextKind(e string) int {
	switch {
	case strings.HasPrefix(e, "="):
		return 1
	case strings.HasPrefix(e, "!"):
		return 2
	}
	return 0
}

// SortContextNixOrder returns ctx in the order Nix iterates a context:
// by kind, then by store path base name, then output name.
func SortContextNixOrder(ctx Context) []string {
	out := append([]string(nil), ctx...)
	sort.SliceStable(out, func(i, j int) bool {
		ki, kj := contextKind(out[i]), contextKind(out[j])
		if ki != kj {
			return ki < kj
		}
		pi, pj := ContextStorePath(out[i]), ContextStorePath(out[j])
		bi, bj := pi[strings.LastIndexByte(pi, '/')+1:], pj[strings.LastIndexByte(pj, '/')+1:]
		if bi != bj {
			return bi < bj
		}
		return out[i] < out[j]
	})
	return out
}

// ResolveSymlinks resolves the symlinks in an absolute path as Nix does:
// all of them, or (all false) all but a final one.
func (ev *Evaluator) ResolveSymlinks(p string, all bool) (string, error) {
	if all {
		return ev.resolveSymlinks(p, resolveFull)
	}
	return ev.resolveSymlinks(p, resolveAncestors)
}

// resolveSymlinks follows symlinks in p as Nix's SourceAccessor does:
// component by component, ".." lexically, at most 1024 links.
func (ev *Evaluator) resolveSymlinks(p string, mode symlinkMode) (string, error) {
	if mode == resolveNone {
		return p, nil
	}
	var todo []string
	for _, c := range strings.Split(p, "/") {
		if c != "" {
			todo = append(todo, c)
		}
	}
	var res []string
	links := 1024
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(res) > 0 {
				res = res[:len(res)-1]
			}
			continue
		}
		res = append(res, c)
		if mode != resolveFull && len(todo) == 0 {
			break
		}
		cur := "/" + strings.Join(res, "/")
		if t, err := ev.lstatAllowed(cur); err != nil || t != "symlink" {
			continue
		}
		if links == 0 {
			return "", ev.Errorf(EvalErr, syntax.NoPos, "infinite symlink recursion in path '%s'", p)
		}
		links--
		target, err := ev.readlink(cur)
		if err != nil {
			return "", ev.Errorf(IOErr, syntax.NoPos, "%s", sysErrorMessage("reading symbolic link '"+cur+"'", err))
		}
		if strings.HasPrefix(target, "/") {
			res = res[:0]
		} else {
			res = res[:len(res)-1]
		}
		var parts []string
		for _, t := range strings.Split(target, "/") {
			if t != "" {
				parts = append(parts, t)
			}
		}
		todo = append(parts, todo...)
	}
	return "/" + strings.Join(res, "/"), nil
}

// sysErrorMessage lays out a failed system call as Nix's SysError does:
// what was being done, then the C library's text for the error.
func sysErrorMessage(what string, err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return what + ": " + capitalize(errno.Error())
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return what + ": " + capitalize(pe.Err.Error())
	}
	return what + ": " + err.Error()
}

// notExist reports errors Nix's maybeLstat treats as a missing path.
func notExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

func (ev *Evaluator) missingPath(p string) *Error {
	return ev.Errorf(IOErr, syntax.NoPos, "path '%s' does not exist", p)
}

func primReadFile(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	p, err := ev.realiseFile(args[0], resolveFull)
	if err != nil {
		return nil, err
	}
	if err := ev.CheckAccess(p); err != nil {
		return nil, err
	}
	data, err := ev.readFile(p)
	if err != nil {
		switch {
		case notExist(err):
			return nil, ev.missingPath(p)
		case errors.Is(err, syscall.EISDIR):
			// Nix opens the directory, then fails to read its st_size bytes.
			return nil, ev.Errorf(IOErr, syntax.NoPos, "read of 4096 bytes: Is a directory")
		}
		return nil, ev.Errorf(IOErr, syntax.NoPos, "%s", sysErrorMessage("opening file '"+p+"'", err))
	}
	if strings.IndexByte(string(data), 0) >= 0 {
		return nil, ev.Errorf(EvalErr, syntax.NoPos, "the contents of the file '%s' cannot be represented as a Nix string", p)
	}
	var ctx Context
	if s, ok := ev.IO.(StoreIO); ok && strings.HasPrefix(p, ev.Settings.StoreDir+"/") {
		ctx = s.FileContext(p, data)
	}
	return StrCtx(string(data), ctx), nil
}

func primReadDir(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	p, err := ev.realiseFile(args[0], resolveFull)
	if err != nil {
		return nil, err
	}
	if err := ev.CheckAccess(p); err != nil {
		return nil, err
	}
	entries, err := ev.readDir(p)
	if err != nil {
		if _, lerr := ev.lstat(p); lerr != nil && notExist(lerr) {
			return nil, ev.missingPath(p)
		}
		return nil, ev.Errorf(IOErr, syntax.NoPos, "%s", sysErrorMessage("cannot read directory \""+p+"\"", err))
	}
	b := NewAttrsBuilder(len(entries))
	for name, typ := range entries {
		if !ev.pathAllowed(canonPath(p + "/" + name)) {
			continue // Nix lists only what the allow list lets through
		}
		if typ == "" {
			// The type is not known without a stat that may fail: look
			// it up when asked, as Nix does.
			b.Set(name, NewApp(&PrimOp{Name: "readFileType", Arity: 1, Fn: primReadFileType}, syntax.NoPos, Path(canonPath(p+"/"+name))))
			continue
		}
		b.Set(name, fileTypeString(typ))
	}
	return b.Build(), nil
}

// Shared strings for the four file types.
var fileTypeStrings = map[string]*String{
	"regular": Str("regular"), "directory": Str("directory"),
	"symlink": Str("symlink"), "unknown": Str("unknown"),
}

func fileTypeString(t string) *String {
	if s, ok := fileTypeStrings[t]; ok {
		return s
	}
	return fileTypeStrings["unknown"]
}

func primReadFileType(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	p, err := ev.realiseFile(args[0], resolveNone)
	if err != nil {
		return nil, err
	}
	// Nix refuses to look through a symlink in an ancestor here.
	for dir := p; dir != "/"; {
		dir = dir[:strings.LastIndexByte(dir, '/')]
		if dir == "" {
			break
		}
		if t, err := ev.lstatAllowed(dir); err == nil && t == "symlink" {
			return nil, ev.Errorf(IOErr, syntax.NoPos, "path '%s' is a symlink", dir)
		}
	}
	if err := ev.CheckAccess(p); err != nil {
		return nil, err
	}
	t, err := ev.lstat(p)
	if err != nil {
		if notExist(err) {
			return nil, ev.missingPath(p)
		}
		return nil, ev.Errorf(IOErr, syntax.NoPos, "%s", sysErrorMessage("getting status of '"+p+"'", err))
	}
	return fileTypeString(t), nil
}

func primPathExists(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	v, err := ev.Force(args[0], pos)
	if err != nil {
		return nil, err
	}
	// A trailing slash (which a path value cannot have) asks for a
	// directory, following a final symlink.
	mustBeDir := false
	if s, ok := v.(*String); ok {
		mustBeDir = strings.HasSuffix(s.S, "/") || strings.HasSuffix(s.S, "/.")
	}
	mode := resolveAncestors
	if mustBeDir {
		mode = resolveFull
	}
	p, err := ev.realiseFile(v, mode)
	if err != nil {
		return nil, err
	}
	t, err := ev.lstatAllowed(p)
	if err != nil {
		if notExist(err) {
			return Bool(false), nil
		}
		return nil, ev.Errorf(IOErr, syntax.NoPos, "%s", sysErrorMessage("getting status of '"+p+"'", err))
	}
	return Bool(!mustBeDir || t == "directory"), nil
}
