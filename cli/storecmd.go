package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cairn-nix/cairn/narinfo"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/store"
	"github.com/cairn-nix/cairn/storepath"
)

// The modern store commands: `cairn hash ...`, `cairn store ...` and
// `cairn path-info`, dispatched from runCairn through storeCommands.

// storeCommands maps a modern subcommand to its runner, which gets the
// arguments after the subcommand name. `store` has subcommands of its own.
var storeCommands = map[string]func(*Env, []string) int{
	"hash":      runHash,
	"store":     runStore,
	"path-info": runPathInfo,
}

var storeSubcommands = map[string]func(*Env, *cmdArgs) error{
	"ls":        storeLs,
	"cat":       storeCat,
	"add":       storeAdd,
	"delete":    storeDelete,
	"gc":        storeGC,
	"verify":    storeVerify,
	"dump-path": storeDumpPath,
}

func runStore(env *Env, args []string) int {
	if len(args) == 0 {
		return fail(env, &usageError{"'store' requires a subcommand: add, cat, delete, dump-path, gc, ls or verify"})
	}
	f, ok := storeSubcommands[args[0]]
	if !ok {
		return fail(env, &usageError{fmt.Sprintf("'store' has no subcommand '%s'", args[0])})
	}
	c, err := parseCmdArgs(args[1:])
	if err == nil {
		err = f(env, c)
	}
	if err != nil {
		return fail(env, err)
	}
	return c.exit
}

// cmdArgs is a modern command line: common store options, boolean flags,
// flags with a value, and positional arguments.
type cmdArgs struct {
	storeOpts
	bools  map[string]bool
	values map[string]string
	args   []string
	exit   int
}

// valueFlags take an argument; any other flag is boolean.
var valueFlags = map[string]bool{
	"--name": true, "-n": true, "--mode": true, "--hash-algo": true, "--max": true, "--json-format": true,
	"--sigs-needed": true,
}

func parseCmdArgs(args []string) (*cmdArgs, error) {
	c := &cmdArgs{storeOpts: newStoreOpts(), bools: map[string]bool{}, values: map[string]string{}}
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
		switch {
		case valueFlags[a]:
			if i+1 >= len(args) {
				return nil, missingArg(a, 1, 0)
			}
			i++
			c.values[a] = args[i]
		case strings.HasPrefix(a, "-") && a != "-":
			c.bools[a] = true
		default:
			c.args = append(c.args, a)
		}
	}
	return c, nil
}

// allow rejects flags other than the given ones (aliases share a slot).
func (c *cmdArgs) allow(names ...string) error {
	ok := map[string]bool{}
	for _, n := range names {
		ok[n] = true
	}
	for f := range c.bools {
		if !ok[f] {
			return &usageError{fmt.Sprintf("unrecognised flag '%s'", f)}
		}
	}
	for f := range c.values {
		if !ok[f] {
			return &usageError{fmt.Sprintf("unrecognised flag '%s'", f)}
		}
	}
	return nil
}

func (c *cmdArgs) has(names ...string) bool {
	for _, n := range names {
		if c.bools[n] {
			return true
		}
	}
	return false
}

func (c *cmdArgs) one(what string) (string, error) {
	if len(c.args) != 1 {
		return "", &usageError{fmt.Sprintf("expected exactly one %s argument", what)}
	}
	return c.args[0], nil
}

// openPath opens the store and resolves the one path argument to the file
// it names inside the store.
func (c *cmdArgs) openPath(env *Env) (*store.Local, string, error) {
	arg, err := c.one("path")
	if err != nil {
		return nil, "", err
	}
	s, err := c.open(env)
	if err != nil {
		return nil, "", err
	}
	real, _, err := s.Resolve(arg)
	if err != nil {
		s.Close()
		return nil, "", err
	}
	return s, real, nil
}

func storeLs(env *Env, c *cmdArgs) error {
	if err := c.allow("--recursive", "-R", "--long", "-l", "--directory", "-d", "--json"); err != nil {
		return err
	}
	s, real, err := c.openPath(env)
	if err != nil {
		return err
	}
	defer s.Close()
	recursive, long, showDir := c.has("--recursive", "-R"), c.has("--long", "-l"), c.has("--directory", "-d")
	if c.has("--json") {
		if showDir {
			return &usageError{"'--directory' is useless with '--json'"}
		}
		v, err := lsJSON(real, recursive, true)
		if err != nil {
			return err
		}
		out, _ := json.Marshal(v)
		fmt.Fprintln(env.Stdout, string(out))
		return nil
	}
	var show func(p, rel string, top bool) error
	showFile := func(p, rel string) error {
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		if long {
			tp, size := "dr-xr-xr-x", int64(0)
			switch {
			case fi.Mode().IsRegular():
				tp, size = "-r--r--r--", fi.Size()
				if fi.Mode()&0o100 != 0 {
					tp = "-r-xr-xr-x"
				}
			case fi.Mode()&os.ModeSymlink != 0:
				tp = "lrwxrwxrwx"
			}
			line := fmt.Sprintf("%s %20d %s", tp, size, rel)
			if fi.Mode()&os.ModeSymlink != 0 {
				t, _ := os.Readlink(p)
				line += " -> " + t
			}
			fmt.Fprintln(env.Stdout, line)
		} else {
			fmt.Fprintln(env.Stdout, rel)
		}
		if recursive && fi.IsDir() {
			return show(p, rel, false)
		}
		return nil
	}
	show = func(p, rel string, dirItself bool) error {
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		if fi.IsDir() && !dirItself {
			names, err := sortedNames(p)
			if err != nil {
				return err
			}
			for _, n := range names {
				if err := showFile(filepath.Join(p, n), rel+"/"+n); err != nil {
					return err
				}
			}
			return nil
		}
		return showFile(p, rel)
	}
	fi, err := os.Lstat(real)
	if err != nil {
		return err
	}
	rel := filepath.Base(real)
	if fi.IsDir() {
		rel = "."
	}
	return show(real, rel, showDir)
}

func sortedNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	sort.Strings(names)
	return names, nil
}

// lsJSON is Nix's listing of a file system object: type, size and
// executable (only when set) for files, target for symlinks, entries
// for directories (empty objects below the top when not recursive).
func lsJSON(p string, recursive, top bool) (map[string]any, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	switch {
	case fi.Mode().IsRegular():
		m := map[string]any{"type": "regular", "size": fi.Size()}
		if fi.Mode()&0o100 != 0 {
			m["executable"] = true
		}
		return m, nil
	case fi.Mode()&os.ModeSymlink != 0:
		t, err := os.Readlink(p)
		return map[string]any{"type": "symlink", "target": t}, err
	case fi.IsDir():
		entries := map[string]any{}
		if recursive || top {
			names, err := sortedNames(p)
			if err != nil {
				return nil, err
			}
			for _, n := range names {
				if recursive {
					if entries[n], err = lsJSON(filepath.Join(p, n), true, false); err != nil {
						return nil, err
					}
				} else {
					entries[n] = map[string]any{}
				}
			}
		}
		return map[string]any{"type": "directory", "entries": entries}, nil
	}
	return nil, fmt.Errorf("file '%s' has an unsupported type", p)
}

func storeCat(env *Env, c *cmdArgs) error {
	if err := c.allow(); err != nil {
		return err
	}
	s, real, err := c.openPath(env)
	if err != nil {
		return err
	}
	defer s.Close()
	return store.CatFile(env.Stdout, real)
}

func storeAdd(env *Env, c *cmdArgs) error {
	if err := c.allow("--name", "-n", "--mode", "--hash-algo", "--dry-run"); err != nil {
		return err
	}
	src, err := c.one("path")
	if err != nil {
		return err
	}
	name := c.values["--name"]
	if name == "" {
		name = c.values["-n"]
	}
	if name == "" {
		name = filepath.Base(src)
	}
	o := store.AddOptions{Name: name, Method: storepath.NAR, KeepExecutable: true}
	if v, ok := c.values["--hash-algo"]; ok {
		if o.Algo, err = nixhash.ParseAlgorithm(v); err != nil {
			return err
		}
	}
	mode := c.values["--mode"]
	switch mode {
	case "", "nar":
	case "flat":
		o.Method = storepath.Flat
	case "text":
		if o.Algo != 0 && o.Algo != nixhash.SHA256 {
			return fmt.Errorf("text hashing method can only be used with sha256")
		}
	default:
		return &usageError{fmt.Sprintf("unknown content address method '%s'", mode)}
	}
	var a store.Adder
	if c.has("--dry-run") {
		a = &store.Computer{}
		if c.storeGiven() {
			s, err := c.open(env)
			if err != nil {
				return err
			}
			defer s.Close()
			a = &store.Computer{StoreDir: s.Dir()}
		}
	} else {
		s, err := c.open(env)
		if err != nil {
			return err
		}
		defer s.Close()
		a = s
	}
	var p storepath.StorePath
	if mode == "text" {
		data, rerr := os.ReadFile(src)
		if rerr != nil {
			return fmt.Errorf("reading '%s': %w", src, unwrapErr(rerr))
		}
		p, err = a.AddText(name, string(data), nil)
	} else {
		p, err = a.AddPathWith(src, o)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, a.Dir().Print(p))
	return nil
}

func storeDelete(env *Env, c *cmdArgs) error {
	if err := c.allow("--ignore-liveness"); err != nil {
		return err
	}
	s, err := c.open(env)
	if err != nil {
		return err
	}
	defer s.Close()
	o := store.GCOptions{Action: store.GCDeleteSpecific, IgnoreLiveness: c.has("--ignore-liveness"), Log: logTo(env)}
	for _, a := range c.args {
		p, err := s.FollowLinksToStorePath(a)
		if err != nil {
			return err
		}
		o.PathsToDelete = append(o.PathsToDelete, p)
	}
	res, err := s.CollectGarbage(o)
	if res != nil {
		printFreed(env, res)
	}
	return err
}

func storeGC(env *Env, c *cmdArgs) error {
	if err := c.allow("--max", "--dry-run"); err != nil {
		return err
	}
	if len(c.args) > 0 {
		return &usageError{"'store gc' takes no arguments"}
	}
	o := store.GCOptions{Action: store.GCDeleteDead, Log: logTo(env)}
	if v, ok := c.values["--max"]; ok {
		n, err := parseSize("--max", v)
		if err != nil {
			return err
		}
		o.MaxFreed, o.Limited = n, true
	}
	dry := c.has("--dry-run")
	if dry && o.Limited {
		return &usageError{"options --max and --dry-run cannot be combined"}
	}
	if dry {
		o.Action = store.GCReturnDead
	}
	s, err := c.open(env)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.CollectGarbage(o)
	if res != nil {
		if dry {
			fmt.Fprintf(env.Stdout, "%d store paths would be deleted\n", len(res.Paths))
		} else {
			printFreed(env, res)
		}
	}
	return err
}

func storeVerify(env *Env, c *cmdArgs) error {
	if err := c.allow("--no-contents", "--no-trust", "--recursive", "-r", "--all"); err != nil {
		return err
	}
	s, err := c.open(env)
	if err != nil {
		return err
	}
	defer s.Close()
	paths, err := pathsArgs(s, c.args, c.has("--recursive", "-r"), c.has("--all"))
	if err != nil {
		return err
	}
	var corrupted, untrusted, failed int
	for _, p := range paths {
		fmt.Fprintf(env.Stderr, "checking '%s'...\n", s.PrintPath(p))
		info, err := s.PathInfo(p)
		if err != nil {
			fmt.Fprintf(env.Stderr, "error: %v\n", err)
			failed++
			continue
		}
		if !c.has("--no-contents") {
			ok, got, err := s.VerifyPath(p)
			if err != nil {
				fmt.Fprintf(env.Stderr, "error: %v\n", err)
				failed++
				continue
			}
			if !ok {
				corrupted++
				fmt.Fprintf(env.Stderr, "error: path '%s' was modified! expected hash '%s', got '%s'\n", s.PrintPath(p),
					info.NarHash.Format(nixhash.Nix32, true), got.Format(nixhash.Nix32, true))
			}
		}
		// Trusted: built here, or content-addressed. Signature checks
		// need trusted-public-keys, which Cairn does not read yet.
		if !c.has("--no-trust") && !info.Ultimate && !info.IsContentAddressed(s.Dir()) {
			untrusted++
			fmt.Fprintf(env.Stderr, "error: path '%s' is untrusted\n", s.PrintPath(p))
		}
	}
	code := 0
	if corrupted > 0 {
		code |= 1
	}
	if untrusted > 0 {
		code |= 2
	}
	if failed > 0 {
		code |= 4
	}
	c.exit = code
	return nil
}

func storeDumpPath(env *Env, c *cmdArgs) error {
	if err := c.allow(); err != nil {
		return err
	}
	arg, err := c.one("path")
	if err != nil {
		return err
	}
	s, err := c.open(env)
	if err != nil {
		return err
	}
	defer s.Close()
	p, err := s.FollowLinksToStorePath(arg)
	if err != nil {
		return err
	}
	w := newFlushWriter(env.Stdout)
	if err := s.NarFromPath(p, w); err != nil {
		return err
	}
	return w.Flush()
}

// pathsArgs turns arguments into store paths: all valid paths with all,
// and closures with recursive.
func pathsArgs(s *store.Local, args []string, recursive, all bool) ([]storepath.StorePath, error) {
	var paths []storepath.StorePath
	if all {
		return s.AllValid()
	}
	for _, a := range args {
		p, err := s.FollowLinksToStorePath(a)
		if err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	if recursive {
		return s.Closure(paths, false, false, false)
	}
	return paths, nil
}

func runPathInfo(env *Env, args []string) int {
	c, err := parseCmdArgs(args)
	if err == nil {
		err = pathInfo(env, c)
	}
	if err != nil {
		return fail(env, err)
	}
	return c.exit
}

func pathInfo(env *Env, c *cmdArgs) error {
	if err := c.allow("--json", "--json-format", "--closure-size", "-S", "--size", "-s", "--recursive", "-r",
		"--human-readable", "-h", "--sigs", "--all", "--pretty"); err != nil {
		return err
	}
	s, err := c.open(env)
	if err != nil {
		return err
	}
	defer s.Close()
	paths, err := pathsArgs(s, c.args, c.has("--recursive", "-r"), c.has("--all"))
	if err != nil {
		return err
	}
	closureSize := func(p storepath.StorePath) (uint64, error) {
		cl, err := s.Closure([]storepath.StorePath{p}, false, false, false)
		if err != nil {
			return 0, err
		}
		var total uint64
		for _, q := range cl {
			info, err := s.PathInfo(q)
			if err != nil {
				return 0, err
			}
			total += info.NarSize
		}
		return total, nil
	}
	if c.has("--json") {
		version := 1
		switch v, ok := c.values["--json-format"]; {
		case !ok:
			fmt.Fprintln(env.Stderr, "warning: '--json' without '--json-format' is deprecated; please specify '--json-format 1' or '--json-format 2'. This will become an error in a future release.")
		case v == "1":
		case v == "2":
			version = 2
		default:
			return &usageError{fmt.Sprintf("unsupported path info JSON format version %s; supported versions are 1 and 2", v)}
		}
		out, err := pathInfoJSON(s, paths, version, c.has("--closure-size", "-S"), closureSize)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, string(out))
		return nil
	}
	width := 0
	for _, p := range paths {
		width = max(width, len(s.PrintPath(p)))
	}
	human := c.has("--human-readable", "-h")
	size := func(n uint64) string {
		if human {
			return "\t" + store.RenderSizeAligned(int64(n))
		}
		return fmt.Sprintf("\t%11d", n)
	}
	for _, p := range paths {
		info, err := s.PathInfo(p)
		if err != nil {
			return err
		}
		line := s.PrintPath(p)
		showSize, showClosure, showSigs := c.has("--size", "-s"), c.has("--closure-size", "-S"), c.has("--sigs")
		if showSize || showClosure || showSigs {
			line += strings.Repeat(" ", width-len(line))
		}
		if showSize {
			line += size(info.NarSize)
		}
		if showClosure {
			n, err := closureSize(p)
			if err != nil {
				return err
			}
			line += size(n)
		}
		if showSigs {
			var ss []string
			if info.Ultimate {
				ss = append(ss, "ultimate")
			}
			if !info.CA.IsZero() {
				ss = append(ss, "ca:"+info.CA.String())
			}
			for _, sig := range info.Sigs {
				ss = append(ss, sig.String())
			}
			line += "\t" + strings.Join(ss, " ")
		}
		fmt.Fprintln(env.Stdout, line)
	}
	return nil
}

// pathInfoJSON is `nix path-info --json`: one object per path (null for
// an invalid one) with "storeDir" added, keyed by full path (version 1)
// or base name inside {"info", "storeDir", "version"} (version 2).
func pathInfoJSON(s *store.Local, paths []storepath.StorePath, version int, withClosure bool, closureSize func(storepath.StorePath) (uint64, error)) ([]byte, error) {
	all := map[string]any{}
	for _, p := range paths {
		key := p.String()
		if version == 1 {
			key = s.PrintPath(p)
		}
		info, err := s.PathInfo(p)
		if err != nil {
			if _, ok := err.(*store.InvalidPathError); ok {
				all[key] = nil
				continue
			}
			return nil, err
		}
		obj, err := pathInfoObject(s, info, version)
		if err != nil {
			return nil, err
		}
		if withClosure {
			n, err := closureSize(p)
			if err != nil {
				return nil, err
			}
			obj["closureSize"] = n
		}
		all[key] = obj
	}
	if version == 1 {
		return json.Marshal(all)
	}
	return json.Marshal(map[string]any{"version": version, "storeDir": s.Dir().Path(), "info": all})
}

func pathInfoObject(s *store.Local, info *narinfo.PathInfo, version int) (map[string]any, error) {
	data, err := info.JSON(s.Dir(), true, version)
	if err != nil {
		return nil, err
	}
	// Numbers stay json.Number so that sizes and times print as integers.
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	obj["storeDir"] = s.Dir().Path()
	return obj, nil
}
