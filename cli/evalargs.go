package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cairn-nix/cairn/build"
	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/evalstore"
	"github.com/cairn-nix/cairn/store"
	"github.com/cairn-nix/cairn/storepath"
	"github.com/cairn-nix/cairn/syntax"
)

// evalArgs are the options every evaluating command shares (Nix's
// MixEvalArgs); the settings among them live in set.
type evalArgs struct {
	exprMode  bool
	showTrace bool // the show-trace setting, once newEvaluator ran
	includes  []string
	args      []autoArg
	stats     bool
	readWrite bool   // evaluation may write to the store (--read-write-mode)
	evalStore string // --eval-store (accepted; Cairn evaluates in the store it builds in)
	set       *settingFlags
}

type autoArg struct {
	name   string
	value  string
	isExpr bool
}

func newEvalArgs() evalArgs {
	return evalArgs{set: newSettingFlags()}
}

// parse consumes the option at args[i] if it is one of ours and returns
// how many words it used (0 if none).
func (a *evalArgs) parse(args []string, i int) (int, error) {
	need := func(n int) error {
		if i+n >= len(args) {
			return missingArg(args[i], n, len(args)-i-1)
		}
		return nil
	}
	switch arg := args[i]; arg {
	case "-E", "--expr":
		a.exprMode = true
		return 1, nil
	case "-I", "--include":
		if err := need(1); err != nil {
			return 0, err
		}
		a.includes = append(a.includes, args[i+1])
		return 2, nil
	case "--arg", "--argstr":
		if err := need(2); err != nil {
			return 0, err
		}
		a.args = append(a.args, autoArg{name: args[i+1], value: args[i+2], isExpr: arg == "--arg"})
		return 3, nil
	case "--eval-store":
		if err := need(1); err != nil {
			return 0, err
		}
		a.evalStore = args[i+1]
		return 2, nil
	case "--stats":
		a.stats = true
		return 1, nil
	case "--no-pure-eval":
		return a.set.parse([]string{"--impure"}, 0)
	case "--quiet", "-v", "--verbose", "--no-build-output", "-Q":
		return 1, nil
	}
	return a.set.parse(args, i)
}

func (a *evalArgs) newEvaluator(env *Env) (*eval.Evaluator, error) {
	cs, err := a.set.load(env)
	if err != nil {
		return nil, err
	}
	es := cs.Eval
	a.showTrace = es.ShowTrace
	s := eval.Settings{
		ShowTrace:     es.ShowTrace,
		PureEval:      es.PureEval,
		RestrictEval:  es.RestrictEval,
		AllowedURIs:   es.AllowedURIs,
		MaxCallDepth:  es.MaxCallDepth,
		AbortOnWarn:   es.AbortOnWarn,
		CurrentSystem: es.System,
		Home:          os.Getenv("HOME"),
		Features:      map[string]bool{},
		Warn:          func(text string) { fmt.Fprintln(env.Stderr, text) },
		Trace:         func(text string) { fmt.Fprintln(env.Stderr, text) },
	}
	if es.EvalSystem != "" {
		s.CurrentSystem = es.EvalSystem
	}
	for _, f := range es.Features {
		s.Features[f] = true
	}
	if sd := os.Getenv("NIX_STORE_DIR"); sd != "" {
		s.StoreDir = sd
	}
	for _, l := range []struct {
		name string
		dst  *syntax.Lint
	}{
		{"lint-url-literals", &s.Lints.URL},
		{"lint-absolute-path-literals", &s.Lints.AbsolutePath},
		{"lint-short-path-literals", &s.Lints.ShortPath},
	} {
		v, ok := es.Lints[l.name]
		if !ok {
			continue
		}
		lint, err := syntax.ParseLint(v)
		if err != nil {
			return nil, &usageError{fmt.Sprintf("option '--%s': %v", l.name, err)}
		}
		*l.dst = lint
	}
	// The search path: -I entries, then nix-path, then the channels
	// that exist; none at all in pure evaluation.
	if !es.PureEval {
		s.NixPath = append(s.NixPath, a.includes...)
		s.NixPath = append(s.NixPath, es.NixPath...)
		if !es.RestrictEval {
			s.NixPath = append(s.NixPath, defaultNixPath()...)
		}
	}
	opts := evalstore.Options{NoIFD: !es.AllowIFD, TraceIFD: es.TraceIFD,
		DownloadTTL: time.Duration(es.TarballTTL) * time.Second, Stderr: env.Stderr}
	switch {
	case a.storeURI() == "dummy":
		// Nix's dummy store holds nothing: paths are only computed.
		opts.ReadOnly = true
	case !a.readWrite:
		// Nix's read-only mode: store paths are computed, never written,
		// but what the store holds is valid (an import from a derivation
		// built before works) when there is a store to read.
		opts.ReadOnly = true
		if st := a.openStoreReadOnly(env); st != nil {
			opts.Store = st
			opts.Build = func(outs []evalstore.Output) ([]storepath.StorePath, error) { return builtOutputs(st, outs) }
		}
	default:
		st, err := a.openStore(env)
		if err != nil {
			return nil, err
		}
		opts.Store = st
		opts.Build = func(outs []evalstore.Output) ([]storepath.StorePath, error) { return a.buildDuringEval(env, st, outs) }
	}
	return evalstore.New(s, opts)
}

// openStoreReadOnly opens the store for reading, or returns nil when
// there is none that can be read (read-only mode creates nothing).
func (a *evalArgs) openStoreReadOnly(env *Env) *store.Local {
	settings, err := a.set.load(env)
	if err != nil {
		return nil
	}
	c, err := store.ParseURI(settings.Store, settings)
	if err != nil {
		return nil
	}
	c.ReadOnly = true
	st, err := store.OpenConfig(c)
	if err != nil {
		return nil
	}
	env.atExit(func() { st.Close() })
	return st
}

// builtOutputs is building in read-only mode: outputs already valid are
// used; anything else cannot be built, in Nix's words.
func builtOutputs(st *store.Local, outs []evalstore.Output) ([]storepath.StorePath, error) {
	paths := make([]storepath.StorePath, len(outs))
	for i, out := range outs {
		drv, err := st.ReadDerivation(out.Drv)
		if err != nil {
			return nil, err
		}
		o, ok := drv.Outputs[out.Name]
		if !ok || o.Path.IsZero() {
			return nil, fmt.Errorf("cannot build '%s^%s' in read-only mode", st.PrintPath(out.Drv), out.Name)
		}
		if valid, err := st.IsValid(o.Path); err != nil || !valid {
			return nil, fmt.Errorf("cannot substitute path '%s' - no write access to the Nix store", st.PrintPath(o.Path))
		}
		paths[i] = o.Path
	}
	return paths, nil
}

// buildDuringEval builds the derivation outputs an evaluation reads
// (import from derivation), with the command's build settings, and
// returns their paths.
func (a *evalArgs) buildDuringEval(env *Env, st *store.Local, outs []evalstore.Output) ([]storepath.StorePath, error) {
	bf := newBuildFlags(a.set)
	o, err := bf.buildOptions(env, nil)
	if err != nil {
		return nil, err
	}
	if p, ok := o.Events.(interface{ stop() }); ok {
		defer p.stop()
	}
	targets := make([]build.Target, len(outs))
	for i, out := range outs {
		targets[i] = build.Target{Drv: out.Drv, Outputs: []string{out.Name}}
	}
	res, err := build.New(st, o).Realise(targets)
	if err != nil {
		return nil, err
	}
	paths := make([]storepath.StorePath, len(outs))
	for i, out := range outs {
		paths[i] = res[i][out.Name]
	}
	return paths, nil
}

// defaultNixPath is what Nix adds to the search path after nix-path:
// the user's and root's channels, those that exist.
func defaultNixPath() []string {
	var out []string
	add := func(p, prefix string) {
		if _, err := os.Stat(p); err != nil {
			return
		}
		if prefix != "" {
			p = prefix + "=" + p
		}
		out = append(out, p)
	}
	if home := os.Getenv("HOME"); home != "" {
		add(filepath.Join(home, ".nix-defexpr", "channels"), "")
	}
	state := os.Getenv("NIX_STATE_DIR")
	if state == "" {
		state = "/nix/var/nix"
	}
	channels := filepath.Join(state, "profiles", "per-user", "root", "channels")
	add(filepath.Join(channels, "nixpkgs"), "nixpkgs")
	add(channels, "")
	return out
}

// storeURI is the scheme of the store in use ("dummy", "local", ...) as
// far as --store and NIX_REMOTE tell; "" when unknown.
func (a *evalArgs) storeURI() string {
	uri, ok := a.set.get("store")
	if !ok {
		uri = os.Getenv("NIX_REMOTE")
	}
	scheme, _, found := strings.Cut(uri, "://")
	if !found {
		return ""
	}
	return scheme
}

// openStore opens the store named by --store, or by nix.conf and the
// environment (NIX_REMOTE, NIX_STORE_DIR, ...).
func (a *evalArgs) openStore(env *Env) (*store.Local, error) {
	settings, err := a.set.load(env)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(settings)
	if err != nil {
		return nil, err
	}
	env.atExit(func() { st.Close() })
	return st, nil
}

// autoArgs evaluates --arg and --argstr into a set.
func (a *evalArgs) autoArgs(ev *eval.Evaluator) (*eval.Attrs, error) {
	b := eval.NewAttrsBuilder(len(a.args))
	cwd, _ := os.Getwd()
	for _, arg := range a.args {
		if !arg.isExpr {
			b.Set(arg.name, eval.Str(arg.value))
			continue
		}
		e, err := ev.ParseString(arg.value, cwd)
		if err != nil {
			return nil, err
		}
		v, err := ev.Eval(e)
		if err != nil {
			return nil, err
		}
		b.Set(arg.name, v)
	}
	return b.Build(), nil
}

// lookupFileArg resolves a file argument: <name> through the search path,
// anything else relative to the current directory.
func (a *evalArgs) lookupFileArg(ev *eval.Evaluator, name string) (string, error) {
	if strings.HasPrefix(name, "<") && strings.HasSuffix(name, ">") {
		return ev.FindFile(name[1 : len(name)-1])
	}
	cwd, _ := os.Getwd()
	return absFrom(cwd, filepath.FromSlash(name)), nil
}

// showStats prints the evaluation statistics when asked (--stats or
// NIX_SHOW_STATS=1; NIX_SHOW_STATS_PATH sends them to a file).
func (a *evalArgs) showStats(env *Env, ev *eval.Evaluator, elapsed time.Duration) {
	if !a.stats && os.Getenv("NIX_SHOW_STATS") != "1" {
		return
	}
	report := ev.ReportJSON(elapsed) + "\n"
	if p := os.Getenv("NIX_SHOW_STATS_PATH"); p != "" {
		if err := os.WriteFile(p, []byte(report), 0o644); err != nil {
			fmt.Fprintf(env.Stderr, "warning: writing statistics to '%s': %v\n", p, err)
		}
		return
	}
	fmt.Fprint(env.Stderr, report)
}
