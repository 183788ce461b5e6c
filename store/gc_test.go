package store

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cairn-nix/cairn/nar"
	"github.com/cairn-nix/cairn/narinfo"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// A process's own additions are temporary roots until it closes the
// store, as in Nix; so the tests add paths with one Local, close it, and
// collect with another, as `nix-store --gc` would in its own process.

// reopen closes s and opens its store again.
func reopen(t testing.TB, s *Local) *Local {
	t.Helper()
	must(t, s.Close())
	s2, err := OpenConfig(s.cfg)
	must(t, err)
	t.Cleanup(func() { s2.Close() })
	return s2
}

// gcFixture is a store with paths rooted in each way Nix knows, and
// some garbage.
type gcFixture struct {
	s                                   *Local
	live, dead                          []storepath.StorePath
	drv, out                            storepath.StorePath
	junk                                []string // invalid entries in the store directory
	staleAuto                           string
	rootLink, profileLink, indirectLink string
}

func addText(t testing.TB, s *Local, name, text string, refs ...storepath.StorePath) storepath.StorePath {
	t.Helper()
	p, err := s.AddText(name, text, refs)
	must(t, err)
	return p
}

func newGCFixture(t *testing.T, s *Local) *gcFixture {
	f := &gcFixture{}
	state := s.cfg.StateDir
	// Direct root: gcroots/r1 -> b, which refers to a.
	a := addText(t, s, "a", "a")
	b := addText(t, s, "b", "b", a)
	must(t, os.MkdirAll(filepath.Join(state, "gcroots/sub"), 0o755))
	f.rootLink = filepath.Join(state, "gcroots/sub/r1")
	must(t, os.Symlink(s.PrintPath(b), f.rootLink))
	// Profile: profiles/p -> p-1-link -> e.
	e := addText(t, s, "e", "e")
	must(t, os.Symlink(s.PrintPath(e), filepath.Join(state, "profiles/p-1-link")))
	must(t, os.Symlink("p-1-link", filepath.Join(state, "profiles/p")))
	f.profileLink = filepath.Join(state, "profiles/p-1-link")
	// Indirect root: gcroots/auto/... -> $tmp/result -> g.
	g := addText(t, s, "g", "g")
	link, err := s.AddPermRoot(g, filepath.Join(t.TempDir(), "result"))
	must(t, err)
	f.indirectLink = link
	// A stale indirect root is removed by the collector.
	f.staleAuto = filepath.Join(state, "gcroots/auto/stale")
	must(t, os.Symlink("/nonexistent/result", f.staleAuto))
	// A regular file named like a store path roots it.
	h := addText(t, s, "h", "h")
	must(t, os.WriteFile(filepath.Join(state, "gcroots", h.String()), nil, 0o644))
	i := addText(t, s, "i", "i")
	// keep-derivations: a rooted output keeps its derivation.
	src := addText(t, s, "builder.sh", "echo")
	_, text := simpleDrv(t, s, "pkg", []storepath.StorePath{src}, "out")
	f.drv = addText(t, s, "pkg.drv", text, src)
	outs, err := s.DerivationOutputs(f.drv)
	must(t, err)
	f.out = outs["out"]
	var n bytes.Buffer
	must(t, nar.DumpBytes(&n, []byte("built")))
	info := &narinfo.PathInfo{StorePath: f.out, NarHash: nixhash.Sum(nixhash.SHA256, n.Bytes()), NarSize: uint64(n.Len()), Deriver: f.drv, Ultimate: true}
	must(t, s.AddNAR(info, bytes.NewReader(n.Bytes())))
	must(t, os.Symlink(s.PrintPath(f.out), filepath.Join(state, "gcroots/out")))
	f.live = []storepath.StorePath{a, b, e, g, h, i, f.drv, src, f.out}

	// Garbage: unrooted paths, one referring to another; leftovers.
	c := addText(t, s, "c", "c")
	d := addText(t, s, "d", "d", c)
	f.dead = []storepath.StorePath{c, d}
	// Leftovers: entries that are not store paths go at once (in every
	// mode, as in Nix); an invalid store path is dead like any other.
	for _, j := range []string{"tmp-leftover", "stray.lock"} {
		must(t, os.Mkdir(filepath.Join(s.cfg.RealStoreDir, j), 0o755))
		f.junk = append(f.junk, j)
	}
	notValid, err := storepath.ParseBaseName("0000000000000000000000000000000x-notvalid")
	must(t, err)
	must(t, os.Mkdir(s.RealPath(notValid), 0o755))
	f.dead = append(f.dead, notValid)
	// A temporary root held by a store still open (as by another
	// process), then a fresh store to collect with.
	f.s = reopen(t, s)
	holder, err := OpenConfig(s.cfg)
	must(t, err)
	t.Cleanup(func() { holder.Close() })
	must(t, holder.AddTempRoot(i))
	return f
}

func printed(s *Local, ps []storepath.StorePath) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = s.PrintPath(p)
	}
	slices.Sort(out)
	return out
}

func TestGCKeepsLivePaths(t *testing.T) {
	f := newGCFixture(t, newStore(t))
	s := f.s

	roots, err := s.FindRoots(false, func(string, ...any) {})
	must(t, err)
	for _, want := range []string{f.rootLink, f.profileLink, f.indirectLink} {
		found := false
		for _, links := range roots {
			found = found || slices.Contains(links, want)
		}
		if !found {
			t.Errorf("root %s not found in %v", want, roots)
		}
	}

	res, err := s.CollectGarbage(GCOptions{Action: GCReturnDead})
	must(t, err)
	if !slices.Equal(res.Paths, printed(s, f.dead)) {
		t.Errorf("dead paths %v, want %v", res.Paths, printed(s, f.dead))
	}
	for _, j := range f.junk {
		if _, err := os.Lstat(filepath.Join(s.cfg.RealStoreDir, j)); err == nil {
			t.Errorf("junk %s survived", j)
		}
	}
	res, err = s.CollectGarbage(GCOptions{Action: GCReturnLive})
	must(t, err)
	if !slices.Equal(res.Paths, printed(s, f.live)) {
		t.Errorf("live paths %v, want %v", res.Paths, printed(s, f.live))
	}
	if _, err := os.Lstat(f.staleAuto); err == nil {
		t.Error("stale indirect root not removed")
	}

	res, err = s.CollectGarbage(GCOptions{Action: GCDeleteDead})
	must(t, err)
	for _, p := range f.live {
		if ok, _ := s.IsValid(p); !ok {
			t.Errorf("live path %s was collected", p)
		}
	}
	for _, p := range f.dead {
		if ok, _ := s.IsValid(p); ok {
			t.Errorf("dead path %s survived", p)
		}
	}
	if len(res.Paths) != len(f.dead) {
		t.Errorf("deleted %v", res.Paths)
	}
	assertClean(t, s, false)
}

func TestGCKeepSettings(t *testing.T) {
	f := newGCFixture(t, newStore(t))
	s := f.s
	// Without keep-derivations the rooted output's .drv is garbage.
	s.cfg.KeepDerivations = false
	res, err := s.CollectGarbage(GCOptions{Action: GCReturnDead})
	must(t, err)
	if !slices.Contains(res.Paths, s.PrintPath(f.drv)) {
		t.Errorf("keep-derivations=false: .drv not dead in %v", res.Paths)
	}
	// With keep-outputs, a rooted .drv keeps its outputs.
	must(t, os.Remove(filepath.Join(s.cfg.StateDir, "gcroots/out")))
	must(t, os.Symlink(s.PrintPath(f.drv), filepath.Join(s.cfg.StateDir, "gcroots/drv")))
	s.cfg.KeepOutputs = true
	res, err = s.CollectGarbage(GCOptions{Action: GCReturnLive})
	must(t, err)
	if !slices.Contains(res.Paths, s.PrintPath(f.out)) {
		t.Errorf("keep-outputs=true: output not live in %v", res.Paths)
	}
	s.cfg.KeepOutputs = false
	res, err = s.CollectGarbage(GCOptions{Action: GCReturnLive})
	must(t, err)
	if slices.Contains(res.Paths, s.PrintPath(f.out)) {
		t.Errorf("keep-outputs=false: output live in %v", res.Paths)
	}
}

func TestGCDeleteSpecific(t *testing.T) {
	f := newGCFixture(t, newStore(t))
	s := f.s
	c, d := f.dead[0], f.dead[1]
	f.dead = f.dead[:2]
	// c is referred to by d: it cannot go alone.
	_, err := s.CollectGarbage(GCOptions{Action: GCDeleteSpecific, PathsToDelete: []storepath.StorePath{c}})
	if err == nil || !strings.Contains(err.Error(), "since it is still alive") {
		t.Errorf("deleting a referenced path: %v", err)
	}
	_, err = s.CollectGarbage(GCOptions{Action: GCDeleteSpecific, PathsToDelete: []storepath.StorePath{f.live[0]}})
	if err == nil {
		t.Error("deleting a live path worked")
	}
	res, err := s.CollectGarbage(GCOptions{Action: GCDeleteSpecific, PathsToDelete: []storepath.StorePath{d, c}})
	must(t, err)
	if len(res.Paths) != 2 {
		t.Errorf("deleted %v", res.Paths)
	}
	// --ignore-liveness deletes a rooted path nothing refers to.
	g := f.live[3]
	_, err = s.CollectGarbage(GCOptions{Action: GCDeleteSpecific, PathsToDelete: []storepath.StorePath{g}, IgnoreLiveness: true})
	must(t, err)
	if ok, _ := s.IsValid(g); ok {
		t.Error("--ignore-liveness did not delete")
	}
	assertClean(t, s, true)
}

func TestGCMaxFreed(t *testing.T) {
	s := newStore(t)
	var dead []storepath.StorePath
	for i := 0; i < 6; i++ {
		dead = append(dead, addText(t, s, "big", strings.Repeat(string(rune('a'+i)), 10000)))
	}
	s = reopen(t, s)
	res, err := s.CollectGarbage(GCOptions{Action: GCDeleteDead, MaxFreed: 25000, Limited: true})
	must(t, err)
	if len(res.Paths) != 3 || res.BytesFreed != 30000 {
		t.Errorf("max-freed 25000: deleted %d paths, %d bytes", len(res.Paths), res.BytesFreed)
	}
	res, err = s.CollectGarbage(GCOptions{Action: GCDeleteDead, MaxFreed: 0, Limited: true})
	must(t, err)
	if len(res.Paths) != 0 {
		t.Errorf("max-freed 0 deleted %v", res.Paths)
	}
	res, err = s.CollectGarbage(GCOptions{Action: GCDeleteDead})
	must(t, err)
	if len(res.Paths) != 3 {
		t.Errorf("unlimited: deleted %v", res.Paths)
	}
	assertClean(t, s, false)
}

// TestGCRuntimeRoots needs the store directory to be the real one, as
// /proc shows real paths.
func TestGCRuntimeRoots(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc")
	}
	dir := t.TempDir()
	c, err := ParseURI("local?store="+dir+"/store&state="+dir+"/state", DefaultSettings())
	must(t, err)
	s, err := OpenConfig(c)
	must(t, err)
	defer s.Close()
	open := addText(t, s, "open-file", "kept open")
	envp := addText(t, s, "in-env", "named in an environment")
	dead := addText(t, s, "dead", "dead")
	s = reopen(t, s)

	fh, err := os.Open(s.RealPath(open))
	must(t, err)
	defer fh.Close()
	cmd := exec.Command("sleep", "30")
	cmd.Env = []string{"SOMETHING=" + s.PrintPath(envp) + "/bin/x"}
	if err := cmd.Start(); err != nil {
		t.Skip("cannot run sleep:", err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()

	res, err := s.CollectGarbage(GCOptions{Action: GCDeleteDead})
	must(t, err)
	if !slices.Equal(res.Paths, []string{s.PrintPath(dead)}) {
		t.Errorf("deleted %v", res.Paths)
	}
	for _, p := range []storepath.StorePath{open, envp} {
		if ok, _ := s.IsValid(p); !ok {
			t.Errorf("runtime root %s was collected", p)
		}
	}
}

// TestGCWaitsForLock checks that a collection waits for another one
// (gc.lock) and that verify sees a consistent store meanwhile.
func TestGCWaitsForLock(t *testing.T) {
	s := newStore(t)
	addText(t, s, "x", "x")
	s = reopen(t, s)
	lock, err := openLockFile(s.gcLockPath(), true)
	must(t, err)
	ok, err := lockFile(lock, lockWrite, false)
	must(t, err)
	if !ok {
		t.Fatal("could not take gc.lock")
	}
	done := make(chan *GCResults)
	go func() {
		res, err := s.CollectGarbage(GCOptions{Action: GCDeleteDead})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	select {
	case <-done:
		t.Fatal("collection ran while gc.lock was held")
	case <-time.After(200 * time.Millisecond):
	}
	lock.Close()
	if res := <-done; res != nil && len(res.Paths) != 1 {
		t.Errorf("deleted %v", res.Paths)
	}
}
