package store

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairn-nix/cairn/derivation"
	"github.com/cairn-nix/cairn/nar"
	"github.com/cairn-nix/cairn/storepath"
)

// newStore opens a fresh store below a temporary directory.
func newStore(t testing.TB) *Local {
	t.Helper()
	return openRoot(t, t.TempDir())
}

func openRoot(t testing.TB, root string) *Local {
	t.Helper()
	t.Setenv("NIX_STORE_DIR", "")
	t.Setenv("NIX_STORE", "")
	s, err := OpenConfig(RootConfig(root))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// makeTree writes a tree with what NARs must get right: executables,
// symlinks (relative, absolute, dangling), an empty directory, non-ASCII
// and awkward names, an empty file.
func makeTree(t testing.TB, dir string) {
	t.Helper()
	files := map[string]string{
		"bin/hello":        "#!/bin/sh\necho hello\n",
		"share/doc/README": "read me\n",
		"share/empty-file": "",
		"ünïcödé/ファイル":     "non-ASCII name\n",
		"a b/c\td":         "spaces and tabs\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	must(t, os.Chmod(filepath.Join(dir, "bin/hello"), 0o755))
	must(t, os.MkdirAll(filepath.Join(dir, "empty/dir"), 0o755))
	must(t, os.Symlink("../share/doc/README", filepath.Join(dir, "bin/readme")))
	must(t, os.Symlink("/nonexistent/target", filepath.Join(dir, "dangling")))
	must(t, os.Symlink("ünïcödé", filepath.Join(dir, "link-to-dir")))
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func narOf(t testing.TB, p string) []byte {
	t.Helper()
	var b bytes.Buffer
	must(t, nar.DumpPath(&b, p))
	return b.Bytes()
}

// storeEntries lists the store directory without .links.
func storeEntries(t testing.TB, s *Local) []string {
	t.Helper()
	entries, err := os.ReadDir(s.cfg.RealStoreDir)
	must(t, err)
	var out []string
	for _, e := range entries {
		if e.Name() != ".links" {
			out = append(out, e.Name())
		}
	}
	return out
}

// assertClean checks the store's consistency: Verify with contents finds
// nothing, every valid path exists, and nothing but valid paths (and
// their released lock files) is left in the store directory.
func assertClean(t testing.TB, s *Local, allowGarbage bool) {
	t.Helper()
	var log []string
	bad, err := s.Verify(VerifyOptions{CheckContents: true, Log: func(f string, a ...any) {
		log = append(log, f)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if bad {
		t.Fatalf("verify found problems: %v", log)
	}
	valid, err := s.AllValid()
	must(t, err)
	for _, p := range valid {
		if _, err := os.Lstat(s.RealPath(p)); err != nil {
			t.Errorf("valid path %s missing on disk: %v", p, err)
		}
	}
	if allowGarbage {
		return
	}
	isValid := map[string]bool{}
	for _, p := range valid {
		isValid[p.String()] = true
	}
	for _, name := range storeEntries(t, s) {
		if !isValid[name] {
			t.Errorf("unexpected entry in the store: %s", name)
		}
	}
}

// simpleDrv builds an input-addressed derivation with outputs named
// outs, depending on srcs, and returns it with its ATerm text.
func simpleDrv(t testing.TB, s *Local, name string, srcs []storepath.StorePath, outs ...string) (*derivation.Derivation, string) {
	t.Helper()
	d := &derivation.Derivation{
		Name: name, Platform: "x86_64-linux", Builder: "/bin/sh", Args: []string{"-c", "echo"},
		Outputs: map[string]derivation.Output{}, InputSrcs: srcs,
		Env: map[string]string{"name": name, "builder": "/bin/sh", "system": "x86_64-linux"},
	}
	for _, o := range outs {
		d.Outputs[o] = derivation.Output{Kind: derivation.Deferred}
		d.Env[o] = ""
	}
	h := &derivation.Hasher{Dir: s.dir, Read: s.readDerivationFile}
	must(t, h.FillInOutputPaths(d))
	must(t, d.Canonicalize())
	text, err := d.ATerm(s.dir)
	must(t, err)
	return d, string(text)
}
