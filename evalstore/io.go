package evalstore

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/cairn-nix/cairn/derivation"
	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
	"github.com/cairn-nix/cairn/syntax"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"io/fs"
	"syscall"
)

// Store is what evaluation needs from a Nix store; the local store
// (store.Local) implements it. Without one, no path is valid and nothing
// is written.
type Store interface {
	// IsValid reports whether p is in the store.
	IsValid(p storepath.StorePath) (bool, error)
	// References returns the references of a valid path.
	References(p storepath.StorePath) ([]storepath.StorePath, error)
	// ReadDerivation reads a valid .drv file.
	ReadDerivation(p storepath.StorePath) (*derivation.Derivation, error)
	// AddDump adds an object given as a NAR (method NAR) or as the bytes
	// of a regular file (method Flat), content-addressed with algo.
	AddDump(r io.Reader, name string, method storepath.Method, algo nixhash.Algorithm, refs []storepath.StorePath) (storepath.StorePath, error)
	// AddText adds a text object (a .drv file, builtins.toFile).
	AddText(name, text string, refs []storepath.StorePath) (storepath.StorePath, error)
}

// Options configure the glue.
type Options struct {
	// Store is the store paths are checked in and added to; nil for none.
	Store Store
	// ReadOnly computes store paths without adding anything, as Nix's
	// read-only mode (nix-instantiate --eval) does.
	ReadOnly bool
	// Build builds derivation outputs evaluation needs to read (import
	// from derivation) and returns their store paths, in order. Nil: such
	// an evaluation fails.
	Build func(outputs []Output) ([]storepath.StorePath, error)
	// NoIFD is allow-import-from-derivation = false: building during
	// evaluation is an error. TraceIFD (trace-import-from-derivation)
	// warns about each such build.
	NoIFD, TraceIFD bool
	// DownloadTTL is how long a download is reused from the cache in
	// $XDG_CACHE_HOME/cairn (tarball-ttl); 0 does not cache.
	DownloadTTL time.Duration
	// Stderr receives the output of the programs fetchers run (git).
	Stderr io.Writer
}

// Output is one output of a derivation.
type Output struct {
	Drv  storepath.StorePath
	Name string
}

// IO is the evaluator's access to files and the store: files are read
// from the local file system, store paths computed with the store-format
// packages, and written to Options.Store unless read-only.
type IO struct {
	dir      storepath.Dir
	store    Store
	readOnly bool
	build    func([]Output) ([]storepath.StorePath, error)
	ttl      time.Duration
	realDir  string // where the store's objects are, when not at dir
	stderr   io.Writer
	noIFD    bool
	traceIFD bool

	// drvs are derivations instantiated in this evaluation whose hash
	// modulo could not be memoized in hasher (which read-only mode cannot
	// read back from a store); the others are not kept, to save memory.
	drvs   map[storepath.StorePath]*derivation.Derivation
	hasher *derivation.Hasher

	scratch []*drvScratch // free for derivationStrict to reuse

	importedDrvFn eval.Value // the evaluated imported-drv-to-derivation.nix

	// mounts are fetched trees that read-only mode did not add to the
	// store, readable at their store paths all the same (Nix mounts
	// fetched inputs the same way).
	mounts map[storepath.StorePath]*memNode
}

// NewIO returns an IO for the store directory dir.
func NewIO(dir string, opts Options) (*IO, error) {
	d, err := storepath.NewDir(dir)
	if err != nil {
		return nil, fmt.Errorf("store directory '%s': %w", dir, err)
	}
	g := &IO{dir: d, store: opts.Store, readOnly: opts.ReadOnly || opts.Store == nil,
		build: opts.Build, noIFD: opts.NoIFD, traceIFD: opts.TraceIFD, ttl: opts.DownloadTTL, stderr: opts.Stderr,
		drvs: map[storepath.StorePath]*derivation.Derivation{}}
	if rs, ok := opts.Store.(realDirStore); ok && rs.RealStoreDir() != d.Path() {
		g.realDir = rs.RealStoreDir()
	}
	g.hasher = &derivation.Hasher{Dir: d, Read: g.readDerivation}
	return g, nil
}

// New returns an evaluator wired to the glue: its IO and the store
// builtins (which every evaluator has once this package is linked in).
func New(settings eval.Settings, opts Options) (*eval.Evaluator, error) {
	dir := settings.StoreDir
	if dir == "" {
		dir = storepath.DefaultDir
	}
	g, err := NewIO(dir, opts)
	if err != nil {
		return nil, err
	}
	ev := eval.New(g, settings)
	ev.Extra["importDerivation"] = importDerivation
	ev.Extra["fetchTarball"] = searchPathTarball
	return ev, nil
}

// Install replaces an evaluator's IO with the glue's.
func Install(ev *eval.Evaluator, opts Options) error {
	g, err := NewIO(ev.Settings.StoreDir, opts)
	if err != nil {
		return err
	}
	ev.IO = g
	ev.Extra["importDerivation"] = importDerivation
	ev.Extra["fetchTarball"] = searchPathTarball
	return nil
}

// ioOf returns the glue state of ev; an evaluator made without the glue
// gets a read-only one with no store, so the store builtins still work.
func ioOf(ev *eval.Evaluator) *IO {
	if g, ok := ev.IO.(*IO); ok {
		return g
	}
	if g, ok := ev.Extra["evalstore"].(*IO); ok {
		return g
	}
	g, err := NewIO(ev.Settings.StoreDir, Options{ReadOnly: true})
	if err != nil {
		g, _ = NewIO(storepath.DefaultDir, Options{ReadOnly: true})
	}
	ev.Extra["evalstore"] = g
	return g
}

// Dir returns the store directory.
func (g *IO) Dir() storepath.Dir { return g.dir }

func (g *IO) readDerivation(p storepath.StorePath) (*derivation.Derivation, error) {
	if d, ok := g.drvs[p]; ok {
		return d, nil
	}
	if g.store == nil {
		return nil, fmt.Errorf("path '%s' is not valid", g.dir.Print(p))
	}
	return g.store.ReadDerivation(p)
}

func (g *IO) isValid(p storepath.StorePath) bool {
	if _, ok := g.mounts[p]; ok {
		return true
	}
	if g.store == nil {
		return false
	}
	ok, err := g.store.IsValid(p)
	return err == nil && ok
}

// The file system side of eval.IO.

func (g *IO) ReadFile(path string) ([]byte, error) {
	if n, ok, err := g.mounted(path); ok {
		if err == nil && n.mode == filemode.Dir {
			err = syscall.EISDIR
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return n.data, nil
	}
	return os.ReadFile(g.onDisk(path))
}

func (g *IO) ReadDir(path string) (map[string]string, error) {
	if n, ok, err := g.mounted(path); ok {
		if err == nil && n.mode != filemode.Dir {
			err = syscall.ENOTDIR
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		out := make(map[string]string, len(n.children))
		for name, c := range n.children {
			out[name] = c.typeName()
		}
		return out, nil
	}
	return eval.DefaultIO{}.ReadDir(g.onDisk(path))
}

func (g *IO) Lstat(path string) (string, error) {
	if n, ok, err := g.mounted(path); ok {
		if err != nil {
			return "", &fs.PathError{Op: "lstat", Path: path, Err: err}
		}
		return n.typeName(), nil
	}
	return eval.DefaultIO{}.Lstat(g.onDisk(path))
}

func (g *IO) Readlink(path string) (string, error) {
	if n, ok, err := g.mounted(path); ok {
		if err == nil && n.mode != filemode.Symlink {
			err = syscall.EINVAL
		}
		if err != nil {
			return "", &fs.PathError{Op: "readlink", Path: path, Err: err}
		}
		return string(n.data), nil
	}
	return os.Readlink(g.onDisk(path))
}

// mounted finds path in a mounted tree: ok tells whether path is inside
// one, err is ENOENT (or ENOTDIR) when the tree has nothing there.
func (g *IO) mounted(path string) (n *memNode, ok bool, err error) {
	if len(g.mounts) == 0 {
		return nil, false, nil
	}
	sp, rest, perr := g.dir.SplitPath(path)
	if perr != nil {
		return nil, false, nil
	}
	n, ok = g.mounts[sp]
	if !ok {
		return nil, false, nil
	}
	for _, c := range strings.Split(rest, "/") {
		if c == "" {
			continue
		}
		if n.mode != filemode.Dir {
			return nil, true, syscall.ENOTDIR
		}
		if n = n.children[c]; n == nil {
			return nil, true, syscall.ENOENT
		}
	}
	return n, true, nil
}

// realDirStore is a store that may keep its objects outside its logical
// directory (a chroot store such as local?root=DIR); store.Local is one.
type realDirStore interface {
	RealStoreDir() string
}

// onDisk is where path is on this machine: inside a store kept outside
// its logical directory, its real place; anything else as it is. Nix
// mounts such a store at its logical place the same way.
func (g *IO) onDisk(path string) string {
	if g.realDir == "" {
		return path
	}
	if rest, ok := strings.CutPrefix(path, g.dir.Path()); ok && (rest == "" || rest[0] == '/') {
		return g.realDir + rest
	}
	return path
}

// CopyToStore adds a source path to the store as `"${./path}"` does:
// the NAR of the path (a final symlink stays a symlink), hashed with
// sha256, named name.
func (g *IO) CopyToStore(ev *eval.Evaluator, path, name string) (string, error) {
	p, err := ev.ResolveSymlinks(path, false)
	if err != nil {
		return "", err
	}
	sp, err := g.addPath(ev, p, name, storepath.NAR, nil, syntax.NoPos)
	if err != nil {
		return "", err
	}
	return g.dir.Print(sp), nil
}

// RealiseContext makes what a context names available before a path
// with that context is read, as Nix does: store paths must be valid, and
// derivation outputs are built (import from derivation).
func (g *IO) RealiseContext(ev *eval.Evaluator, ctx eval.Context) error {
	var built []string
	var outs []Output
	for _, e := range eval.SortContextNixOrder(ctx) {
		full := eval.ContextStorePath(e)
		sp, err := g.dir.Parse(full)
		if err != nil || !g.isValid(sp) {
			base := strings.TrimPrefix(full, g.dir.Path()+"/")
			return ev.Errorf(eval.EvalErr, syntax.NoPos, "path '%s' is not valid", base)
		}
		if name, ok := strings.CutPrefix(e, "!"); ok {
			built = append(built, e)
			name, _, _ = strings.Cut(name, "!")
			outs = append(outs, Output{Drv: sp, Name: name})
		}
	}
	if len(built) == 0 {
		return nil
	}
	first := eval.DisplayContextElem(built[0])
	switch {
	case g.noIFD:
		return ev.Errorf(eval.EvalErr, syntax.NoPos, "cannot build '%s' during evaluation because the option 'allow-import-from-derivation' is disabled", first)
	case g.build == nil:
		return ev.Errorf(eval.EvalErr, syntax.NoPos, "cannot build '%s' during evaluation: this evaluator has no builder", first)
	}
	if g.traceIFD {
		warn(ev, "built '%s' during evaluation due to an import from derivation", first)
	}
	paths, err := g.build(outs)
	if err != nil {
		if e, ok := err.(*eval.Error); ok {
			return e
		}
		return ev.Errorf(eval.EvalErr, syntax.NoPos, "%s", strings.TrimPrefix(err.Error(), "error: "))
	}
	// Restricted evaluation may read what it built, with its closure.
	if ev.Restricted() {
		for _, p := range paths {
			g.allowClosure(ev, p)
		}
	}
	return nil
}

// allowClosure lets restricted evaluation read p and what it refers to.
func (g *IO) allowClosure(ev *eval.Evaluator, p storepath.StorePath) {
	seen := map[storepath.StorePath]bool{}
	todo := []storepath.StorePath{p}
	for len(todo) > 0 {
		q := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[q] {
			continue
		}
		seen[q] = true
		ev.AllowPath(g.dir.Print(q))
		if g.store != nil {
			refs, _ := g.store.References(q)
			todo = append(todo, refs...)
		}
	}
}

// FileContext gives a file read from the store the references of its
// store path that occur in its contents.
func (g *IO) FileContext(path string, contents []byte) eval.Context {
	if g.store == nil {
		return nil
	}
	sp, _, err := g.dir.SplitPath(path)
	if err != nil {
		return nil
	}
	refs, err := g.store.References(sp)
	if err != nil {
		return nil
	}
	var out []string
	for _, r := range refs {
		if strings.Contains(string(contents), r.HashPart()) {
			out = append(out, g.dir.Print(r))
		}
	}
	return eval.NewContext(out...)
}
