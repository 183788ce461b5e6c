package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/cairn-nix/cairn/storepath"
)

// GCAction is what a collection does.
type GCAction int

const (
	// GCDeleteDead deletes everything unreachable from the roots.
	GCDeleteDead GCAction = iota
	// GCReturnLive and GCReturnDead only report.
	GCReturnLive
	GCReturnDead
	// GCDeleteSpecific deletes PathsToDelete, failing if one is alive.
	GCDeleteSpecific
)

// GCOptions control CollectGarbage.
type GCOptions struct {
	Action        GCAction
	PathsToDelete []storepath.StorePath
	// IgnoreLiveness deletes PathsToDelete even when roots reach them
	// (nix-store --delete --ignore-liveness); referrers still protect.
	IgnoreLiveness bool
	// MaxFreed stops deleting once this many bytes are freed, when
	// Limited is set (Nix's --max-freed; 0 then deletes nothing).
	MaxFreed uint64
	Limited  bool
	// Log receives Nix's progress lines ("deleting '...'" and so on).
	Log func(format string, a ...any)
}

// GCResults are what a collection did or found: full paths (deleted,
// live or dead, depending on the action) and the bytes freed.
type GCResults struct {
	Paths      []string
	BytesFreed uint64
}

var errGCLimit = errors.New("GC limit reached")

// gcState is shared between the collector and its roots server.
type gcState struct {
	roots, alive, dead map[storepath.StorePath]bool
	server             *rootsServer
	referrers          map[storepath.StorePath][]storepath.StorePath
	keepOutputs        bool
	keepDerivations    bool
}

// CollectGarbage is Nix's collectGarbage. It holds gc.lock exclusively
// for its whole run, so the set of permanent roots cannot grow; paths
// that other processes start using meanwhile reach it through temporary
// roots and the roots socket, and a path is never deleted once it is
// known to be in use. Deletion goes referrers first, so the database
// never has a dangling reference.
func (s *Local) CollectGarbage(o GCOptions) (*GCResults, error) {
	log := o.Log
	if log == nil {
		log = func(string, ...any) {}
	}
	res := &GCResults{}
	shouldDelete := o.Action == GCDeleteDead || o.Action == GCDeleteSpecific
	st := &gcState{
		roots: map[storepath.StorePath]bool{}, alive: map[storepath.StorePath]bool{}, dead: map[storepath.StorePath]bool{},
		referrers:   map[storepath.StorePath][]storepath.StorePath{},
		keepOutputs: s.cfg.KeepOutputs, keepDerivations: s.cfg.KeepDerivations,
	}
	if o.Action == GCDeleteSpecific && o.IgnoreLiveness {
		st.keepOutputs, st.keepDerivations = false, false
	}
	if shouldDelete {
		os.Remove(s.reservedPath)
		defer s.reserveSpace()
	}

	lock, err := openLockFile(s.gcLockPath(), true)
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	if ok, err := lockFile(lock, lockWrite, false); err != nil {
		return nil, err
	} else if !ok {
		log("waiting for the big garbage collector lock...")
		if _, err := lockFile(lock, lockWrite, true); err != nil {
			return nil, err
		}
	}

	st.server, err = s.startRootsServer()
	if err != nil {
		return nil, err
	}
	defer st.server.stop()

	log("finding garbage collector roots...")
	if !o.IgnoreLiveness {
		roots, err := s.findRootsNoTemp(true, log)
		if err != nil {
			return nil, err
		}
		for p := range roots {
			st.roots[p] = true
		}
	}
	// Temporary roots made before we took the lock; later ones arrive
	// through the server.
	temp := Roots{}
	hashParts := map[string]bool{}
	if err := s.findTempRoots(temp, true, hashParts, log); err != nil {
		return nil, err
	}
	st.server.addHashParts(hashParts)
	for p := range temp {
		st.roots[p] = true
	}

	deleteFromStore := func(base string, known bool) error {
		real := filepath.Join(s.cfg.RealStoreDir, base)
		if strings.HasPrefix(base, "tmp-") {
			// A temporary directory in use is locked by its owner.
			fd, err := syscall.Open(real, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
			if err != nil {
				return nil
			}
			ok, _ := lockFd(fd, lockWrite, false)
			defer syscall.Close(fd)
			if !ok {
				return nil
			}
		}
		full := s.dir.Path() + "/" + base
		log("deleting '%s'", full)
		res.Paths = append(res.Paths, full)
		freed, err := deletePath(real)
		res.BytesFreed += uint64(freed)
		if err != nil {
			if known {
				return fmt.Errorf("while deleting store path '%s': %w", real, err)
			}
			return fmt.Errorf("while deleting garbage in store directory '%s': %w", real, err)
		}
		if o.Limited && res.BytesFreed > o.MaxFreed {
			log("deleted more than %d bytes; stopping", o.MaxFreed)
			return errGCLimit
		}
		return nil
	}

	toDelete := map[storepath.StorePath]bool{}
	for _, p := range o.PathsToDelete {
		toDelete[p] = true
	}
	visit := func(start storepath.StorePath) error {
		// Paths stay pending until deleted: a process that asks to root
		// one meanwhile waits, then finds it gone and recreates it.
		defer st.server.clearPending()
		visited, alive, err := s.gcVisit(st, start, o.Action == GCDeleteSpecific, toDelete)
		if err != nil || alive {
			return err
		}
		order, err := s.topoSortLoose(visited)
		if err != nil {
			return err
		}
		for _, p := range order {
			if st.dead[p] {
				continue
			}
			st.dead[p] = true
			if !shouldDelete {
				continue
			}
			if err := s.invalidate(p); err != nil {
				var inUse *PathInUseError
				if errors.As(err, &inUse) {
					log("BUG: %v", err)
					continue
				}
				return err
			}
			delete(st.referrers, p)
			if err := deleteFromStore(p.String(), true); err != nil {
				return err
			}
		}
		return nil
	}

	switch {
	case o.Action == GCDeleteSpecific:
		for _, p := range o.PathsToDelete {
			if err := visit(p); err != nil {
				return res, err
			}
			if !st.dead[p] {
				return res, fmt.Errorf("Cannot delete path '%s' since it is still alive. To find out why, use: nix-store --query --roots and nix-store --query --referrers", s.dir.Print(p))
			}
		}
	case !o.Limited || o.MaxFreed > 0:
		if shouldDelete {
			log("deleting garbage...")
		} else {
			log("determining live/dead paths...")
		}
		err := s.sweep(visit, deleteFromStore)
		if err != nil && err != errGCLimit {
			return res, err
		}
	}

	switch o.Action {
	case GCReturnLive:
		res.Paths = s.printAll(st.alive)
		return res, nil
	case GCReturnDead:
		res.Paths = s.printAll(st.dead)
		return res, nil
	}
	if shouldDelete {
		log("deleting unused links...")
		s.deleteUnusedLinks(log)
	}
	return res, nil
}

// sweep reads the store directory and sends every entry to the
// collector: store paths through visit, anything else straight to
// deletion (leftover temporary directories and files).
func (s *Local) sweep(visit func(storepath.StorePath) error, del func(string, bool) error) error {
	d, err := os.Open(s.cfg.RealStoreDir)
	if err != nil {
		return fmt.Errorf("opening directory '%s': %w", s.cfg.RealStoreDir, unwrapPathErr(err))
	}
	defer d.Close()
	for {
		names, err := d.Readdirnames(256)
		for _, name := range names {
			if name == ".links" {
				continue
			}
			if p, perr := storepath.ParseBaseName(name); perr == nil {
				if err := visit(p); err != nil {
					return err
				}
			} else if err := del(name, false); err != nil {
				return err
			}
		}
		if err != nil {
			return nil // io.EOF: done
		}
	}
}

func (s *Local) printAll(set map[storepath.StorePath]bool) []string {
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, s.dir.Print(p))
	}
	sortStrings(out)
	return out
}

// gcVisit walks from start along referrer edges (and, per keep-outputs
// and keep-derivations, deriver and output edges). If it meets a root or
// a live path, everything reachable from that root is marked alive and
// alive is reported; otherwise every visited path is garbage.
func (s *Local) gcVisit(st *gcState, start storepath.StorePath, specific bool, toDelete map[storepath.StorePath]bool) (visited []storepath.StorePath, alive bool, err error) {
	seen := map[storepath.StorePath]bool{start: true}
	todo := []storepath.StorePath{start}
	visited = []storepath.StorePath{start}
	enqueue := func(p storepath.StorePath) {
		if !seen[p] {
			seen[p] = true
			todo = append(todo, p)
			visited = append(visited, p)
		}
	}
	markAlive := func(p storepath.StorePath) error {
		st.alive[p], st.alive[start] = true, true
		closure, err := s.Closure([]storepath.StorePath{p}, false, st.keepOutputs, st.keepDerivations)
		var inv *InvalidPathError
		if err != nil && !errors.As(err, &inv) {
			return err
		}
		for _, c := range closure {
			st.alive[c] = true
		}
		return nil
	}
	for len(todo) > 0 {
		p := todo[0]
		todo = todo[1:]
		if st.alive[p] {
			st.alive[start] = true
			return nil, true, nil
		}
		if st.dead[p] {
			continue
		}
		if st.roots[p] {
			return nil, true, markAlive(p)
		}
		if specific && !toDelete[p] {
			return nil, true, nil
		}
		if st.server.checkAndMarkPending(p.HashPart()) {
			return nil, true, markAlive(p)
		}
		valid, err := s.IsValid(p)
		if err != nil {
			return nil, false, err
		}
		if !valid {
			continue
		}
		refs, ok := st.referrers[p]
		if !ok {
			if refs, err = s.Referrers(p); err != nil {
				return nil, false, err
			}
			st.referrers[p] = refs
		}
		for _, r := range refs {
			enqueue(r)
		}
		if st.keepDerivations && p.IsDerivation() {
			outs, err := s.validOutputsOf(p, true)
			if err != nil {
				return nil, false, err
			}
			for _, o := range outs {
				enqueue(o)
			}
		}
		if st.keepOutputs {
			ds, err := s.ValidDerivers(p)
			if err != nil {
				return nil, false, err
			}
			for _, d := range ds {
				enqueue(d)
			}
		}
	}
	return visited, false, nil
}

// topoSortLoose sorts paths referrers first; invalid paths have no edges.
func (s *Local) topoSortLoose(paths []storepath.StorePath) ([]storepath.StorePath, error) {
	refs := map[storepath.StorePath][]storepath.StorePath{}
	for _, p := range paths {
		r, err := s.References(p)
		var inv *InvalidPathError
		if err != nil && !errors.As(err, &inv) {
			return nil, err
		}
		refs[p] = r
	}
	return topoSort(paths, func(p storepath.StorePath) []storepath.StorePath { return refs[p] }, s.dir)
}

// deleteUnusedLinks removes files in .links that nothing else links to,
// and reports what hard linking saves, as Nix does.
func (s *Local) deleteUnusedLinks(log func(string, ...any)) {
	entries, err := os.ReadDir(s.linksDir)
	if err != nil {
		return
	}
	var actual, unshared int64
	for _, e := range entries {
		p := filepath.Join(s.linksDir, e.Name())
		var st syscall.Stat_t
		if syscall.Lstat(p, &st) != nil {
			continue
		}
		if st.Nlink != 1 {
			actual += st.Size
			unshared += int64(st.Nlink-1) * st.Size
			continue
		}
		os.Remove(p)
	}
	var overhead int64
	var st syscall.Stat_t
	if syscall.Stat(s.linksDir, &st) == nil {
		overhead = st.Blocks * 512
	}
	log("note: hard linking is currently saving %s", RenderSize(unshared-actual-overhead))
}

// RenderSize renders a byte count as Nix does: in KiB at least, with one
// decimal ("0.0 KiB", "4.9 KiB", "2.0 MiB").
func RenderSize(n int64) string { return renderSize(n, false) }

// RenderSizeAligned pads the number to six columns, as in Nix's tables.
func RenderSizeAligned(n int64) string { return renderSize(n, true) }

func renderSize(n int64, align bool) string {
	const units = "KKMGTPEZY"
	u := 0
	abs := n
	if abs < 0 {
		abs = -abs
	}
	for abs > 1024 && u < len(units)-1 {
		u++
		abs /= 1024
	}
	v := float64(n)
	for i := 0; i < max(u, 1); i++ {
		v /= 1024
	}
	if align {
		return fmt.Sprintf("%6.1f %ciB", v, units[u])
	}
	return fmt.Sprintf("%.1f %ciB", v, units[u])
}
