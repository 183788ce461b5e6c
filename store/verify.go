package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// VerifyOptions control Verify.
type VerifyOptions struct {
	// CheckContents re-hashes every valid path's NAR (slow).
	CheckContents bool
	// Repair removes modified files from .links; other problems cannot
	// be repaired without a substituter, which Cairn does not have yet.
	Repair bool
	// Log receives progress and problem lines, as Nix prints them.
	Log func(format string, a ...any)
}

// Verify checks the store as `nix-store --verify` does: valid paths that
// disappeared from disk are unregistered when nothing valid refers to
// them (an error otherwise); with CheckContents, each valid path's NAR
// hash is recomputed and compared, and missing hashes and sizes are
// filled in. It reports whether errors remain.
func (s *Local) Verify(o VerifyOptions) (errorsLeft bool, err error) {
	log := o.Log
	if log == nil {
		log = func(string, ...any) {}
	}
	log("reading the Nix store...")
	// A shared GC lock gives a consistent view: no collector deletes
	// paths while we look.
	gcl, err := openLockFile(s.gcLockPath(), true)
	if err != nil {
		return false, err
	}
	defer gcl.Close()
	if ok, err := lockFile(gcl, lockRead, false); err != nil {
		return false, err
	} else if !ok {
		log("waiting for the big garbage collector lock...")
		if _, err := lockFile(gcl, lockRead, true); err != nil {
			return false, err
		}
	}

	onDisk := map[storepath.StorePath]bool{}
	entries, err := os.ReadDir(s.cfg.RealStoreDir)
	if err != nil {
		return false, fmt.Errorf("reading directory '%s': %w", s.cfg.RealStoreDir, unwrapPathErr(err))
	}
	for _, e := range entries {
		if p, err := storepath.ParseBaseName(e.Name()); err == nil {
			onDisk[p] = true
		}
	}

	log("checking path existence...")
	all, err := s.AllValid()
	if err != nil {
		return false, err
	}
	done := map[storepath.StorePath]bool{}
	valid := map[storepath.StorePath]bool{}
	var verifyPath func(p storepath.StorePath) error
	verifyPath = func(p storepath.StorePath) error {
		if done[p] {
			return nil
		}
		done[p] = true
		if onDisk[p] {
			valid[p] = true
			return nil
		}
		// Referrers first: if they can go, so can this one.
		canInvalidate := true
		refs, err := s.Referrers(p)
		if err != nil {
			return err
		}
		for _, r := range refs {
			if r == p {
				continue
			}
			if err := verifyPath(r); err != nil {
				return err
			}
			if valid[r] {
				canInvalidate = false
			}
		}
		if canInvalidate {
			log("path '%s' disappeared, removing from database...", s.dir.Print(p))
			return s.invalidate(p)
		}
		log("path '%s' disappeared, but it still has valid referrers!", s.dir.Print(p))
		errorsLeft = true
		return nil
	}
	for _, p := range all {
		if err := verifyPath(p); err != nil {
			return errorsLeft, err
		}
	}
	if !o.CheckContents {
		return errorsLeft, nil
	}

	log("checking link hashes...")
	if links, err := os.ReadDir(s.linksDir); err == nil {
		for _, l := range links {
			lp := filepath.Join(s.linksDir, l.Name())
			h, _, err := hashNAR(lp)
			if err != nil {
				log("error: %v", err)
				errorsLeft = true
				continue
			}
			if got := h.Encode(nixhash.Nix32); got != l.Name() {
				log("link '%s' was modified! expected hash %s, got '%s'", lp, l.Name(), got)
				if o.Repair {
					os.Remove(lp)
					log("removed link '%s'", lp)
				} else {
					errorsLeft = true
				}
			}
		}
	}

	log("checking store hashes...")
	zero := nixhash.Zero(nixhash.SHA256)
	for _, p := range all {
		if !valid[p] {
			continue
		}
		info, err := s.PathInfo(p)
		var inv *InvalidPathError
		if errors.As(err, &inv) {
			continue // collected meanwhile
		}
		if err != nil {
			return errorsLeft, err
		}
		h, size, err := hashNAR(s.RealPath(p))
		if err != nil {
			log("error: %v", err)
			errorsLeft = true
			continue
		}
		if info.NarHash != zero && info.NarHash != h {
			log("path '%s' was modified! expected hash '%s', got '%s'", s.dir.Print(p),
				info.NarHash.Format(nixhash.Nix32, true), h.Format(nixhash.Nix32, true))
			if o.Repair {
				log("error: cannot repair path '%s': Cairn has no substituters yet", s.dir.Print(p))
			}
			errorsLeft = true
			continue
		}
		update := false
		if info.NarHash == zero {
			log("fixing missing hash on '%s'", s.dir.Print(p))
			info.NarHash, update = h, true
		}
		if info.NarSize == 0 {
			log("updating size field on '%s' to %d", s.dir.Print(p), size)
			info.NarSize, update = uint64(size), true
		}
		if update {
			if err := s.UpdatePathInfo(info); err != nil {
				return errorsLeft, err
			}
		}
	}
	return errorsLeft, nil
}

// VerifyPath re-hashes p's NAR and reports whether it matches the
// registered hash (`nix-store --verify-path`), with the hash found.
func (s *Local) VerifyPath(p storepath.StorePath) (ok bool, got nixhash.Hash, err error) {
	info, err := s.PathInfo(p)
	if err != nil {
		return false, got, err
	}
	h := nixhash.NewHasher(info.NarHash.Algo())
	if err := s.NarFromPath(p, h); err != nil {
		return false, got, err
	}
	got = h.Sum()
	return got == info.NarHash, got, nil
}
