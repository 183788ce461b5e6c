package cli

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cairn-nix/cairn/nar"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/store"
	"github.com/cairn-nix/cairn/storepath"
)

// TestCommandHelper is not a test: run with CAIRN_CLI_HELPER set (to
// the command's arguments, separated by newlines), it is the command,
// so that other tests can kill a real `nix-store` process.
func TestCommandHelper(t *testing.T) {
	args := os.Getenv("CAIRN_CLI_HELPER")
	if args == "" {
		t.Skip("only a helper process")
	}
	os.Exit(Main(strings.Split(args, "\n"), os.Stdin, os.Stdout, os.Stderr))
}

func command(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCommandHelper$")
	cmd.Env = append(os.Environ(), "CAIRN_CLI_HELPER="+strings.Join(args, "\n"), "NIX_STORE_DIR=")
	return cmd
}

// bigTree writes about 48 MiB in 12 directories of 32 files (random,
// incompressible), with symlinks, so that adding it takes a while.
func bigTree(t testing.TB, dir string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 256<<10)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	for d := 0; d < 12; d++ {
		sub := filepath.Join(dir, fmt.Sprintf("d%02d", d))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		for f := 0; f < 32; f++ {
			off := rng.IntN(len(buf) / 2)
			data := buf[off : off+rng.IntN(len(buf)/2)]
			if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%02d", f)), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Symlink("f00", filepath.Join(sub, "link")); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAddSurvivesSIGKILL kills `nix-store --add` of a large tree at
// random moments. Each time, the store must verify clean (contents
// included), and the tree is either not registered or registered whole
// with the right hash; a last add succeeds and a collection removes the
// leftovers.
func TestAddSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	t.Setenv("NIX_CONF_DIR", t.TempDir())
	t.Setenv("NIX_USER_CONF_FILES", "")
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	tree := filepath.Join(dir, "big")
	bigTree(t, tree)
	h := nixhash.NewHasher(nixhash.SHA256)
	if err := nar.DumpPath(h, tree); err != nil {
		t.Fatal(err)
	}
	wantHash := h.Sum()

	// Time full adds in scratch stores (the second with warm caches), to
	// spread the kills over one.
	var full time.Duration
	for i := 0; i < 2; i++ {
		start := time.Now()
		if out, err := command("nix-store", "--store", filepath.Join(dir, fmt.Sprint("scratch", i)), "--add", tree).CombinedOutput(); err != nil {
			t.Fatalf("add: %v\n%s", err, out)
		}
		full = time.Since(start)
	}
	t.Logf("a full add takes %v", full)

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	killedMidway := 0
	for i := 0; i < 20; i++ {
		cmd := command("nix-store", "--store", root, "--add", tree)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(full))))
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if err != nil {
			killedMidway++
		}
		checkStore(t, root, tree, wantHash, i)
		// Undo a completed add so that the next round adds again.
		if err == nil {
			s := openStore(t, root)
			p, ferr := s.FollowLinksToStorePath(strings.TrimSpace(out.String()))
			if ferr != nil {
				t.Fatal(ferr)
			}
			if _, gerr := s.CollectGarbage(store.GCOptions{Action: store.GCDeleteSpecific, PathsToDelete: []storepath.StorePath{p}}); gerr != nil {
				t.Fatal(gerr)
			}
			s.Close()
		}
	}
	t.Logf("%d of 20 adds killed midway", killedMidway)

	if out, err := command("nix-store", "--store", root, "--add", tree).CombinedOutput(); err != nil {
		t.Fatalf("final add: %v\n%s", err, out)
	}
	checkStore(t, root, tree, wantHash, 20)
	s := openStore(t, root)
	defer s.Close()
	if _, err := s.CollectGarbage(store.GCOptions{Action: store.GCDeleteDead}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(root, "nix/store"))
	for _, e := range entries {
		if e.Name() != ".links" {
			t.Errorf("left in the store after collection: %s", e.Name())
		}
	}
}

func openStore(t testing.TB, root string) *store.Local {
	t.Helper()
	s, err := store.OpenConfig(store.RootConfig(root))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// checkStore verifies the store after a kill: Verify with contents finds
// nothing, and every valid path has the NAR hash the database says (so
// the tree, if valid, is complete).
func checkStore(t testing.TB, root, tree string, want nixhash.Hash, round int) {
	t.Helper()
	s := openStore(t, root)
	defer s.Close()
	verifyClean(t, s, round)
	valid, err := s.AllValid()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range valid {
		info, err := s.PathInfo(p)
		if err != nil {
			t.Fatal(err)
		}
		if p.Name() == filepath.Base(tree) && info.NarHash != want {
			t.Fatalf("round %d: %s registered with the wrong hash", round, p)
		}
	}
}

// verifyClean runs Verify with contents and fails the test on any problem.
func verifyClean(t testing.TB, s *store.Local, round int) {
	t.Helper()
	var log []string
	bad, err := s.Verify(store.VerifyOptions{CheckContents: true, Log: func(f string, a ...any) {
		log = append(log, fmt.Sprintf(f, a...))
	}})
	if err != nil {
		t.Fatalf("round %d: verify: %v", round, err)
	}
	if bad {
		t.Fatalf("round %d: verify found problems:\n%s", round, strings.Join(log, "\n"))
	}
}
