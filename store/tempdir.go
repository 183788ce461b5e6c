package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"syscall"

	"github.com/cairn-nix/cairn/nar"
)

// tempDir is a directory "tmp-*" in the store, locked while we use it:
// the GC deletes such directories only when it can lock them, so it
// removes the leftovers of crashed adds but never ones in use.
type tempDir struct {
	path string
	fd   int
}

// createTempDir makes and locks a temporary directory in the store,
// retrying if the GC removed it between creation and locking.
func (s *Local) createTempDir() (*tempDir, error) {
	for {
		p, err := os.MkdirTemp(s.cfg.RealStoreDir, "tmp-")
		if err != nil {
			return nil, fmt.Errorf("creating a temporary directory in '%s': %w", s.cfg.RealStoreDir, unwrapPathErr(err))
		}
		fd, err := syscall.Open(p, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		if err != nil {
			if errors.Is(err, syscall.ENOENT) {
				continue
			}
			return nil, fmt.Errorf("opening '%s': %w", p, err)
		}
		if _, err := lockFd(fd, lockWrite, true); err != nil {
			syscall.Close(fd)
			return nil, err
		}
		if _, err := os.Lstat(p); err != nil {
			syscall.Close(fd)
			continue
		}
		return &tempDir{path: p, fd: fd}, nil
	}
}

// x is the name objects are built under inside the directory.
func (t *tempDir) x() string { return filepath.Join(t.path, "x") }

func (t *tempDir) remove() {
	deletePath(t.path)
	syscall.Close(t.fd)
}

// dumpFiltered writes the NAR of src, leaving out entries below it that
// filter rejects (and everything below a rejected directory).
func dumpFiltered(w io.Writer, src string, filter func(string, os.FileInfo) bool) error {
	nw := nar.NewWriter(w)
	if err := dumpFilteredNode(nw, src, "/", filter); err != nil {
		return err
	}
	return nw.Close()
}

func dumpFilteredNode(nw *nar.Writer, p, narPath string, filter func(string, os.FileInfo) bool) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return fmt.Errorf("getting status of '%s': %w", p, unwrapPathErr(err))
	}
	switch mode := fi.Mode(); {
	case mode.IsRegular():
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("opening '%s': %w", p, unwrapPathErr(err))
		}
		defer f.Close()
		if err := nw.WriteHeader(&nar.Header{Path: narPath, Type: nar.TypeRegular, Size: fi.Size(), Executable: mode&0o100 != 0}); err != nil {
			return err
		}
		n, err := io.Copy(nw, f)
		if err != nil {
			return fmt.Errorf("reading '%s': %w", p, unwrapPathErr(err))
		}
		if n != fi.Size() {
			return fmt.Errorf("file '%s' changed size while being read", p)
		}
		return nil
	case mode.IsDir():
		if err := nw.WriteHeader(&nar.Header{Path: narPath, Type: nar.TypeDirectory}); err != nil {
			return err
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return fmt.Errorf("reading directory '%s': %w", p, unwrapPathErr(err))
		}
		names := make([]string, 0, len(entries))
		for _, e := range entries {
			names = append(names, e.Name())
		}
		sort.Strings(names) // NAR order is byte order
		for _, name := range names {
			child := filepath.Join(p, name)
			cfi, err := os.Lstat(child)
			if err != nil {
				return fmt.Errorf("getting status of '%s': %w", child, unwrapPathErr(err))
			}
			if !filter(child, cfi) {
				continue
			}
			cn := narPath + "/" + name
			if narPath == "/" {
				cn = "/" + name
			}
			if err := dumpFilteredNode(nw, child, cn, filter); err != nil {
				return err
			}
		}
		return nil
	case mode&os.ModeSymlink != 0:
		target, err := os.Readlink(p)
		if err != nil {
			return fmt.Errorf("reading symlink '%s': %w", p, unwrapPathErr(err))
		}
		return nw.WriteHeader(&nar.Header{Path: narPath, Type: nar.TypeSymlink, LinkTarget: target})
	}
	return fmt.Errorf("file '%s' has an unsupported type", p)
}
