package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/cairn-nix/cairn/build"
	"github.com/cairn-nix/cairn/store"
	"github.com/cairn-nix/cairn/storepath"
)

// buildFlags are the options every building command takes besides the
// settings (which set holds: max-jobs, cores, sandbox, keep-going, ...).
type buildFlags struct {
	set       *settingFlags
	printLogs bool   // -L
	logFormat string // raw, bar, internal-json, ...
	check     bool
	dryRun    bool
}

func newBuildFlags(set *settingFlags) buildFlags { return buildFlags{set: set} }

// parse consumes a build option at args[i], returning the words used.
func (f *buildFlags) parse(args []string, i int) (int, error) {
	switch a := args[i]; a {
	case "--log-format":
		if i+1 >= len(args) {
			return 0, missingArg(a, 1, 0)
		}
		f.logFormat = args[i+1]
		return 2, nil
	case "-L", "--print-build-logs":
		f.printLogs = true
	case "--check":
		f.check = true
	case "--dry-run":
		f.dryRun = true
	default:
		return f.set.parse(args, i)
	}
	return 1, nil
}

// buildOptions turns the settings (nix.conf, then the flags in order)
// into build options; logging holds the store commands' -L and
// --log-format.
func (f *buildFlags) buildOptions(env *Env, logging map[string]string) (build.Options, error) {
	s, err := f.set.load(env)
	if err != nil {
		return build.Options{}, err
	}
	if v, ok := logging["log-format"]; ok {
		f.logFormat = v
	}
	if v, ok := logging["print-build-logs"]; ok {
		f.printLogs = v == "true"
	}
	o, err := optionsFromSettings(s.Build)
	if err != nil {
		return o, err
	}
	o.Check = f.check
	ev, err := newProgress(env, f.logFormat, f.printLogs)
	if err != nil {
		return o, err
	}
	o.Events = ev
	return o, nil
}

// optionsFromSettings maps the nix.conf build settings to build options.
func optionsFromSettings(bs store.BuildSettings) (build.Options, error) {
	o := build.DefaultOptions()
	o.MaxJobs, o.Cores = bs.MaxJobs, bs.Cores
	o.KeepGoing, o.KeepFailed, o.BuildDir = bs.KeepGoing, bs.KeepFailed, bs.BuildDir
	switch bs.Sandbox {
	case "false":
		o.Sandbox = build.SandboxOff
	case "relaxed":
		o.Sandbox = build.SandboxRelaxed
	default:
		o.Sandbox = build.SandboxOn
	}
	for _, w := range bs.SandboxPaths {
		in, host, ok := strings.Cut(w, "=")
		if !ok {
			host = strings.TrimSuffix(in, "?")
			if strings.HasSuffix(in, "?") {
				in = strings.TrimSuffix(in, "?")
				host += "?"
			}
		}
		if o.SandboxPaths == nil {
			o.SandboxPaths = map[string]string{}
		}
		o.SandboxPaths[in] = host
	}
	return o, nil
}

// realise builds targets and returns their outputs, printing what will be
// built first as Nix does. With dryRun only that is printed.
func (f *buildFlags) realise(env *Env, st *store.Local, o build.Options, targets []build.Target) ([]map[string]storepath.StorePath, error) {
	b := build.New(st, o)
	plan, err := b.Plan(targets)
	if err != nil {
		return nil, err
	}
	if n := len(plan.ToBuild); n > 0 {
		if n == 1 {
			fmt.Fprintln(env.Stderr, "this derivation will be built:")
		} else {
			fmt.Fprintf(env.Stderr, "these %d derivations will be built:\n", n)
		}
		names := make([]string, n)
		for i, p := range plan.ToBuild {
			names[i] = st.PrintPath(p)
		}
		sort.Strings(names)
		for _, s := range names {
			fmt.Fprintf(env.Stderr, "  %s\n", s)
		}
	}
	if f.dryRun {
		return nil, nil
	}
	if p, ok := o.Events.(interface{ stop() }); ok {
		defer p.stop()
	}
	if err := b.Run(plan); err != nil {
		return nil, err
	}
	return b.Outputs(targets)
}

// buildFailure prints a build error as Nix lays errors out (continuation
// lines indented under "error: ") and returns Nix's exit status.
func buildFailure(env *Env, err error) int {
	msg := strings.ReplaceAll(err.Error(), "\n", "\n       ")
	fmt.Fprintln(env.Stderr, "error: "+strings.TrimPrefix(msg, "error: "))
	return build.ExitStatus(err)
}

// parseDerivedPath reads "/nix/store/x.drv", "/nix/store/x.drv!out,dev"
// or "/nix/store/x.drv^out": a derivation and the outputs wanted.
func parseDerivedPath(st *store.Local, arg string) (build.Target, error) {
	path, outs, _ := strings.Cut(arg, "^")
	if !strings.Contains(arg, "^") {
		path, outs, _ = strings.Cut(arg, "!")
	}
	if !filepath.IsAbs(path) {
		cwd, _ := os.Getwd()
		path = filepath.Join(cwd, path)
	}
	p, err := st.FollowLinksToStorePath(path)
	if err != nil {
		return build.Target{}, err
	}
	t := build.Target{Drv: p}
	if outs != "" && outs != "*" {
		t.Outputs = strings.Split(outs, ",")
	}
	return t, nil
}

// opRealise is nix-store --realise: derivations are built and their
// output paths printed; other paths must be valid and are printed.
func (c *nixStoreCmd) opRealise(env *Env, s *store.Local) (int, error) {
	bf := newBuildFlags(c.set)
	for i := 0; i < len(c.flags); i++ {
		n, err := bf.parse(c.flags, i)
		if err != nil {
			return 1, err
		}
		if n == 0 && c.flags[i] != "--ignore-unknown" {
			return 1, &usageError{fmt.Sprintf("unknown flag '%s'", c.flags[i])}
		}
		if n > 1 {
			i += n - 1
		}
	}
	o, err := bf.buildOptions(env, c.logging)
	if err != nil {
		return 1, err
	}
	var targets []build.Target
	var plain []storepath.StorePath
	for _, a := range c.args {
		t, err := parseDerivedPath(s, a)
		if err != nil {
			return 1, err
		}
		if t.Drv.IsDerivation() {
			targets = append(targets, t)
			continue
		}
		if v, err := s.IsValid(t.Drv); err != nil || !v {
			return 1, fmt.Errorf("path '%s' is not valid", s.PrintPath(t.Drv))
		}
		plain = append(plain, t.Drv)
	}
	res, err := bf.realise(env, s, o, targets)
	if err != nil {
		return buildFailure(env, err), nil
	}
	if bf.dryRun || c.noOutput {
		return 0, nil
	}
	for _, p := range plain {
		fmt.Fprintln(env.Stdout, s.PrintPath(p))
	}
	n := 0
	for _, outs := range res {
		for _, name := range sortedKeys(outs) {
			shown := s.PrintPath(outs[name])
			if c.gcRoot != "" {
				n++
				root := c.gcRoot
				if n > 1 {
					root += "-" + strconv.Itoa(n)
				}
				if shown, err = s.AddPermRoot(outs[name], absPath(root)); err != nil {
					return 1, err
				}
			}
			fmt.Fprintln(env.Stdout, shown)
		}
	}
	return 0, nil
}

func sortedKeys(m map[string]storepath.StorePath) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func absPath(p string) string {
	cwd, _ := os.Getwd()
	return absFrom(cwd, p)
}

// opReadLog is nix-store --read-log (-l): the build log of each path's
// deriver (or of the derivation itself).
func (c *nixStoreCmd) opReadLog(env *Env, s *store.Local) (int, error) {
	for _, a := range c.args {
		if err := printLog(env, s, a); err != nil {
			return 1, err
		}
	}
	return 0, nil
}

func printLog(env *Env, s *store.Local, arg string) error {
	p, err := s.FollowLinksToStorePath(absPath(arg))
	if err != nil {
		return err
	}
	cands := []storepath.StorePath{p}
	if !p.IsDerivation() {
		if info, err := s.PathInfo(p); err == nil && !info.Deriver.IsZero() {
			cands = []storepath.StorePath{info.Deriver}
		}
		if ds, err := s.ValidDerivers(p); err == nil {
			cands = append(cands, ds...)
		}
	}
	for _, d := range cands {
		if data, err := build.ReadLog(s.Config().LogDir, d); err == nil {
			env.Stdout.Write(data)
			return nil
		}
	}
	return fmt.Errorf("build log of '%s' is not available", s.PrintPath(p))
}
