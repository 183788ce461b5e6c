package build

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/cairn-nix/cairn/store"
)

// Build directories live in BuildDir (by default the store's state
// directory's "builds", as Nix 2.34's build-dir). Each is named
// "cairn-build-*" and held locked (flock on the directory) while its
// build runs, so a later builder deletes those whose process was killed;
// the ones --keep-failed keeps are named "nix-build-<name>-*" and never
// swept.
const sweptPrefix = "cairn-build-"

// topDir is a build directory and its lock.
type topDir struct {
	path string
	fd   int
}

// makeTopDir creates and locks the build directory of drvName, retrying
// when a sweeping process deleted it before it was locked.
func (b *Builder) makeTopDir(drvName string) (*topDir, error) {
	b.sweepOnce.Do(b.sweepBuildDir)
	prefix := sweptPrefix
	if b.opts.KeepFailed {
		prefix = "nix-build-" + drvName + "-"
	}
	for {
		p, err := os.MkdirTemp(b.opts.BuildDir, prefix)
		if err != nil {
			return nil, fmt.Errorf("creating the build directory in '%s': %w", b.opts.BuildDir, err)
		}
		fd, err := syscall.Open(p, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		if err != nil {
			if errors.Is(err, syscall.ENOENT) {
				continue
			}
			return nil, fmt.Errorf("opening '%s': %w", p, err)
		}
		if err := syscall.Flock(fd, syscall.LOCK_EX); err != nil {
			syscall.Close(fd)
			return nil, fmt.Errorf("locking '%s': %w", p, err)
		}
		if _, err := os.Lstat(p); err != nil {
			syscall.Close(fd)
			continue
		}
		return &topDir{path: p, fd: fd}, nil
	}
}

// release deletes the directory (unless keep) and drops its lock.
func (t *topDir) release(keep bool) {
	if !keep {
		store.DeletePath(t.path)
	}
	syscall.Close(t.fd)
}

// sweepBuildDir deletes the build directories of dead processes: those
// named cairn-build-* that nobody holds locked. Errors do not matter.
func (b *Builder) sweepBuildDir() {
	if err := os.MkdirAll(b.opts.BuildDir, 0o700); err != nil {
		return
	}
	entries, err := os.ReadDir(b.opts.BuildDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), sweptPrefix) || !e.IsDir() {
			continue
		}
		p := filepath.Join(b.opts.BuildDir, e.Name())
		fd, err := syscall.Open(p, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		if err != nil {
			continue
		}
		if syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			store.DeletePath(p)
		}
		syscall.Close(fd)
	}
}
