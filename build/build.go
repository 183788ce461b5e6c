package build

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/cairn-nix/cairn/derivation"
	"github.com/cairn-nix/cairn/store"
	"github.com/cairn-nix/cairn/storepath"
)

// SandboxMode is the `sandbox` setting.
type SandboxMode int

const (
	// SandboxOn builds in namespaces and fails when they are unavailable.
	SandboxOn SandboxMode = iota
	// SandboxOff builds directly on the host.
	SandboxOff
	// SandboxRelaxed is Nix's "relaxed": sandboxed when possible.
	SandboxRelaxed
)

// Options are the settings a build runs with.
type Options struct {
	// MaxJobs is how many builders run at once; 0 builds nothing locally.
	MaxJobs int
	// Cores is NIX_BUILD_CORES; 0 means all of this machine's.
	Cores int
	// KeepGoing builds what it can after a failure.
	KeepGoing bool
	// Check rebuilds the targets (whose outputs are valid) and compares.
	Check bool
	// Sandbox is the sandbox setting; SandboxPaths its sandbox-paths:
	// paths inside the sandbox mapped to host paths.
	Sandbox      SandboxMode
	SandboxPaths map[string]string
	// BuildDir is where build directories are made on the host
	// (default: the store's state directory's "builds", as Nix 2.34).
	BuildDir string
	// KeepFailed keeps the build directory of a failed build.
	KeepFailed bool
	// Events receives progress; nil discards it.
	Events Events
}

// DefaultOptions are Nix's defaults: one job, all cores, sandboxed.
func DefaultOptions() Options {
	return Options{MaxJobs: 1, Sandbox: SandboxOn}
}

// Target is a derivation and the outputs wanted of it (all when empty).
type Target struct {
	Drv     storepath.StorePath
	Outputs []string
}

// Builder realises derivations into a local store.
type Builder struct {
	st        *store.Local
	opts      Options
	sweepOnce sync.Once
	// drvs are the derivations Plan read, kept so that builds and
	// Outputs do not parse them again; written only by Plan.
	drvs map[storepath.StorePath]*derivation.Derivation
}

// New returns a builder for st.
func New(st *store.Local, o Options) *Builder {
	if o.Events == nil {
		o.Events = nopEvents{}
	}
	if o.Cores <= 0 {
		o.Cores = runtime.NumCPU()
	}
	if o.BuildDir == "" {
		o.BuildDir = filepath.Join(st.Config().StateDir, "builds")
	}
	return &Builder{st: st, opts: o}
}

// goal is one derivation to build.
type goal struct {
	drvPath storepath.StorePath
	drv     *derivation.Derivation
	typ     derivation.Type
	// outputs maps every output name to its path.
	outputs    map[string]storepath.StorePath
	deps       []*goal
	dependents []*goal
	pending    int
	check      bool
	done       bool
	err        error
}

// Plan is what a realisation would do: the derivations to build, in an
// order where inputs come first, and the outputs already valid.
type Plan struct {
	goals []*goal
	// ToBuild are the derivations that will be built.
	ToBuild []storepath.StorePath
	// Valid are the wanted outputs already present.
	Valid []storepath.StorePath
}

// Plan works out which derivations need building for targets.
func (b *Builder) Plan(targets []Target) (*Plan, error) {
	p := &Plan{}
	if b.drvs == nil {
		b.drvs = map[storepath.StorePath]*derivation.Derivation{}
	}
	byPath := map[storepath.StorePath]*goal{}
	visiting := map[storepath.StorePath]bool{}
	seenValid := map[storepath.StorePath]bool{}
	var visit func(drvPath storepath.StorePath, check bool) (*goal, error)
	visit = func(drvPath storepath.StorePath, check bool) (*goal, error) {
		if g, ok := byPath[drvPath]; ok {
			return g, nil
		}
		if _, ok := byPath[drvPath]; !ok && visiting[drvPath] {
			return nil, fmt.Errorf("cycle in the derivation graph at '%s'", b.st.PrintPath(drvPath))
		}
		visiting[drvPath] = true
		drv, err := b.readDerivation(drvPath)
		if err != nil {
			return nil, err
		}
		b.drvs[drvPath] = drv
		typ, err := drv.Type()
		if err != nil {
			return nil, fmt.Errorf("derivation '%s': %w", b.st.PrintPath(drvPath), err)
		}
		if !typ.HasKnownOutputPaths() {
			return nil, fmt.Errorf("cannot build '%s': content-addressed and impure derivations are not supported by Cairn yet", b.st.PrintPath(drvPath))
		}
		outs := map[string]storepath.StorePath{}
		allValid := true
		for _, name := range drv.OutputNames() {
			op, ok, err := drv.OutputPath(b.st.Dir(), name)
			if err != nil {
				return nil, fmt.Errorf("derivation '%s': %w", b.st.PrintPath(drvPath), err)
			}
			if !ok {
				return nil, fmt.Errorf("derivation '%s': the path of output '%s' is not known", b.st.PrintPath(drvPath), name)
			}
			outs[name] = op
			v, err := b.st.IsValid(op)
			if err != nil {
				return nil, err
			}
			allValid = allValid && v
		}
		if allValid && !check {
			for _, op := range outs {
				if !seenValid[op] {
					seenValid[op] = true
					p.Valid = append(p.Valid, op)
				}
			}
			byPath[drvPath] = nil
			return nil, nil
		}
		if check && !allValid {
			return nil, fmt.Errorf("some outputs of '%s' are not valid, so checking is not possible", b.st.PrintPath(drvPath))
		}
		g := &goal{drvPath: drvPath, drv: drv, typ: typ, outputs: outs, check: check}
		for _, in := range drv.InputDrvs {
			if len(in.DynamicOutputs) > 0 {
				return nil, fmt.Errorf("cannot build '%s': dynamic derivations are not supported", b.st.PrintPath(drvPath))
			}
			dg, err := visit(in.Path, false)
			if err != nil {
				return nil, err
			}
			if dg != nil {
				g.deps = append(g.deps, dg)
				dg.dependents = append(dg.dependents, g)
			}
		}
		for _, src := range drv.InputSrcs {
			v, err := b.st.IsValid(src)
			if err != nil {
				return nil, err
			}
			if !v {
				return nil, fmt.Errorf("dependency '%s' of '%s' does not exist, and substitution is disabled", b.st.PrintPath(src), b.st.PrintPath(drvPath))
			}
		}
		g.pending = len(g.deps)
		byPath[drvPath] = g
		p.goals = append(p.goals, g)
		p.ToBuild = append(p.ToBuild, drvPath)
		return g, nil
	}
	for _, t := range targets {
		if _, err := visit(t.Drv, b.opts.Check); err != nil {
			return nil, err
		}
	}
	sort.Slice(p.Valid, func(i, j int) bool { return storepath.Compare(p.Valid[i], p.Valid[j]) < 0 })
	return p, nil
}

// Realise builds what targets need and returns, for each target, the
// paths of its wanted outputs.
func (b *Builder) Realise(targets []Target) ([]map[string]storepath.StorePath, error) {
	p, err := b.Plan(targets)
	if err != nil {
		return nil, err
	}
	if err := b.Run(p); err != nil {
		return nil, err
	}
	return b.Outputs(targets)
}

// readDerivation parses drvPath, or returns what Plan parsed of it.
func (b *Builder) readDerivation(drvPath storepath.StorePath) (*derivation.Derivation, error) {
	if d, ok := b.drvs[drvPath]; ok {
		return d, nil
	}
	return b.st.ReadDerivation(drvPath)
}

// Outputs returns, for each target, the paths of its wanted outputs
// (whether built or not).
func (b *Builder) Outputs(targets []Target) ([]map[string]storepath.StorePath, error) {
	res := make([]map[string]storepath.StorePath, len(targets))
	for i, t := range targets {
		drv, err := b.readDerivation(t.Drv)
		if err != nil {
			return nil, err
		}
		names := t.Outputs
		if len(names) == 0 {
			names = drv.OutputNames()
		}
		res[i] = map[string]storepath.StorePath{}
		for _, n := range names {
			op, ok, err := drv.OutputPath(b.st.Dir(), n)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("derivation '%s' has no output '%s'", b.st.PrintPath(t.Drv), n)
			}
			res[i][n] = op
		}
	}
	return res, nil
}

// Failure kinds, which decide the exit status as Nix's do.
const (
	failBuild = iota
	failHashMismatch
	failCheckMismatch
	failDependency
	failOther
)

// Error is a failed build of one derivation.
type Error struct {
	Drv  string
	Kind int
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// MultiError reports several failed derivations (with --keep-going).
type MultiError struct {
	Errors []*Error
	Msg    string
}

func (e *MultiError) Error() string { return e.Msg }

// ExitStatus is the exit code Nix gives a failed build: 100, plus 2 for
// a hash mismatch and 4 for a --check difference; 1 for other errors.
func ExitStatus(err error) int {
	var es []*Error
	var be *Error
	var me *MultiError
	switch {
	case errors.As(err, &be):
		es = []*Error{be}
	case errors.As(err, &me):
		es = me.Errors
	default:
		return 1
	}
	code := 100
	for _, e := range es {
		switch e.Kind {
		case failHashMismatch:
			code |= 2
		case failCheckMismatch:
			code |= 4
		}
	}
	return code
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = "'" + s + "'"
	}
	return strings.Join(q, ", ")
}
