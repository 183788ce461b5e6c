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
)

const bbBinary = "/bin/busybox"

// needSandbox skips a test when busybox-static or user namespaces are
// missing.
func needSandbox(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(bbBinary); err != nil {
		t.Skip("no /bin/busybox (Debian package busybox-static)")
	}
	cmd := exec.Command(bbBinary, "true")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWNET,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 1000, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 100, HostID: os.Getgid(), Size: 1}},
	}
	if err := cmd.Run(); err != nil {
		t.Skipf("user namespaces are not available: %v", err)
	}
}

// buildStore makes a store under root with busybox added (bin/busybox
// and bin/sh) and returns busybox's store path.
func buildStore(t *testing.T, root string) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "bb")
	if err := os.MkdirAll(src+"/bin", 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(bbBinary)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src+"/bin/busybox", data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("busybox", src+"/bin/sh"); err != nil {
		t.Fatal(err)
	}
	out, err := command("nix-store", "--store", root, "--add", src).CombinedOutput()
	if err != nil {
		t.Fatalf("adding busybox: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

// sleepMark is the argument of the builders' sleep, to find them in /proc.
const sleepMark = "0.3173"

// graphNix is 10 derivations: four leaves, four that each use two
// leaves, one that uses those four, and one over that and a leaf.
func graphNix(bb, salt string) string {
	return `let bb = builtins.storePath "` + bb + `";
  mk = name: deps: derivation {
    inherit name; salt = "` + salt + `"; system = builtins.currentSystem;
    builder = "${bb}/bin/sh";
    args = ["-c" "busybox sleep ` + sleepMark + `; busybox mkdir $out; echo ${toString deps} > $out/deps; echo ${name} > $out/name; busybox ln -s deps $out/link"];
  };
  a = builtins.genList (i: mk "a${toString i}" []) 4;
  b = builtins.genList (i: mk "b${toString i}" [(builtins.elemAt a i) (builtins.elemAt a (if i == 3 then 0 else i + 1))]) 4;
  c = mk "c" b;
  d = mk "d" [c (builtins.head a)];
in a ++ b ++ [c d]
`
}

// countLogs is how many builds have started: their logs exist.
func countLogs(root string) int {
	ms, _ := filepath.Glob(filepath.Join(root, "nix/var/log/nix/drvs/*/*"))
	return len(ms)
}

// TestBuildSurvivesSIGKILL kills `nix-build -j 2` of a graph of 10
// derivations after 1 to 8 builds have started; a second run must then
// finish with every output valid and verified (contents included), no
// builder left running, and no chroot, lock file or build directory
// left over.
func TestBuildSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	needSandbox(t)
	t.Setenv("NIX_CONF_DIR", t.TempDir())
	t.Setenv("NIX_USER_CONF_FILES", "")
	t.Setenv("NIX_CONFIG", "")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	killedMidway := 0
	for round, after := range []int{1, 2, 3, 5, 8} {
		dir := t.TempDir()
		root := filepath.Join(dir, "root")
		bb := buildStore(t, root)
		expr := filepath.Join(dir, "g.nix")
		if err := os.WriteFile(expr, []byte(graphNix(bb, fmt.Sprint(round))), 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{"nix-build", "--store", root, "-j", "2", "--no-out-link", expr}
		cmd := command(args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		var werr error
		deadline := time.After(60 * time.Second)
	watch:
		for {
			select {
			case werr = <-exited:
				break watch
			case <-deadline:
				cmd.Process.Kill()
				t.Fatalf("round %d: the build did not finish in 60 s:\n%s", round, out.String())
			case <-time.After(5 * time.Millisecond):
				if countLogs(root) >= after {
					time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
					cmd.Process.Signal(syscall.SIGKILL)
					werr = <-exited
					break watch
				}
			}
		}
		if werr != nil {
			killedMidway++
		}
		started := countLogs(root)
		checkVerifies(t, root, round)
		noBuilderLeft(t, round)

		out.Reset()
		var stdout bytes.Buffer
		cmd = command(args...)
		cmd.Stdout, cmd.Stderr = &stdout, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("round %d: second run: %v\n%s", round, err, out.String())
		}
		checkVerifies(t, root, round)
		checkBuilt(t, root, stdout.String(), round)
		t.Logf("round %d: killed after %d builds started (wanted %d); midway: %v", round, started, after, werr != nil)
	}
	if killedMidway == 0 {
		t.Error("no run was killed midway")
	}
}

// checkVerifies runs Verify with contents on the store at root.
func checkVerifies(t *testing.T, root string, round int) {
	t.Helper()
	s := openStore(t, root)
	defer s.Close()
	verifyClean(t, s, round)
}

// noBuilderLeft checks that no builder of a killed run still runs.
// The kernel tears a killed sandbox's pid namespace down asynchronously,
// so this waits (up to 10 s on a loaded machine) before calling a builder
// left over.
func noBuilderLeft(t *testing.T, round int) {
	t.Helper()
	var left []string
	for deadline := time.Now().Add(10 * time.Second); ; {
		left = left[:0]
		cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
		for _, c := range cmdlines {
			data, err := os.ReadFile(c)
			if err == nil && strings.Contains(string(data), "sleep\x00"+sleepMark) {
				left = append(left, filepath.Dir(c))
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, p := range left {
		t.Errorf("round %d: a builder is still running 10 s after the kill: %s", round, p)
	}
}

// checkBuilt checks that the 10 printed outputs are valid and that no
// chroot, lock file or build directory is left over.
func checkBuilt(t *testing.T, root, stdout string, round int) {
	t.Helper()
	s := openStore(t, root)
	defer s.Close()
	outs := strings.Fields(stdout)
	if len(outs) != 10 {
		t.Fatalf("round %d: %d output paths printed, want 10:\n%s", round, len(outs), stdout)
	}
	for _, o := range outs {
		p, err := s.ParsePath(o)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := s.IsValid(p); err != nil || !v {
			t.Errorf("round %d: %s is not valid (%v)", round, o, err)
		}
	}
	entries, err := os.ReadDir(filepath.Join(root, "nix/store"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".chroot") || strings.HasSuffix(n, ".lock") || strings.HasPrefix(n, "tmp-") {
			t.Errorf("round %d: left in the store: %s", round, n)
		}
	}
	builds, _ := os.ReadDir(filepath.Join(root, "nix/var/nix/builds"))
	for _, e := range builds {
		t.Errorf("round %d: build directory left over: %s", round, e.Name())
	}
}
