package eval

import (
	"os"
	"sync"

	"github.com/cairn-nix/cairn/syntax"
)

// IO is how the evaluator reaches files and the store. The evaluator
// itself never touches the filesystem; DefaultIO reads the real one.
type IO interface {
	ReadFile(path string) ([]byte, error)
	// ReadDir lists a directory: entry names with their types
	// ("regular", "directory", "symlink", "unknown").
	ReadDir(path string) (map[string]string, error)
	// Lstat reports a path's type as ReadDir does, or an error.
	Lstat(path string) (string, error)
	// Readlink returns a symlink's target, so that the evaluator can
	// resolve symlinks itself and name the resolved path in errors.
	Readlink(path string) (string, error)
	// CopyToStore adds a path to the store (or, in read-only mode,
	// computes where it would go) and returns the store path.
	CopyToStore(ev *Evaluator, path string, name string) (string, error)
}

// Settings are the evaluation options that Nix takes from nix.conf and
// the command line.
type Settings struct {
	ShowTrace bool
	// PureEval and RestrictEval limit what evaluation may read to the
	// paths allowed so far (see access.go); pure evaluation also hides
	// the impure builtins and the search path.
	PureEval     bool
	RestrictEval bool
	// AllowedURIs are the URI prefixes restricted evaluation may fetch.
	AllowedURIs   []string
	ReadOnly      bool
	MaxCallDepth  int
	NixPath       []string // search path entries, "prefix=path" or "path"
	Home          string
	CurrentSystem string
	StoreDir      string
	Features      map[string]bool // experimental features
	Lints         struct{ URL, AbsolutePath, ShortPath syntax.Lint }
	// MaxSteps bounds the work of one evaluation (function calls and
	// thunks forced); 0 means no bound. Interrupt, checked now and then,
	// stops evaluation when it returns true. Both are for embedders and
	// fuzzing: the error they cause cannot be caught by tryEval.
	MaxSteps    int64
	Interrupt   func() bool
	MaxListSize int64 // largest list genList may create; 0: no bound
	// AbortOnWarn makes builtins.warn an error (Nix's abort-on-warn).
	AbortOnWarn bool
	// Warn prints a warning (already laid out); nil discards.
	Warn func(text string)
	// Trace prints builtins.trace output; nil discards.
	Trace func(text string)
}

// Evaluator evaluates Nix expressions. It is not safe for concurrent use.
type Evaluator struct {
	fs        *syntax.FileSet
	Settings  Settings
	IO        IO
	baseEnv   *Env
	baseScope *syntax.Scope
	builtins  *Attrs

	callDepth int
	steps     int64
	argSlab   []Value
	envPool   [pooledEnvMax + 1][]*Env
	// envsKept counts the times an environment was captured against
	// syntax.Lambda.KeepsEnv's expectation; a call whose body saw it
	// change does not release its environment.
	envsKept int
	// symStrs holds one string value per symbol (see symString).
	symStrs   []*String
	symTab    []int32 // scratch per symbol, all zero between uses (see symTable)
	thunkPool []*Thunk
	fileCache map[string]Value
	access    *accessList // nil unless restricted or pure (access.go)
	// searchPathURLs are the search path's tarballs, fetched once each.
	searchPathURLs map[string]string
	Stats          Stats

	// Store-aware helpers registered by a glue package.
	Extra map[string]any
}

// Stats counts evaluation work, for --stats.
type Stats struct {
	Thunks, ThunksForced, Calls, PrimOpCalls, Attrsets, Lists int64
}

// New returns an evaluator with the builtins and default settings.
func New(io IO, settings Settings) *Evaluator {
	if settings.MaxCallDepth == 0 {
		settings.MaxCallDepth = 10000
	}
	if settings.StoreDir == "" {
		settings.StoreDir = "/nix/store"
	}
	if settings.CurrentSystem == "" {
		settings.CurrentSystem = "x86_64-linux"
	}
	if io == nil {
		io = DefaultIO{}
	}
	ev := &Evaluator{
		fs:        syntax.NewFileSet(),
		Settings:  settings,
		IO:        io,
		fileCache: map[string]Value{},
		Extra:     map[string]any{},
	}
	ev.initBuiltins()
	ev.initAccess()
	return ev
}

// FileSet returns the evaluator's file set, for resolving positions.
func (ev *Evaluator) FileSet() *syntax.FileSet { return ev.fs }

// Builtins returns the `builtins` attribute set.
func (ev *Evaluator) Builtins() *Attrs { return ev.builtins }

// DefaultIO is IO on the local filesystem, with no store.
type DefaultIO struct{}

func (DefaultIO) ReadFile(path string) ([]byte, error) { return os.ReadFile(path) }

func (DefaultIO) ReadDir(path string) (map[string]string, error) {
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(entries))
	for _, e := range entries {
		out[e.Name()] = fileTypeName(e.Type())
	}
	return out, nil
}

func (DefaultIO) Lstat(path string) (string, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return "", err
	}
	return fileTypeName(fi.Mode().Type()), nil
}

func (DefaultIO) Readlink(path string) (string, error) { return os.Readlink(path) }

func (DefaultIO) CopyToStore(ev *Evaluator, path, name string) (string, error) {
	return "", &os.PathError{Op: "copy to store", Path: path, Err: os.ErrInvalid}
}

func fileTypeName(m os.FileMode) string {
	switch {
	case m.IsRegular():
		return "regular"
	case m.IsDir():
		return "directory"
	case m&os.ModeSymlink != 0:
		return "symlink"
	}
	return "unknown"
}

// Builtin registry: topic files add their builtins in init functions.

type builtinEntry struct {
	op     *PrimOp
	value  func(ev *Evaluator) Value // for constants
	name   string
	impure bool // absent in pure evaluation mode
}

var (
	registryMu sync.Mutex
	registry   []builtinEntry
)

// Register adds a builtin function; name is its name in `builtins`.
func Register(op *PrimOp) {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry = append(registry, builtinEntry{op: op, name: op.Name})
}

// RegisterValue adds a builtin constant computed per evaluator.
func RegisterValue(name string, value func(ev *Evaluator) Value) {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry = append(registry, builtinEntry{value: value, name: name})
}

// RegisterImpureValue adds a builtin constant that pure evaluation mode
// leaves out (Nix's impureOnly, e.g. currentTime).
func RegisterImpureValue(name string, value func(ev *Evaluator) Value) {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry = append(registry, builtinEntry{value: value, name: name, impure: true})
}

func (ev *Evaluator) initBuiltins() {
	registryMu.Lock()
	entries := append([]builtinEntry(nil), registry...)
	registryMu.Unlock()
	b := NewAttrsBuilder(len(entries) + 4)
	// Nix's constants are in builtins too.
	b.Set("true", Bool(true))
	b.Set("false", Bool(false))
	b.Set("null", Null{})
	hidden := map[string]bool{}
	for _, e := range entries {
		if e.impure && ev.Settings.PureEval {
			hidden["__"+e.name] = true
			continue
		}
		if e.op != nil {
			b.Set(e.name, e.op)
		} else {
			b.Set(e.name, NewApp(&PrimOp{Name: e.name, Arity: 1, Fn: func(ev *Evaluator, _ syntax.Pos, _ []Value) (Value, error) {
				return e.value(ev), nil
			}}, syntax.NoPos, Null{}))
		}
	}
	builtins := b.Build()
	// builtins.builtins is builtins itself.
	self, _ := builtins.GetStr("builtins")
	if self == nil {
		builtins = Update(builtins, NewAttrsBuilder(1).Set("builtins", nil).Build())
	}
	if at, ok := builtins.GetStr("builtins"); ok {
		at.Value = builtins
	}
	ev.builtins = builtins

	syms := make([]syntax.Symbol, 0, len(globalNames))
	vals := make([]Value, 0, len(globalNames))
	for _, n := range globalNames {
		if hidden[n] {
			continue
		}
		i := len(syms)
		syms, vals = append(syms, syntax.Intern(n)), append(vals, nil)
		switch n {
		case "true":
			vals[i] = Bool(true)
		case "false":
			vals[i] = Bool(false)
		case "null":
			vals[i] = Null{}
		default:
			key := n
			if len(key) > 2 && key[:2] == "__" {
				key = key[2:]
			}
			if at, ok := builtins.GetStr(key); ok {
				vals[i] = at.Value
			} else {
				name := n
				vals[i] = &PrimOp{Name: key, Arity: 0, Fn: func(ev *Evaluator, pos syntax.Pos, _ []Value) (Value, error) {
					return nil, ev.Errorf(EvalErr, pos, "builtin '%s' is not implemented in Cairn yet", name)
				}}
			}
		}
	}
	ev.baseScope = syntax.NewBaseScope(syms)
	ev.baseEnv = envOf(nil, vals)
}

// step counts one unit of work and enforces Settings.MaxSteps and
// Settings.Interrupt.
func (ev *Evaluator) step(pos syntax.Pos) error {
	ev.steps++
	if ev.steps&63 != 0 {
		return nil
	}
	if ev.Settings.MaxSteps > 0 && ev.steps > ev.Settings.MaxSteps {
		return ev.Errorf(AbortErr, pos, "evaluation exceeded its limit of %d steps", ev.Settings.MaxSteps)
	}
	if ev.Settings.Interrupt != nil && ev.Settings.Interrupt() {
		return ev.Errorf(AbortErr, pos, "evaluation interrupted")
	}
	return nil
}

// symString returns the string value of an attribute name. Builtins that
// hand names to Nix code (attrNames, mapAttrs, zipAttrsWith) share one
// value per name instead of allocating one each time.
func (ev *Evaluator) symString(sym syntax.Symbol) *String {
	if int(sym) < len(ev.symStrs) {
		if s := ev.symStrs[sym]; s != nil {
			return s
		}
	} else {
		// Grown to the symbol bound in one step, all of it written (see
		// syntax.newChunk for why untouched room is costly).
		grown := make([]*String, syntax.Bound())
		copy(grown, ev.symStrs)
		ev.symStrs = grown
	}
	s := &String{S: sym.String(), sym: sym}
	if sym == syntax.NoSymbol || s.S == "" {
		s = emptyString
	}
	ev.symStrs[sym] = s
	return s
}

// symTable returns a scratch table indexed by symbol, all zeros, for
// builtins that gather attributes by name; give it back zeroed with
// clearSymTable. It is not reentrant: users must not evaluate while
// holding it.
func (ev *Evaluator) symTable() []int32 {
	if n := syntax.Bound(); len(ev.symTab) < n {
		ev.symTab = make([]int32, n)
	}
	return ev.symTab
}

// clearSymTable zeroes the entries of names in the scratch table.
func (ev *Evaluator) clearSymTable(names []syntax.Symbol) {
	for _, s := range names {
		ev.symTab[s] = 0
	}
}
