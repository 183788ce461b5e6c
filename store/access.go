package store

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cairn-nix/cairn/storepath"
)

// Resolve maps a path inside the store ("/nix/store/<h>-x/bin/x") to
// where it is on disk, after checking that its store path is valid.
func (s *Local) Resolve(full string) (real string, p storepath.StorePath, err error) {
	p, rest, err := s.dir.SplitPath(full)
	if err != nil {
		return "", p, err
	}
	valid, err := s.IsValid(p)
	if err != nil {
		return "", p, err
	}
	if !valid {
		return "", p, fmt.Errorf("path '%s' is not a valid store path", s.dir.Print(p))
	}
	return filepath.Join(s.RealPath(p), filepath.FromSlash(rest)), p, nil
}

// FollowLinksToStorePath resolves a path given on a command line to a
// store path, as Nix's followLinksToStorePath does: symlinks outside the
// store are followed (so a GC root or ./result works), and the first
// component inside the store is the store path.
func (s *Local) FollowLinksToStorePath(arg string) (storepath.StorePath, error) {
	p, err := filepath.Abs(arg)
	if err != nil {
		return storepath.StorePath{}, err
	}
	for i := 0; i < 64 && !s.dir.IsInStore(p); i++ {
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			break
		}
		t, err := os.Readlink(p)
		if err != nil {
			break
		}
		if !filepath.IsAbs(t) {
			t = filepath.Join(filepath.Dir(p), t)
		}
		p = filepath.Clean(t)
	}
	if !s.dir.IsInStore(p) {
		return storepath.StorePath{}, fmt.Errorf("path \"%s\" is not in the Nix store", p)
	}
	sp, _, err := s.dir.SplitPath(p)
	return sp, err
}

// catFile copies the regular file at p to w.
func catFile(w io.Writer, p string) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return fmt.Errorf("getting status of '%s': %w", p, unwrapPathErr(err))
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("'%s' is not a regular file", p)
	}
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("opening '%s': %w", p, unwrapPathErr(err))
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// CatFile writes the contents of the regular file at the real path p.
func CatFile(w io.Writer, p string) error { return catFile(w, p) }
