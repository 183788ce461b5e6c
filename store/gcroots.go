package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/cairn-nix/cairn/nixbase32"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// Roots maps each rooted store path to what roots it: symlinks, files,
// "{temp:PID}", /proc entries, or "{censored}".
type Roots map[storepath.StorePath][]string

func (r Roots) add(p storepath.StorePath, link string) {
	for _, l := range r[p] {
		if l == link {
			return
		}
	}
	r[p] = append(r[p], link)
}

const censored = "{censored}"

// FindRoots returns the GC roots: permanent ones under gcroots/ and
// profiles/, running processes, and temporary roots. With censor, the
// links of runtime and temporary roots are hidden, as Nix hides them
// from unprivileged users.
func (s *Local) FindRoots(censor bool, log func(string, ...any)) (Roots, error) {
	roots, err := s.findRootsNoTemp(censor, log)
	if err != nil {
		return nil, err
	}
	if err := s.findTempRoots(roots, censor, nil, log); err != nil {
		return nil, err
	}
	return roots, nil
}

func (s *Local) findRootsNoTemp(censor bool, log func(string, ...any)) (Roots, error) {
	roots := Roots{}
	for _, d := range []string{filepath.Join(s.cfg.StateDir, "gcroots"), filepath.Join(s.cfg.StateDir, "profiles")} {
		if err := s.findRootsIn(d, kindUnknown, roots, log); err != nil {
			return nil, err
		}
	}
	if err := s.findRuntimeRoots(roots, censor); err != nil {
		return nil, err
	}
	return roots, nil
}

// fileKind is what findRootsIn needs to know of a directory entry.
type fileKind int

const (
	kindUnknown fileKind = iota
	kindDir
	kindSymlink
	kindRegular
	kindOther
)

func kindOf(m fs.FileMode) fileKind {
	switch {
	case m.IsDir():
		return kindDir
	case m&fs.ModeSymlink != 0:
		return kindSymlink
	case m.IsRegular():
		return kindRegular
	}
	return kindOther
}

// findRootsIn walks a roots directory (Nix's findRoots): symlinks into the
// store are roots; a symlink elsewhere is an indirect root when its
// target is itself a symlink into the store (a stale one in gcroots/auto
// is removed); a regular file named like a store path roots that path.
func (s *Local) findRootsIn(p string, kind fileKind, roots Roots, log func(string, ...any)) error {
	ignorable := func(err error) bool {
		return errors.Is(err, fs.ErrPermission) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
	}
	found := func(link, target string) {
		sp, _, err := s.dir.SplitPath(target)
		if err != nil {
			return
		}
		if ok, _ := s.IsValid(sp); ok {
			roots.add(sp, link)
		} else {
			log("skipping invalid root from '%s' to '%s'", link, target)
		}
	}
	if kind == kindUnknown {
		fi, err := os.Lstat(p)
		if err != nil {
			if ignorable(err) {
				log("cannot read potential root '%s'", p)
				return nil
			}
			return fmt.Errorf("finding GC roots in '%s': %w", p, unwrapPathErr(err))
		}
		kind = kindOf(fi.Mode())
	}
	switch kind {
	case kindDir:
		entries, err := os.ReadDir(p)
		if err != nil {
			if ignorable(err) {
				log("cannot read potential root '%s'", p)
				return nil
			}
			return fmt.Errorf("finding GC roots in '%s': %w", p, unwrapPathErr(err))
		}
		for _, e := range entries {
			if err := s.findRootsIn(filepath.Join(p, e.Name()), kindOf(e.Type()), roots, log); err != nil {
				return err
			}
		}
	case kindSymlink:
		target, err := os.Readlink(p)
		if err != nil {
			if ignorable(err) {
				return nil
			}
			return fmt.Errorf("finding GC roots in '%s': %w", p, err)
		}
		if s.dir.IsInStore(target) {
			found(p, target)
			return nil
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		target = filepath.Clean(target)
		fi, err := os.Lstat(target)
		if err != nil {
			if isInDir(p, filepath.Join(s.cfg.StateDir, "gcroots", "auto")) {
				log("removing stale link from '%s' to '%s'", p, target)
				os.Remove(p)
			}
			return nil
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return nil
		}
		target2, err := os.Readlink(target)
		if err == nil && s.dir.IsInStore(target2) {
			found(target, target2)
		}
	case kindRegular:
		if sp, err := s.dir.Parse(s.dir.Path() + "/" + filepath.Base(p)); err == nil {
			if ok, _ := s.IsValid(sp); ok {
				roots.add(sp, p)
			}
		}
	}
	return nil
}

func isInDir(p, dir string) bool {
	return strings.HasPrefix(p, dir+"/")
}

// findTempRoots reads every process's temporary roots file. Files whose
// owner has died (we can lock them) are removed. hashParts, when not
// nil, receives the hash part of each root, which is what the collector
// compares against (so "<path>.lock" files are kept too).
func (s *Local) findTempRoots(roots Roots, censor bool, hashParts map[string]bool, log func(string, ...any)) error {
	entries, err := os.ReadDir(s.tempRootsDir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("reading '%s': %w", s.tempRootsDir, unwrapPathErr(err))
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue // package managers keep such files to keep the directory
		}
		pid, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		p := filepath.Join(s.tempRootsDir, name)
		f, err := os.OpenFile(p, os.O_RDWR|syscall.O_CLOEXEC, 0o666)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return fmt.Errorf("opening temporary roots file '%s': %w", p, unwrapPathErr(err))
		}
		if ok, err := lockFile(f, lockWrite, false); err == nil && ok {
			log("removing stale temporary roots file '%s'", p)
			os.Remove(p)
			f.Write([]byte("d"))
			f.Close()
			continue
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("reading temporary roots file '%s': %w", p, err)
		}
		for _, root := range strings.Split(string(data), "\x00") {
			if root == "" {
				continue
			}
			sp, err := s.dir.Parse(root)
			if err != nil {
				continue
			}
			link := censored
			if !censor {
				link = fmt.Sprintf("{temp:%d}", pid)
			}
			roots.add(sp, link)
			if hashParts != nil {
				hashParts[sp.HashPart()] = true
			}
		}
	}
	return nil
}

var (
	digitsRE = regexp.MustCompile(`^[0-9]+$`)
	mapsRE   = regexp.MustCompile(`^\s*\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(/\S+)\s*$`)
)

// findRuntimeRoots scans /proc as Nix does on Linux: the executable,
// working directory, open files, mapped files and environment of every
// process, plus the kernel's helper programs. Processes that vanish or
// that we may not inspect are skipped.
func (s *Local) findRuntimeRoots(roots Roots, censor bool) error {
	unchecked := map[string][]string{}
	readLink := func(file string) {
		if t, err := os.Readlink(file); err == nil && filepath.IsAbs(t) {
			unchecked[t] = append(unchecked[t], file)
		}
	}
	storeRE := regexp.MustCompile(regexp.QuoteMeta(s.dir.Path()) + `/[0-9a-z]+[0-9a-zA-Z\+\-\._\?=]*`)
	procs, err := os.ReadDir("/proc")
	if err == nil {
		for _, pe := range procs {
			if !digitsRE.MatchString(pe.Name()) {
				continue
			}
			dir := "/proc/" + pe.Name()
			readLink(dir + "/exe")
			readLink(dir + "/cwd")
			if fds, err := os.ReadDir(dir + "/fd"); err == nil {
				for _, fd := range fds {
					readLink(dir + "/fd/" + fd.Name())
				}
			}
			if maps, err := os.ReadFile(dir + "/maps"); err == nil {
				for _, line := range strings.Split(string(maps), "\n") {
					if m := mapsRE.FindStringSubmatch(line); m != nil {
						unchecked[m[1]] = append(unchecked[m[1]], dir+"/maps")
					}
				}
			}
			if env, err := os.ReadFile(dir + "/environ"); err == nil {
				for _, m := range storeRE.FindAllString(string(env), -1) {
					unchecked[m] = append(unchecked[m], dir+"/environ")
				}
			}
		}
	}
	for _, f := range []string{"/proc/sys/kernel/modprobe", "/proc/sys/kernel/fbsplash", "/proc/sys/kernel/poweroff_cmd"} {
		if data, err := os.ReadFile(f); err == nil {
			t := string(data)
			unchecked[t] = append(unchecked[t], f)
		}
	}
	for target, links := range unchecked {
		if !s.dir.IsInStore(target) {
			continue
		}
		sp, _, err := s.dir.SplitPath(target)
		if err != nil {
			continue
		}
		if ok, err := s.IsValid(sp); err != nil {
			return err
		} else if !ok {
			continue
		}
		for _, l := range links {
			if censor {
				l = censored
			}
			roots.add(sp, l)
		}
	}
	return nil
}

// AddIndirectRoot makes the symlink at link (outside the store, pointing
// into it) a GC root, through gcroots/auto (Nix's addIndirectRoot).
func (s *Local) AddIndirectRoot(link string) error {
	abs, err := filepath.Abs(link)
	if err != nil {
		return err
	}
	name := nixbase32.EncodeToString(nixhash.SumString(nixhash.SHA1, abs).Bytes())
	auto := filepath.Join(s.cfg.StateDir, "gcroots", "auto")
	if err := os.MkdirAll(auto, 0o755); err != nil {
		return err
	}
	return replaceSymlink(abs, filepath.Join(auto, name))
}

// AddPermRoot makes link a symlink to p and registers it as an indirect
// root, returning link's absolute path (Nix's addPermRoot).
func (s *Local) AddPermRoot(p storepath.StorePath, link string) (string, error) {
	abs, err := filepath.Abs(link)
	if err != nil {
		return "", err
	}
	if s.dir.IsInStore(abs) {
		return "", fmt.Errorf("creating a garbage collector root (%s) in the Nix store is forbidden (are you running nix-build inside the store?)", abs)
	}
	if err := replaceSymlink(s.dir.Print(p), abs); err != nil {
		return "", err
	}
	return abs, s.AddIndirectRoot(abs)
}

// replaceSymlink atomically makes link point to target.
func replaceSymlink(target, link string) error {
	tmp := fmt.Sprintf("%s.tmp-%d", link, os.Getpid())
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("creating symlink '%s': %w", link, unwrapPathErr(err))
	}
	if err := os.Rename(tmp, link); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("creating symlink '%s': %w", link, unwrapPathErr(err))
	}
	return nil
}
