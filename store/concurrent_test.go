package store

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cairn-nix/cairn/storepath"
)

// The test binary doubles as a helper process (CAIRN_STORE_HELPER set),
// so that tests can run several store users at once, as separate
// processes with their own locks and temporary roots.
func TestMain(m *testing.M) {
	if mode := os.Getenv("CAIRN_STORE_HELPER"); mode != "" {
		os.Exit(runHelper(mode))
	}
	os.Exit(m.Run())
}

func runHelper(mode string) int {
	c, err := ParseURI(os.Getenv("CAIRN_STORE_URI"), DefaultSettings())
	if err == nil && os.Getenv("CAIRN_STORE_ROOT") != "" {
		c = RootConfig(os.Getenv("CAIRN_STORE_ROOT"))
	}
	if err != nil {
		fmt.Println("ERROR", err)
		return 1
	}
	s, err := OpenConfig(c)
	if err != nil {
		fmt.Println("ERROR", err)
		return 1
	}
	defer s.Close()
	switch mode {
	case "add-tree":
		p, err := s.AddPath(os.Getenv("CAIRN_SRC"), "tree", storepath.NAR)
		if err != nil {
			fmt.Println("ERROR", err)
			return 1
		}
		fmt.Println("PATH", s.PrintPath(p))
	case "add-texts":
		// Add texts from a small shared key space, so that adders and the
		// collector race on the same paths; root the one at CAIRN_ROOT_AT.
		n, _ := strconv.Atoi(os.Getenv("CAIRN_N"))
		id := os.Getenv("CAIRN_ID")
		for i := 0; i < n; i++ {
			k := i % 7
			text := fmt.Sprintf("shared text %d", k)
			p, err := s.AddText(fmt.Sprintf("shared-%d", k), text, nil)
			if err != nil {
				fmt.Println("ERROR", err)
				return 1
			}
			// Our temporary root must keep it while we live.
			data, err := os.ReadFile(s.RealPath(p))
			valid, verr := s.IsValid(p)
			if err != nil || string(data) != text || !valid || verr != nil {
				fmt.Println("BROKEN", s.PrintPath(p), err, valid, verr)
				return 1
			}
			if strconv.Itoa(i) == os.Getenv("CAIRN_ROOT_AT") {
				link := filepath.Join(s.cfg.StateDir, "gcroots", fmt.Sprintf("%s-%d", id, i))
				if err := os.Symlink(s.PrintPath(p), link); err != nil {
					fmt.Println("ERROR", err)
					return 1
				}
				fmt.Println("ROOT", s.PrintPath(p))
			}
		}
	}
	return 0
}

// helper starts the test binary as a helper process.
func helper(t *testing.T, root, mode string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CAIRN_STORE_HELPER="+mode, "CAIRN_STORE_ROOT="+root, "NIX_STORE_DIR=")
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

func TestConcurrentAddersOneProcess(t *testing.T) {
	s := newStore(t)
	src := filepath.Join(t.TempDir(), "tree")
	makeTree(t, src)
	var wg sync.WaitGroup
	paths := make([]storepath.StorePath, 16)
	errs := make([]error, 16)
	for i := range paths {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if i%2 == 0 {
				paths[i], errs[i] = s.AddPath(src, "tree", storepath.NAR)
			} else {
				paths[i], errs[i] = s.AddText(fmt.Sprintf("t%d", i%4), "same", nil)
			}
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("adder %d: %v", i, err)
		}
	}
	for i := 2; i < len(paths); i += 2 {
		if paths[i] != paths[0] {
			t.Errorf("adders disagree: %s vs %s", paths[i], paths[0])
		}
	}
	all, err := s.AllValid()
	must(t, err)
	if len(all) != 3 {
		t.Errorf("valid paths: %v", all)
	}
	assertClean(t, s, false)
}

func TestConcurrentAdderProcesses(t *testing.T) {
	root := t.TempDir()
	openRoot(t, root).Close() // create the store first
	src := filepath.Join(t.TempDir(), "tree")
	makeTree(t, src)
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for i := 0; i < 6; i++ {
		cmd := helper(t, root, "add-tree", "CAIRN_SRC="+src)
		out := &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = out, out
		must(t, cmd.Start())
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	var first string
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("adder %d: %v\n%s", i, err, outs[i])
		}
		line := strings.TrimSpace(outs[i].String())
		if first == "" {
			first = line
		} else if line != first {
			t.Errorf("adders disagree: %q vs %q", line, first)
		}
	}
	s := openRoot(t, root)
	all, err := s.AllValid()
	must(t, err)
	if len(all) != 1 {
		t.Errorf("valid paths: %v", all)
	}
	assertClean(t, s, false)
}

// TestGCWhileAdding runs collections without pause while short-lived
// processes add paths the collector keeps finding dead once their adder
// is gone, and root a few: nothing an adder holds (a temporary root) or
// has rooted may be deleted, and every add must leave its path valid.
func TestGCWhileAdding(t *testing.T) {
	root := t.TempDir()
	s := openRoot(t, root)
	const workers, runs = 3, 8
	var mu sync.Mutex
	var rooted []string
	var wg sync.WaitGroup
	var finished atomic.Int32
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			defer finished.Add(1)
			for r := 0; r < runs; r++ {
				cmd := helper(t, root, "add-texts", "CAIRN_N=14", fmt.Sprintf("CAIRN_ID=w%d-r%d", w, r),
					fmt.Sprintf("CAIRN_ROOT_AT=%d", (w*runs+r)%14))
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Errorf("adder w%d r%d: %v\n%s", w, r, err, out)
					return
				}
				sc := bufio.NewScanner(bytes.NewReader(out))
				for sc.Scan() {
					if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "ROOT" {
						mu.Lock()
						rooted = append(rooted, f[1])
						mu.Unlock()
					}
				}
			}
		}(w)
	}
	collections, deleted := 0, 0
	for finished.Load() < workers {
		res, err := s.CollectGarbage(GCOptions{Action: GCDeleteDead})
		if err != nil {
			t.Fatal(err)
		}
		collections++
		deleted += len(res.Paths)
	}
	wg.Wait()
	t.Logf("%d collections deleted %d paths", collections, deleted)
	for _, r := range rooted {
		p, err := s.ParsePath(r)
		must(t, err)
		if ok, _ := s.IsValid(p); !ok {
			t.Errorf("rooted path %s was collected", p)
		}
	}
	if _, err := s.CollectGarbage(GCOptions{Action: GCDeleteDead}); err != nil {
		t.Fatal(err)
	}
	assertClean(t, s, false)
}

func TestGCSkipsLockedTempDir(t *testing.T) {
	s := newStore(t)
	tmp, err := s.createTempDir()
	must(t, err)
	s2 := reopen(t, s)
	if _, err := s2.CollectGarbage(GCOptions{Action: GCDeleteDead}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp.path); err != nil {
		t.Errorf("a locked temporary directory was deleted: %v", err)
	}
	tmp.remove()
}
