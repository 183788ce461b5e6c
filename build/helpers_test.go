package build_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-nix/cairn/build"
	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/evalstore"
	"github.com/cairn-nix/cairn/store"
	"github.com/cairn-nix/cairn/storepath"
)

// env is a private store with busybox in it, and a way to instantiate
// Nix expressions into it.
type env struct {
	t   testing.TB
	st  *store.Local
	bb  string // store path of busybox: bin/sh and every applet
	dir string
}

const busybox = "/bin/busybox"

// newEnv makes a store under a temporary directory. real says whether
// the store directory is the real one (for unsandboxed builds) or the
// logical /nix/store of a chroot store.
func newEnv(t testing.TB, real bool) *env {
	t.Helper()
	if _, err := os.Stat(busybox); err != nil {
		t.Skip("no /bin/busybox (Debian package busybox-static)")
	}
	dir := t.TempDir()
	var cfg store.Config
	if real {
		cfg = store.Config{StoreDir: dir + "/store", RealStoreDir: dir + "/store", StateDir: dir + "/var", LogDir: dir + "/var/log"}
	} else {
		cfg = store.RootConfig(dir)
	}
	st, err := store.OpenConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{t: t, st: st, dir: dir}
	e.bb = e.addBusybox()
	return e
}

func (e *env) addBusybox() string {
	src := filepath.Join(e.dir, "bbsrc")
	os.MkdirAll(src+"/bin", 0o755)
	data, err := os.ReadFile(busybox)
	if err != nil {
		e.t.Fatal(err)
	}
	os.WriteFile(src+"/bin/busybox", data, 0o755)
	out, err := exec.Command(busybox, "--list").Output()
	if err != nil {
		e.t.Fatal(err)
	}
	for _, a := range strings.Fields(string(out)) {
		if a != "busybox" {
			os.Symlink("busybox", src+"/bin/"+a)
		}
	}
	p, err := e.st.AddPath(src, "busybox", storepath.NAR)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.st.PrintPath(p)
}

// instantiate evaluates expr (with `bb` bound to busybox's path and `sh`
// a helper making a derivation from a shell script) and returns the
// derivations' paths.
func (e *env) instantiate(expr string) []storepath.StorePath {
	e.t.Helper()
	ev, err := evalstore.New(eval.Settings{StoreDir: e.st.Dir().Path(), CurrentSystem: thisSystem()}, evalstore.Options{Store: e.st})
	if err != nil {
		e.t.Fatal(err)
	}
	prelude := `let bb = builtins.storePath "` + e.bb + `"; sh = name: script: attrs: derivation ({ inherit name; system = "` + thisSystem() + `"; builder = "${bb}/bin/sh"; args = ["-c" script]; PATH = "${bb}/bin"; } // attrs); in `
	x, err := ev.ParseString(prelude+expr, e.dir)
	if err != nil {
		e.t.Fatal(err)
	}
	v, err := ev.Eval(x)
	if err != nil {
		e.t.Fatal(err)
	}
	drvs, err := ev.GetDerivations(v, eval.NewAttrsBuilder(0).Build())
	if err != nil {
		e.t.Fatal(err)
	}
	var out []storepath.StorePath
	for _, d := range drvs {
		p, _, err := ev.DrvPathOf(d)
		if err != nil {
			e.t.Fatal(err)
		}
		sp, err := e.st.ParsePath(p)
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, sp)
	}
	return out
}

func thisSystem() string {
	if strings.Contains(os.Getenv("GOARCH"), "arm64") {
		return "aarch64-linux"
	}
	out, _ := exec.Command("uname", "-m").Output()
	if strings.TrimSpace(string(out)) == "aarch64" {
		return "aarch64-linux"
	}
	return "x86_64-linux"
}

func targets(ps []storepath.StorePath) []build.Target {
	var ts []build.Target
	for _, p := range ps {
		ts = append(ts, build.Target{Drv: p})
	}
	return ts
}

// output returns the path of drv's output "out".
func (e *env) output(drv storepath.StorePath) string {
	d, err := e.st.ReadDerivation(drv)
	if err != nil {
		e.t.Fatal(err)
	}
	p, _, err := d.OutputPath(e.st.Dir(), "out")
	if err != nil {
		e.t.Fatal(err)
	}
	return e.st.PrintPath(p)
}

// realOutput is where drv's out is on disk.
func (e *env) realOutput(drv storepath.StorePath) string {
	p, err := e.st.ParsePath(e.output(drv))
	if err != nil {
		e.t.Fatal(err)
	}
	return e.st.RealPath(p)
}
