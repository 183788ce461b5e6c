package store

import (
	"fmt"
	"os"

	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// This file exports what the build package needs to produce outputs in
// place: the same path locks, canonicalisation and deletion that adding
// objects uses, so builds and adds never race on one path.

// PathLocks are held locks on store paths being created.
type PathLocks struct{ pl *pathLocks }

// LockPaths takes the "<path>.lock" locks of paths (waiting for them), in
// sorted order as Nix's PathLocks does.
func (s *Local) LockPaths(paths []storepath.StorePath) (*PathLocks, error) {
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = s.RealPath(p)
	}
	pl, err := lockPaths(names)
	if err != nil {
		return nil, err
	}
	return &PathLocks{pl}, nil
}

// Unlock releases the locks; with deleteFiles the lock files are removed
// (once the paths are valid and the locks have no more use).
func (l *PathLocks) Unlock(deleteFiles bool) {
	if l == nil || l.pl == nil {
		return
	}
	l.pl.setDeletion(deleteFiles)
	l.pl.unlock()
}

// Canonicalise gives the tree at the real path p the metadata of a store
// object (mode 0444/0555, mtime 1, no extended attributes, our owner).
func Canonicalise(p string) error { return canonicalise(p) }

// DeletePath removes a tree, even one made read-only.
func DeletePath(p string) error {
	_, err := deletePath(p)
	return err
}

// HashNAR returns the sha256 hash and size of the NAR of the real path p.
func HashNAR(p string) (nixhash.Hash, int64, error) { return hashNAR(p) }

// MoveIntoPlace canonicalises the tree at tmp and renames it to the real
// location of p, replacing any unregistered leftover there. The caller
// holds p's lock.
func (s *Local) MoveIntoPlace(tmp string, p storepath.StorePath) error {
	if _, err := os.Lstat(tmp); err != nil {
		return fmt.Errorf("getting status of '%s': %w", tmp, err)
	}
	return s.moveIntoPlace(tmp, s.RealPath(p))
}
