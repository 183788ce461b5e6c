package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/evalstore"
	"github.com/cairn-nix/cairn/store"
	"github.com/cairn-nix/cairn/syntax"
)

// evalArgs are the options every evaluating command shares (Nix's
// MixEvalArgs and the common settings flags).
type evalArgs struct {
	exprMode  bool
	showTrace bool
	features  map[string]bool
	includes  []string
	args      []autoArg
	lints     map[string]syntax.Lint
	pureEval  bool
	stats     bool
	readWrite bool // evaluation may write to the store (--read-write-mode)
	options   map[string]string
}

type autoArg struct {
	name   string
	value  string
	isExpr bool
}

func newEvalArgs() evalArgs {
	return evalArgs{features: map[string]bool{}, lints: map[string]syntax.Lint{}, options: map[string]string{}}
}

// parse consumes the option at args[i] if it is one of ours and returns
// how many words it used (0 if none).
func (a *evalArgs) parse(args []string, i int) (int, error) {
	need := func(n int) error {
		if i+n >= len(args) {
			return &usageError{fmt.Sprintf("flag '%s' requires %d argument(s)", args[i], n)}
		}
		return nil
	}
	switch arg := args[i]; arg {
	case "-E", "--expr":
		a.exprMode = true
		return 1, nil
	case "--show-trace":
		a.showTrace = true
		return 1, nil
	case "--no-show-trace":
		a.showTrace = false
		return 1, nil
	case "--pure-eval":
		a.pureEval = true
		return 1, nil
	case "--impure":
		a.pureEval = false
		return 1, nil
	case "--extra-experimental-features", "--experimental-features":
		if err := need(1); err != nil {
			return 0, err
		}
		for _, f := range strings.Fields(args[i+1]) {
			a.features[f] = true
		}
		return 2, nil
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
	case "--lint-url-literals", "--lint-absolute-path-literals", "--lint-short-path-literals":
		if err := need(1); err != nil {
			return 0, err
		}
		l, err := syntax.ParseLint(args[i+1])
		if err != nil {
			return 0, &usageError{fmt.Sprintf("option '%s': %v", arg, err)}
		}
		a.lints[arg[2:]] = l
		return 2, nil
	case "--option":
		if err := need(2); err != nil {
			return 0, err
		}
		a.options[args[i+1]] = args[i+2]
		return 3, nil
	case "--max-call-depth":
		if err := need(1); err != nil {
			return 0, err
		}
		a.options["max-call-depth"] = args[i+1]
		return 2, nil
	case "--timeout", "--max-jobs", "-j", "--cores", "--store", "--eval-store":
		if err := need(1); err != nil {
			return 0, err
		}
		a.options[strings.TrimLeft(arg, "-")] = args[i+1]
		return 2, nil
	case "--stats":
		a.stats = true
		return 1, nil
	case "--abort-on-warn":
		a.options["abort-on-warn"] = "true"
		return 1, nil
	case "--no-pure-eval", "--quiet", "-v", "--verbose", "--no-build-output", "-Q", "--keep-going", "-k":
		return 1, nil
	}
	return 0, nil
}

func (a *evalArgs) newEvaluator(env *Env) (*eval.Evaluator, error) {
	s := eval.Settings{
		ShowTrace: a.showTrace,
		PureEval:  a.pureEval,
		Home:      os.Getenv("HOME"),
		Features:  a.features,
		Warn:      func(text string) { fmt.Fprintln(env.Stderr, text) },
		Trace:     func(text string) { fmt.Fprintln(env.Stderr, text) },
	}
	if sd := os.Getenv("NIX_STORE_DIR"); sd != "" {
		s.StoreDir = sd
	}
	if v, ok := a.options["max-call-depth"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, &usageError{fmt.Sprintf("option 'max-call-depth' has invalid value '%s'", v)}
		}
		s.MaxCallDepth = n
	}
	if v, ok := a.options["pure-eval"]; ok {
		s.PureEval = v == "true"
	}
	s.Lints.URL = a.lints["lint-url-literals"]
	s.Lints.AbsolutePath = a.lints["lint-absolute-path-literals"]
	s.Lints.ShortPath = a.lints["lint-short-path-literals"]
	// -I entries come first, then NIX_PATH.
	s.NixPath = append(s.NixPath, a.includes...)
	if np := os.Getenv("NIX_PATH"); np != "" {
		s.NixPath = append(s.NixPath, splitNixPath(np)...)
	}
	if v, ok := a.options["abort-on-warn"]; ok {
		s.AbortOnWarn = v == "true"
	}
	if !a.readWrite {
		// Nix's read-only mode: store paths are computed, never written.
		return evalstore.New(s, evalstore.Options{ReadOnly: true})
	}
	if a.storeURI() == "dummy" {
		// Nix's dummy store holds nothing: paths are only computed.
		return evalstore.New(s, evalstore.Options{ReadOnly: true})
	}
	st, err := a.openStore()
	if err != nil {
		return nil, err
	}
	return evalstore.New(s, evalstore.Options{Store: st})
}

// storeURI is the scheme of the store in use ("dummy", "local", ...) as
// far as --store and NIX_REMOTE tell; "" when unknown.
func (a *evalArgs) storeURI() string {
	uri, ok := a.options["store"]
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
func (a *evalArgs) openStore() (*store.Local, error) {
	settings, err := store.LoadSettings()
	if err != nil {
		return nil, err
	}
	if uri, ok := a.options["store"]; ok {
		return store.OpenURI(uri, settings)
	}
	return store.Open(settings)
}

// splitNixPath splits NIX_PATH on ':' except inside URLs ("https://").
func splitNixPath(s string) []string {
	var out []string
	cur := ""
	for i := 0; i < len(s); i++ {
		if s[i] == ':' && !strings.HasPrefix(s[i:], "://") {
			out = append(out, cur)
			cur = ""
			continue
		}
		cur += string(s[i])
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
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
