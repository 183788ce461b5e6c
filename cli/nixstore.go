package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cairn-nix/cairn/nar"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/store"
	"github.com/cairn-nix/cairn/storepath"
)

// nix-store: the classic store command. Like Nix it takes one operation
// (--add, --query, --gc, ...), flags for that operation, and arguments;
// common options (--store, --option, --add-root, ...) may appear
// anywhere.

// storeOpts are the options shared by the store commands: the settings
// (--store among them) and the logging flags.
type storeOpts struct {
	set     *settingFlags
	logging map[string]string // log-format, print-build-logs
}

func newStoreOpts() storeOpts {
	return storeOpts{set: newSettingFlags(), logging: map[string]string{}}
}

// parse consumes a common option at args[i], returning how many words it
// used (0 if args[i] is not one).
func (o *storeOpts) parse(args []string, i int) (int, error) {
	switch a := args[i]; a {
	case "--print-build-logs", "-L":
		o.logging["print-build-logs"] = "true"
		return 1, nil
	case "-v", "--verbose", "--quiet", "-Q", "--no-build-output":
		return 1, nil
	case "--log-format":
		if i+1 >= len(args) {
			return 0, missingArg(a, 1, 0)
		}
		o.logging["log-format"] = args[i+1]
		return 2, nil
	}
	return o.set.parse(args, i)
}

// storeGiven reports whether the command line names a store.
func (o *storeOpts) storeGiven() bool {
	_, ok := o.set.get("store")
	return ok
}

// open opens the store: the --store URI, or the `store` setting.
func (o *storeOpts) open(env *Env) (*store.Local, error) {
	s, err := o.set.load(env)
	if err != nil {
		return nil, err
	}
	return store.Open(s)
}

// expandShortFlags splits compound short options as Nix does: "-qR" is
// "-q -R", and "-j3" is "-j 3". Nothing after "--" is touched.
func expandShortFlags(args []string) []string {
	var out []string
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && isAlpha(a[1]) {
			out = append(out, a[:2])
			for j := 2; j < len(a); j++ {
				if !isAlpha(a[j]) {
					out = append(out, a[j:])
					break
				}
				out = append(out, "-"+a[j:j+1])
			}
			continue
		}
		out = append(out, a)
	}
	return out
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// nixStoreCmd is a parsed nix-store command line.
type nixStoreCmd struct {
	storeOpts
	op       string
	flags    []string
	args     []string
	gcRoot   string
	noOutput bool
}

// nixStoreOps maps each operation flag to its canonical name.
var nixStoreOps = map[string]string{
	"--add": "add", "-A": "add", "--add-fixed": "add-fixed", "--print-fixed-path": "print-fixed-path",
	"--delete": "delete", "--query": "query", "-q": "query", "--dump-db": "dump-db", "--load-db": "load-db",
	"--register-validity": "register-validity", "--check-validity": "check-validity", "--gc": "gc",
	"--dump": "dump", "--restore": "restore", "--export": "export", "--import": "import", "--init": "init",
	"--verify": "verify", "--verify-path": "verify-path", "--version": "version",
	"--realise": "realise", "--realize": "realise", "-r": "realise", "--print-env": "print-env",
	"--read-log": "read-log", "-l": "read-log", "--repair-path": "repair-path", "--optimise": "optimise",
	"--optimize": "optimise", "--serve": "serve", "--generate-binary-cache-key": "generate-binary-cache-key",
}

func parseNixStore(args []string) (*nixStoreCmd, error) {
	c := &nixStoreCmd{storeOpts: newStoreOpts()}
	args = expandShortFlags(args)
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			c.args = append(c.args, args[i+1:]...)
			break
		}
		if n, err := c.storeOpts.parse(args, i); err != nil {
			return nil, err
		} else if n > 0 {
			i += n - 1
			continue
		}
		if op, ok := nixStoreOps[a]; ok {
			if c.op != "" && c.op != op {
				return nil, &usageError{"only one operation may be specified"}
			}
			c.op = op
			continue
		}
		switch {
		case a == "--add-root":
			if i+1 >= len(args) {
				return nil, missingLegacyArg("--add-root")
			}
			i++
			c.gcRoot = args[i]
		case a == "--indirect" || a == "--stdin":
		case a == "--no-output":
			c.noOutput = true
		case a == "--help":
			return nil, &usageError{"nix-store --help is not available in Cairn; see README.md"}
		case strings.HasPrefix(a, "-") && a != "-":
			c.flags = append(c.flags, a)
			if a == "--max-freed" || a == "--max-links" || a == "--max-atime" {
				if i+1 >= len(args) {
					return nil, missingLegacyArg(a)
				}
				i++
				c.flags = append(c.flags, args[i])
			}
		default:
			c.args = append(c.args, a)
		}
	}
	if c.op == "" {
		return nil, &usageError{"no operation specified"}
	}
	return c, nil
}

func runNixStore(env *Env, args []string) int {
	c, err := parseNixStore(args)
	if err != nil {
		return fail(env, err)
	}
	var s *store.Local
	switch c.op {
	case "version":
		fmt.Fprintln(env.Stdout, "nix-store (Nix) 2.34.8")
		return 0
	case "dump", "restore", "init":
		// These work on plain files, no store needed (as in Nix).
	default:
		if s, err = c.open(env); err != nil {
			return fail(env, err)
		}
		defer s.Close()
	}
	code, err := c.run(env, s)
	if err != nil {
		return fail(env, err)
	}
	return code
}

func (c *nixStoreCmd) noFlags() error {
	if len(c.flags) > 0 {
		return &usageError{fmt.Sprintf("unknown flag '%s'", c.flags[0])}
	}
	return nil
}

func (c *nixStoreCmd) run(env *Env, s *store.Local) (int, error) {
	switch c.op {
	case "realise":
		return c.opRealise(env, s)
	case "read-log":
		return c.opReadLog(env, s)
	case "add":
		return 0, c.opAdd(env, s)
	case "add-fixed":
		return 0, c.opAddFixed(env, s)
	case "print-fixed-path":
		return 0, c.opPrintFixedPath(env, s)
	case "query":
		return 0, c.opQuery(env, s)
	case "dump":
		return 0, c.opDump(env)
	case "restore":
		return 0, c.opRestore(env)
	case "export":
		return 0, c.opExport(env, s)
	case "import":
		return 0, c.opImport(env, s)
	case "verify":
		return c.opVerify(env, s)
	case "verify-path":
		return c.opVerifyPath(env, s)
	case "dump-db":
		return 0, c.opDumpDB(env, s)
	case "load-db":
		if err := c.noFlags(); err != nil {
			return 0, err
		}
		if len(c.args) > 0 {
			return 0, &usageError{"no arguments expected"}
		}
		return 0, s.LoadDB(env.Stdin)
	case "check-validity":
		return 0, c.opCheckValidity(env, s)
	case "gc":
		return 0, c.opGC(env, s)
	case "delete":
		return 0, c.opDelete(env, s)
	case "init":
		if err := c.noFlags(); err != nil {
			return 0, err
		}
		return 0, nil
	}
	return 1, fmt.Errorf("'nix-store --%s' is not implemented in Cairn yet", c.op)
}

func (c *nixStoreCmd) opAdd(env *Env, s *store.Local) error {
	if err := c.noFlags(); err != nil {
		return err
	}
	for _, a := range c.args {
		p, err := s.AddPath(a, filepath.Base(a), storepath.NAR)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, s.PrintPath(p))
	}
	return nil
}

// hashMethod reads the only flag --add-fixed and --print-fixed-path take:
// --recursive hashes the NAR serialisation instead of the file.
func (c *nixStoreCmd) hashMethod() (storepath.Method, error) {
	method := storepath.Flat
	for _, f := range c.flags {
		if f != "--recursive" {
			return method, &usageError{fmt.Sprintf("unknown flag '%s'", f)}
		}
		method = storepath.NAR
	}
	return method, nil
}

func (c *nixStoreCmd) opAddFixed(env *Env, s *store.Local) error {
	method, err := c.hashMethod()
	if err != nil {
		return err
	}
	if len(c.args) == 0 {
		return &usageError{"first argument must be hash algorithm"}
	}
	algo, err := nixhash.ParseAlgorithm(c.args[0])
	if err != nil {
		return err
	}
	for _, a := range c.args[1:] {
		p, err := s.AddPathWith(a, store.AddOptions{Name: filepath.Base(a), Method: method, Algo: algo, KeepExecutable: true})
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, s.PrintPath(p))
	}
	return nil
}

func (c *nixStoreCmd) opPrintFixedPath(env *Env, s *store.Local) error {
	method, err := c.hashMethod()
	if err != nil {
		return err
	}
	if len(c.args) != 3 {
		return &usageError{"'--print-fixed-path' requires three arguments"}
	}
	algo, err := nixhash.ParseAlgorithm(c.args[0])
	if err != nil {
		return err
	}
	h, err := nixhash.ParseAny(c.args[1], algo)
	if err != nil {
		return err
	}
	p, err := s.Dir().MakeFixedOutputPath(c.args[2], method, h, storepath.References{})
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, s.PrintPath(p))
	return nil
}

func (c *nixStoreCmd) opDump(env *Env) error {
	if err := c.noFlags(); err != nil {
		return err
	}
	if len(c.args) != 1 {
		return &usageError{"only one argument allowed"}
	}
	w := newFlushWriter(env.Stdout)
	if err := nar.DumpPath(w, c.args[0]); err != nil {
		return err
	}
	return w.Flush()
}

func (c *nixStoreCmd) opRestore(env *Env) error {
	if err := c.noFlags(); err != nil {
		return err
	}
	if len(c.args) != 1 {
		return &usageError{"only one argument allowed"}
	}
	return nar.Restore(env.Stdin, c.args[0])
}

func (c *nixStoreCmd) storePaths(s *store.Local) ([]storepath.StorePath, error) {
	var out []storepath.StorePath
	for _, a := range c.args {
		p, err := s.FollowLinksToStorePath(a)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (c *nixStoreCmd) opExport(env *Env, s *store.Local) error {
	if err := c.noFlags(); err != nil {
		return err
	}
	paths, err := c.storePaths(s)
	if err != nil {
		return err
	}
	w := newFlushWriter(env.Stdout)
	if err := s.Export(paths, w); err != nil {
		return err
	}
	return w.Flush()
}

func (c *nixStoreCmd) opImport(env *Env, s *store.Local) error {
	if err := c.noFlags(); err != nil {
		return err
	}
	if len(c.args) > 0 {
		return &usageError{"no arguments expected"}
	}
	paths, err := s.Import(env.Stdin)
	for _, p := range paths {
		fmt.Fprintln(env.Stdout, s.PrintPath(p))
	}
	return err
}

func (c *nixStoreCmd) opVerify(env *Env, s *store.Local) (int, error) {
	if len(c.args) > 0 {
		return 0, &usageError{"no arguments expected"}
	}
	o := store.VerifyOptions{Log: logTo(env)}
	for _, f := range c.flags {
		switch f {
		case "--check-contents":
			o.CheckContents = true
		case "--repair":
			o.Repair = true
		default:
			return 0, &usageError{fmt.Sprintf("unknown flag '%s'", f)}
		}
	}
	bad, err := s.Verify(o)
	if err != nil {
		return 0, err
	}
	if bad {
		fmt.Fprintln(env.Stderr, "warning: not all store errors were fixed")
		return 1, nil
	}
	return 0, nil
}

func (c *nixStoreCmd) opVerifyPath(env *Env, s *store.Local) (int, error) {
	if len(c.flags) > 0 {
		return 0, &usageError{"no flags expected"}
	}
	paths, err := c.storePaths(s)
	if err != nil {
		return 0, err
	}
	status := 0
	for _, p := range paths {
		ok, got, err := s.VerifyPath(p)
		if err != nil {
			return 0, err
		}
		if !ok {
			info, err := s.PathInfo(p)
			if err != nil {
				return 0, err
			}
			fmt.Fprintf(env.Stderr, "error: path '%s' was modified! expected hash '%s', got '%s'\n", s.PrintPath(p),
				info.NarHash.Format(nixhash.Nix32, true), got.Format(nixhash.Nix32, true))
			status = 1
		}
	}
	return status, nil
}

func (c *nixStoreCmd) opDumpDB(env *Env, s *store.Local) error {
	if err := c.noFlags(); err != nil {
		return err
	}
	var paths []storepath.StorePath
	if len(c.args) > 0 {
		var err error
		if paths, err = c.storePaths(s); err != nil {
			return err
		}
	}
	return s.DumpDB(env.Stdout, paths)
}

func (c *nixStoreCmd) opCheckValidity(env *Env, s *store.Local) error {
	printInvalid := false
	for _, f := range c.flags {
		if f != "--print-invalid" {
			return &usageError{fmt.Sprintf("unknown flag '%s'", f)}
		}
		printInvalid = true
	}
	paths, err := c.storePaths(s)
	if err != nil {
		return err
	}
	for _, p := range paths {
		ok, err := s.IsValid(p)
		if err != nil {
			return err
		}
		if !ok {
			if !printInvalid {
				return fmt.Errorf("path '%s' is not valid", s.PrintPath(p))
			}
			fmt.Fprintln(env.Stdout, s.PrintPath(p))
		}
	}
	return nil
}

func (c *nixStoreCmd) opGC(env *Env, s *store.Local) error {
	printRoots := false
	o := store.GCOptions{Action: store.GCDeleteDead, Log: logTo(env)}
	for i := 0; i < len(c.flags); i++ {
		switch f := c.flags[i]; f {
		case "--print-roots":
			printRoots = true
		case "--print-live":
			o.Action = store.GCReturnLive
		case "--print-dead":
			o.Action = store.GCReturnDead
		case "--max-freed":
			n, err := parseSize(f, c.flags[i+1])
			if err != nil {
				return err
			}
			i++
			o.MaxFreed, o.Limited = n, true
		default:
			return &usageError{fmt.Sprintf("bad sub-operation '%s' in GC", f)}
		}
	}
	if len(c.args) > 0 {
		return &usageError{"no arguments expected"}
	}
	if o.Limited && (o.Action != store.GCDeleteDead || printRoots) {
		return &usageError{"option --max-freed cannot be combined with --print-live, --print-dead, or --print-roots"}
	}
	if printRoots {
		roots, err := s.FindRoots(false, logTo(env))
		if err != nil {
			return err
		}
		printRootLinks(env.Stdout, s, roots, nil)
		return nil
	}
	res, err := s.CollectGarbage(o)
	if res != nil {
		if o.Action == store.GCDeleteDead {
			printFreed(env, res)
		} else {
			for _, p := range res.Paths {
				fmt.Fprintln(env.Stdout, p)
			}
		}
	}
	return err
}

func (c *nixStoreCmd) opDelete(env *Env, s *store.Local) error {
	o := store.GCOptions{Action: store.GCDeleteSpecific, Log: logTo(env)}
	for _, f := range c.flags {
		if f != "--ignore-liveness" {
			return &usageError{fmt.Sprintf("unknown flag '%s'", f)}
		}
		o.IgnoreLiveness = true
	}
	paths, err := c.storePaths(s)
	if err != nil {
		return err
	}
	o.PathsToDelete = paths
	res, err := s.CollectGarbage(o)
	if res != nil {
		printFreed(env, res)
	}
	return err
}

// printFreed prints Nix's summary line of a collection.
func printFreed(env *Env, res *store.GCResults) {
	fmt.Fprintf(env.Stdout, "%d store paths deleted, %s freed\n", len(res.Paths), renderSize(int64(res.BytesFreed)))
}

// renderSize is Nix's rendering of a size.
func renderSize(n int64) string { return store.RenderSize(n) }

// parseSize parses an integer with an optional K, M, G or T suffix, as
// Nix's --max-freed does; negative values count as 0.
func parseSize(flag, s string) (uint64, error) {
	mult := int64(1)
	if s != "" {
		switch s[len(s)-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		case 'T':
			mult = 1 << 40
		}
		if mult != 1 {
			s = s[:len(s)-1]
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, &usageError{fmt.Sprintf("flag '%s' requires an integer argument", flag)}
	}
	if n < 0 {
		return 0, nil
	}
	return uint64(n * mult), nil
}

// logTo sends store progress lines to standard error.
func logTo(env *Env) func(string, ...any) {
	return func(format string, a ...any) { fmt.Fprintf(env.Stderr, format+"\n", a...) }
}

// runCollectGarbage is nix-collect-garbage: optionally delete old profile
// generations (-d, --delete-older-than), then collect.
func runCollectGarbage(env *Env, args []string) int {
	o := newStoreOpts()
	gc := store.GCOptions{Action: store.GCDeleteDead, Log: logTo(env)}
	removeOld, dryRun, olderThan := false, false, ""
	args = expandShortFlags(args)
	for i := 0; i < len(args); i++ {
		if n, err := o.parse(args, i); err != nil {
			return fail(env, err)
		} else if n > 0 {
			i += n - 1
			continue
		}
		switch a := args[i]; a {
		case "--delete-old", "-d":
			removeOld = true
		case "--delete-older-than", "--max-freed":
			if i+1 >= len(args) {
				return fail(env, missingLegacyArg(a))
			}
			i++
			if a == "--max-freed" {
				n, err := parseSize(a, args[i])
				if err != nil {
					return fail(env, err)
				}
				gc.MaxFreed, gc.Limited = n, true
			} else {
				removeOld, olderThan = true, args[i]
			}
		case "--dry-run":
			dryRun = true
		case "--version":
			fmt.Fprintln(env.Stdout, "nix-collect-garbage (Nix) 2.34.8")
			return 0
		default:
			return fail(env, &usageError{fmt.Sprintf("unrecognised flag '%s'", a)})
		}
	}
	if gc.Limited && dryRun {
		return fail(env, &usageError{"options --max-freed and --dry-run cannot be combined"})
	}
	s, err := o.open(env)
	if err != nil {
		return fail(env, err)
	}
	defer s.Close()
	if removeOld {
		for _, dir := range profileDirs(s) {
			if err := removeOldGenerations(env, dir, olderThan, dryRun); err != nil {
				return fail(env, err)
			}
		}
	}
	if dryRun {
		gc.Action = store.GCReturnDead
	}
	res, err := s.CollectGarbage(gc)
	if res != nil {
		if dryRun {
			fmt.Fprintf(env.Stdout, "%d store paths would be deleted\n", len(res.Paths))
		} else {
			printFreed(env, res)
		}
	}
	if err != nil {
		return fail(env, err)
	}
	return 0
}

// profileDirs are the directories whose profiles -d cleans: the store's
// profiles/ (with per-user/), the user's profile directory, and the
// directory of the default profile ~/.nix-profile points into.
func profileDirs(s *store.Local) []string {
	dirs := []string{filepath.Join(s.Config().StateDir, "profiles")}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".local/state/nix/profiles"))
		if t, err := os.Readlink(filepath.Join(home, ".nix-profile")); err == nil {
			dirs = append(dirs, filepath.Dir(t))
		}
	}
	return dirs
}
