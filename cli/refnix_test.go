package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-nix/cairn/derivation"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/store"
	"github.com/cairn-nix/cairn/storepath"
)

// Differential tests against real Nix 2.34. Real Nix runs only when the
// goldens are re-recorded (go test ./cli -run TestRefnix -update, or
// scripts/record-store-goldens), through ../shared/tools/refnix; the
// tests themselves compare Cairn with the recorded answers, so they
// need no Nix.

var update = flag.Bool("update", false, "re-record golden files (store goldens: from real Nix through refnix)")

// storeGoldens is absolute: the tests change directory.
var storeGoldens, _ = filepath.Abs("testdata/store")

func refnixPath() string {
	if p := os.Getenv("REFNIX"); p != "" {
		return p
	}
	p, _ := filepath.Abs("../../shared/tools/refnix")
	return p
}

// refnix runs real Nix in dir; nixDir, when set, is mounted as /nix.
func refnix(t *testing.T, dir, nixDir string, stdin []byte, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(refnixPath(), args...)
	cmd.Dir = dir
	// Real Nix reads its own configuration inside the chroot.
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "NIX_") && !strings.HasPrefix(e, "REFNIX_NIX=") {
			cmd.Env = append(cmd.Env, e)
		}
	}
	if nixDir != "" {
		cmd.Env = append(cmd.Env, "REFNIX_NIX="+nixDir)
	}
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running refnix: %v", err)
	}
	return out.String(), errb.String(), code
}

// golden compares got with the golden file name, or records it.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join(storeGoldens, name)
	if *update {
		if err := os.MkdirAll(storeGoldens, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("reading golden: %v (record with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from real Nix's answer at line %s", name, firstDiff(got, want))
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("%d:\n  Cairn: %q\n  Nix:   %q", i+1, gl, wl)
		}
	}
	return "(none)"
}

func needRefnix(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(refnixPath()); err != nil {
		t.Fatalf("-update needs real Nix: %s: %v", refnixPath(), err)
	}
}

// addCommands are run by both implementations on the test tree.
var addCommands = [][]string{
	{"nix-store", "--add", "./tree"},
	{"nix-store", "--add", "./tree/bin/readme"},
	{"nix-store", "--add-fixed", "sha256", "./tree/bin/hello"},
	{"nix-store", "--add-fixed", "--recursive", "sha1", "./tree"},
	{"nix-store", "--add-fixed", "--recursive", "sha512", "./tree/share"},
	{"nix-hash", "./tree"},
	{"nix-hash", "--type", "sha256", "--base32", "./tree"},
	{"nix-hash", "--type", "sha512", "--sri", "./tree"},
	{"nix-hash", "--type", "sha256", "--truncate", "--base32", "./tree"},
	{"nix-hash", "--type", "sha1", "--flat", "./tree/bin/hello"},
	{"nix-hash", "--type", "sha256", "--to-base32", "c3c746372f2fa79f8de5220b43a2a5b00084282b9d0341de22134c4a56f99f34"},
	{"nix-hash", "--type", "sha256", "--to-base64", "0d4zz5b4lk0k4bg420wx5cl8805hlni462r2wn6rz9rg5wvldiy3"},
}

// TestRefnixAddAndDump: the same adds give the same paths, NAR bytes
// and path info (hash, size, references, content address) as real Nix.
func TestRefnixAddAndDump(t *testing.T) {
	t.Setenv("NIX_STORE_DIR", "")
	t.Setenv("NIX_CONF_DIR", t.TempDir())
	t.Setenv("NIX_USER_CONF_FILES", "")
	dir := t.TempDir()
	makeTree(t, filepath.Join(dir, "tree"))
	root := filepath.Join(dir, "cairn")
	var transcript bytes.Buffer
	var paths []string
	chdir(t, dir)
	for _, args := range addCommands {
		var out string
		if *update {
			needRefnix(t)
			o, e, code := refnix(t, dir, filepath.Join(dir, "nix-side/nix"), nil, args...)
			if code != 0 {
				t.Fatalf("real Nix: %v: %s", args, e)
			}
			out = o
		} else {
			a := args
			if a[0] == "nix-store" {
				a = append([]string{a[0], "--store", root}, a[1:]...)
			}
			code, o, e := run(t, nil, a...)
			if code != 0 {
				t.Fatalf("%v: %s", args, e)
			}
			out = o
		}
		fmt.Fprintf(&transcript, "$ %s\n%s", strings.Join(args, " "), out)
		if args[0] == "nix-store" {
			paths = append(paths, strings.TrimSpace(out))
		}
	}
	golden(t, "add.golden", transcript.Bytes())

	var dump []byte
	if *update {
		o, e, code := refnix(t, dir, "", nil, "nix-store", "--dump", "./tree")
		if code != 0 {
			t.Fatal(e)
		}
		dump = []byte(o)
	} else {
		_, o, _ := run(t, nil, "nix-store", "--dump", "./tree")
		dump = []byte(o)
	}
	golden(t, "tree.nar", dump)

	info := pathInfoFor(t, dir, filepath.Join(dir, "nix-side/nix"), root, paths)
	golden(t, "add-path-info.json", info)
}

// pathInfoFor is `nix path-info --json --json-format 1` for paths, from
// real Nix (when recording) or Cairn, with registration times zeroed.
func pathInfoFor(t *testing.T, dir, nixDir, root string, paths []string) []byte {
	t.Helper()
	args := append([]string{"nix", "path-info", "--json", "--json-format", "1"}, paths...)
	var out string
	if *update {
		o, e, code := refnix(t, dir, nixDir, nil, args...)
		if code != 0 {
			t.Fatalf("real Nix path-info: %s", e)
		}
		out = o
	} else {
		a := append([]string{"cairn", "path-info", "--store", root}, args[2:]...)
		code, o, e := run(t, nil, a...)
		if code != 0 {
			t.Fatalf("path-info: %s", e)
		}
		out = o
	}
	var m map[string]map[string]any
	d := json.NewDecoder(strings.NewReader(out))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatalf("path-info JSON: %v\n%s", err, out)
	}
	for _, v := range m {
		if v != nil {
			v["registrationTime"] = 0
		}
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	return append(b, '\n')
}

func chdir(t *testing.T, dir string) {
	t.Helper()
	old, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(old) })
}

// queryCommands are run on a store Cairn wrote: by real Nix when
// recording, by Cairn when comparing.
func queryCommands(paths map[string]string) [][]string {
	return [][]string{
		{"nix-store", "--verify", "--check-contents"},
		{"nix-store", "--dump-db"},
		{"nix-store", "-qR", paths["note"]},
		{"nix-store", "-q", "--references", paths["note"]},
		{"nix-store", "-q", "--referrers", paths["tree"]},
		{"nix-store", "-q", "--referrers-closure", paths["tree"]},
		{"nix-store", "-q", "--tree", paths["note"]},
		{"nix-store", "-q", "--graph", paths["note"]},
		{"nix-store", "-q", "--hash", paths["tree"]},
		{"nix-store", "-q", "--size", paths["tree"]},
		{"nix-store", "-q", "--outputs", paths["drv"]},
		{"nix-store", "-q", "--binding", "builder", paths["drv"]},
		{"nix-store", "--verify-path", paths["tree"], paths["note"]},
		{"nix-store", "--gc", "--print-dead"},
	}
}

// TestRefnixReadsCairnStore: real Nix opens a store Cairn populated,
// finds nothing wrong with `nix-store --verify --check-contents`, and
// answers queries about it as Cairn does.
func TestRefnixReadsCairnStore(t *testing.T) {
	t.Setenv("NIX_STORE_DIR", "")
	t.Setenv("NIX_CONF_DIR", t.TempDir())
	t.Setenv("NIX_USER_CONF_FILES", "")
	dir := t.TempDir()
	makeTree(t, filepath.Join(dir, "tree"))
	root := filepath.Join(dir, "cairn")
	s := openStore(t, root)
	tree, err := s.AddPath(filepath.Join(dir, "tree"), "tree", storepath.NAR)
	if err != nil {
		t.Fatal(err)
	}
	readme, err := s.AddPathWith(filepath.Join(dir, "tree/share/doc/README"), addFlat())
	if err != nil {
		t.Fatal(err)
	}
	note, err := s.AddText("note", "see "+s.PrintPath(tree)+" and "+s.PrintPath(readme), []storepath.StorePath{tree, readme})
	if err != nil {
		t.Fatal(err)
	}
	drvText := testDrv(t, s, tree)
	drv, err := s.AddText("hello.drv", drvText, []storepath.StorePath{tree})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddText("garbage", "nothing refers to this", nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Roots for everything but the garbage.
	for i, p := range []storepath.StorePath{note, drv} {
		if err := os.Symlink(s.PrintPath(p), filepath.Join(root, "nix/var/nix/gcroots", fmt.Sprint("r", i))); err != nil {
			t.Fatal(err)
		}
	}
	paths := map[string]string{"tree": s.PrintPath(tree), "note": s.PrintPath(note), "drv": s.PrintPath(drv)}

	var transcript bytes.Buffer
	for _, args := range queryCommands(paths) {
		var out, errs string
		var code int
		if *update {
			needRefnix(t)
			out, errs, code = refnix(t, dir, filepath.Join(root, "nix"), nil, args...)
		} else {
			a := append([]string{args[0], "--store", root}, args[1:]...)
			code, out, errs = run(t, nil, a...)
		}
		fmt.Fprintf(&transcript, "$ %s\nexit %d\n%s", strings.Join(args, " "), code, out)
		if args[1] == "--verify" {
			// What matters is that no problem is reported; the progress
			// lines are compared too.
			fmt.Fprintf(&transcript, "stderr:\n%s", errs)
			if code != 0 || strings.Contains(errs, "error") || strings.Contains(errs, "modified") {
				t.Errorf("verify reports problems: exit %d\n%s", code, errs)
			}
		}
	}
	golden(t, "cairn-store-queries.golden", transcript.Bytes())
	golden(t, "cairn-store-path-info.json", pathInfoFor(t, dir, filepath.Join(root, "nix"), root,
		[]string{paths["tree"], paths["note"], paths["drv"], s.PrintPath(readme)}))
}

func addFlat() store.AddOptions {
	return store.AddOptions{Method: storepath.Flat, Algo: nixhash.SHA1}
}

// testDrv is an input-addressed derivation with two outputs, depending
// on src.
func testDrv(t *testing.T, s *store.Local, src storepath.StorePath) string {
	t.Helper()
	d := &derivation.Derivation{
		Name: "hello", Platform: "x86_64-linux", Builder: "/bin/sh", Args: []string{"-c", "echo hi > $out"},
		Outputs:   map[string]derivation.Output{"out": {Kind: derivation.Deferred}, "doc": {Kind: derivation.Deferred}},
		InputSrcs: []storepath.StorePath{src},
		Env:       map[string]string{"name": "hello", "builder": "/bin/sh", "system": "x86_64-linux", "out": "", "doc": "", "src": s.PrintPath(src)},
	}
	h := &derivation.Hasher{Dir: s.Dir(), Read: s.ReadDerivation}
	if err := h.FillInOutputPaths(d); err != nil {
		t.Fatal(err)
	}
	text, err := d.ATerm(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	return string(text)
}
