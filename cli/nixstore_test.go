package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run runs the command line (args[0] names the command) with stdin and
// returns its exit code, output and errors.
func run(t testing.TB, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, bytes.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// makeTree writes a tree with what NARs must get right: an executable,
// symlinks, an empty directory, non-ASCII names.
func makeTree(t testing.TB, dir string) {
	t.Helper()
	files := map[string]string{
		"bin/hello":        "#!/bin/sh\necho hello\n",
		"share/doc/README": "read me\n",
		"share/empty":      "",
		"ünïcödé/ファイル":     "non-ASCII\n",
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
	for _, err := range []error{
		os.Chmod(filepath.Join(dir, "bin/hello"), 0o755),
		os.MkdirAll(filepath.Join(dir, "empty/dir"), 0o755),
		os.Symlink("../share/doc/README", filepath.Join(dir, "bin/readme")),
		os.Symlink("/nonexistent", filepath.Join(dir, "dangling")),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestNixStoreCommands(t *testing.T) {
	t.Setenv("NIX_STORE_DIR", "")
	t.Setenv("NIX_CONF_DIR", t.TempDir())
	t.Setenv("NIX_USER_CONF_FILES", "")
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	tree := filepath.Join(dir, "tree")
	makeTree(t, tree)
	st := []string{"--store", root}
	ns := func(args ...string) []string { return append(append([]string{"nix-store"}, st...), args...) }

	code, out, errs := run(t, nil, ns("--add", tree)...)
	if code != 0 {
		t.Fatalf("--add: %d %s", code, errs)
	}
	p := strings.TrimSpace(out)
	_, text, _ := run(t, nil, ns("--add", filepath.Join(tree, "share/doc/README"))...)
	readme := strings.TrimSpace(text)

	var nar bytes.Buffer
	if code, out, errs := run(t, nil, "nix-store", "--dump", tree); code != 0 {
		t.Fatalf("--dump: %s", errs)
	} else {
		nar.WriteString(out)
	}
	var export string
	if code, out, errs := run(t, nil, ns("--export", p)...); code != 0 {
		t.Fatalf("--export: %s", errs)
	} else {
		export = out
	}
	var dumpDB string
	if code, out, errs := run(t, nil, ns("--dump-db")...); code != 0 {
		t.Fatalf("--dump-db: %s", errs)
	} else {
		dumpDB = out
	}

	tests := []struct {
		name     string
		args     []string
		stdin    []byte
		code     int
		out, err string // substrings expected
	}{
		{"hash", ns("-q", "--hash", p), nil, 0, "sha256:", ""},
		{"size", ns("--query", "--size", p), nil, 0, "\n", ""},
		{"requisites", ns("-qR", p), nil, 0, p, ""},
		{"tree", ns("-q", "--tree", p), nil, 0, p, ""},
		{"graph", ns("-q", "--graph", p), nil, 0, "digraph G {", ""},
		{"deriver", ns("-q", "--deriver", p), nil, 0, "unknown-deriver", ""},
		{"outputs", ns("-q", p), nil, 0, p, ""},
		{"verify", ns("--verify", "--check-contents"), nil, 0, "", "checking store hashes"},
		{"verify-path", ns("--verify-path", p), nil, 0, "", ""},
		{"check-validity", ns("--check-validity", p), nil, 0, "", ""},
		{"dump-db one", ns("--dump-db", p), nil, 0, p + "\n", ""},
		{"cairn store verify", []string{"cairn", "store", "verify", "--store", root, p}, nil, 0, "", ""},
		// Like Nix, --load-db drops content addresses (the format has none).
		{"load-db", ns("--load-db"), []byte(dumpDB), 0, "", ""},
		{"untrusted now", []string{"cairn", "store", "verify", "--store", root, p}, nil, 2, "", "is untrusted"},
		{"import again", ns("--import"), []byte(export), 0, p, ""},
		{"print-roots", ns("--gc", "--print-roots"), nil, 0, "", ""},
		{"print-dead", ns("--gc", "--print-dead"), nil, 0, readme, ""},
		{"delete", ns("--delete", readme), nil, 0, "1 store paths deleted", "deleting '" + readme + "'"},
		{"hash convert", []string{"nix-hash", "--to-base32", "--type", "sha1", "e5fa44f2b31c1fb553b6021e7360d07d5d91ff5e"}, nil, 0, "x", ""},
		{"cairn hash path", []string{"cairn", "hash", "path", tree}, nil, 0, "sha256-", ""},
		{"cairn path-info", []string{"cairn", "path-info", "--json", "--json-format", "2", "--store", root, p}, nil, 0, `"version":2`, ""},
		{"cairn store ls", []string{"cairn", "store", "ls", "-lR", "--store", root, p}, nil, 0, "-r-xr-xr-x", ""},
		{"cairn store cat", []string{"cairn", "store", "cat", "--store", root, p + "/share/doc/README"}, nil, 0, "read me", ""},

		// Bad input: one error line, exit 1, nothing written.
		{"unknown flag", ns("--query", "--bogus", p), nil, 1, "", "error: unknown flag '--bogus'"},
		{"no operation", ns(p), nil, 1, "", "error: no operation specified"},
		{"two operations", ns("--add", "--query"), nil, 1, "", "only one operation"},
		{"missing path", ns("--add", filepath.Join(dir, "missing")), nil, 1, "", "missing"},
		{"not in store", ns("-q", "--hash", tree), nil, 1, "", "is not in the Nix store"},
		{"invalid path", ns("-q", "--hash", "/nix/store/00000000000000000000000000000000-x"), nil, 1, "", "is not valid"},
		{"corrupt import", ns("--import"), []byte(export[:len(export)/2]), 1, "", "error:"},
		{"garbage import", ns("--import"), []byte("this is not an export"), 1, "", "error:"},
		{"corrupt restore", []string{"nix-store", "--restore", filepath.Join(dir, "restored")}, nar.Bytes()[:100], 1, "", "error:"},
		{"bad hash type", []string{"nix-hash", "--type", "sha3", tree}, nil, 1, "", "sha3"},
		{"gc bad", ns("--gc", "--frobnicate"), nil, 1, "", "bad sub-operation '--frobnicate' in GC"},
		{"max-freed and print", ns("--gc", "--print-dead", "--max-freed", "1"), nil, 1, "", "cannot be combined"},
		{"bad store", []string{"nix-store", "--store", "ssh://x", "-q", p}, nil, 1, "", "scheme 'ssh'"},
		{"cairn store unknown", []string{"cairn", "store", "frob"}, nil, 1, "", "no subcommand 'frob'"},
	}
	for _, tt := range tests {
		code, out, errs := run(t, tt.stdin, tt.args...)
		if code != tt.code || !strings.Contains(out, tt.out) || !strings.Contains(errs, tt.err) {
			t.Errorf("%s: exit %d\nstdout: %s\nstderr: %s", tt.name, code, out, errs)
		}
		if tt.code != 0 && strings.Count(errs, "error:") != 1 {
			t.Errorf("%s: not exactly one error line: %q", tt.name, errs)
		}
	}
	if _, err := os.Lstat(filepath.Join(dir, "restored")); err == nil {
		t.Error("a corrupt NAR was restored")
	}
	// The store is still consistent.
	if code, _, errs := run(t, nil, ns("--verify", "--check-contents")...); code != 0 {
		t.Errorf("final verify: %s", errs)
	}
}

func TestNixHashAndConvert(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	if err := os.WriteFile(f, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"nix-hash", "--flat", f}, "b1946ac92492d2347c6235b4d2611184\n"},
		{[]string{"nix-hash", "--flat", "--type", "sha256", "--base32", f}, "00xyyr3fi8l6hb839bv3f7yb86yjv7xi1cgh1xnhipym4asvb4aq\n"},
		{[]string{"nix-hash", "--flat", "--type", "sha256", "--sri", f}, "sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM=\n"},
		{[]string{"nix-hash", "--to-sri", "--type", "sha256", "00xyyr3fi8l6hb839bv3f7yb86yjv7xi1cgh1xnhipym4asvb4aq"}, "sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM=\n"},
		{[]string{"nix-hash", "--to-base16", "sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="}, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\n"},
		{[]string{"cairn", "hash", "file", f}, "sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM=\n"},
		{[]string{"cairn", "hash", "path", "--mode", "flat", "--format", "nix32", f}, "00xyyr3fi8l6hb839bv3f7yb86yjv7xi1cgh1xnhipym4asvb4aq\n"},
		{[]string{"cairn", "hash", "convert", "--hash-algo", "sha256", "--to", "base16", "00xyyr3fi8l6hb839bv3f7yb86yjv7xi1cgh1xnhipym4asvb4aq"}, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\n"},
	}
	for _, tt := range tests {
		code, out, errs := run(t, nil, tt.args...)
		if code != 0 || out != tt.want {
			t.Errorf("%v: exit %d, %q (want %q) %s", tt.args, code, out, tt.want, errs)
		}
	}
	code, _, errs := run(t, nil, "cairn", "hash", "convert", "--from", "base16", "sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM=")
	if code != 1 || !strings.Contains(errs, "has format 'sri', but '--from base16' was specified") {
		t.Errorf("--from mismatch: %d %s", code, errs)
	}
}

func TestExpandShortFlags(t *testing.T) {
	got := strings.Join(expandShortFlags([]string{"-qR", "-j3", "--tree", "-", "--", "-qR"}), " ")
	if want := "-q -R -j 3 --tree - -- -qR"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRenderSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0.0 KiB", 100: "0.1 KiB", 5000: "4.9 KiB", 2 << 20: "2.0 MiB", 3 << 30: "3.0 GiB"} {
		if got := renderSize(n); got != want {
			t.Errorf("renderSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestStoreSelection: the store comes from --store, else NIX_REMOTE,
// else nix.conf's `store` (in NIX_CONF_DIR), else the default store
// directories, which NIX_STORE_DIR and NIX_STATE_DIR move.
func TestStoreSelection(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "file")
	if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "conf")
	if err := os.MkdirAll(conf, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(conf, "nix.conf"), []byte("store = local?root="+dir+"/from-conf\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NIX_CONF_DIR", conf)
	t.Setenv("NIX_USER_CONF_FILES", "")
	t.Setenv("NIX_STORE_DIR", "")
	t.Setenv("NIX_STATE_DIR", "")
	t.Setenv("NIX_REMOTE", "")
	added := func(args ...string) string {
		t.Helper()
		code, out, errs := run(t, nil, append([]string{"nix-store", "--add", f}, args...)...)
		if code != 0 {
			t.Fatalf("%v: %s", args, errs)
		}
		return strings.TrimSpace(out)
	}
	exists := func(p string) {
		t.Helper()
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("expected %s: %v", p, err)
		}
	}
	p := added()
	exists(filepath.Join(dir, "from-conf", p))
	// NIX_REMOTE is only the default: nix.conf overrides it, as in Nix.
	t.Setenv("NIX_REMOTE", dir+"/from-env")
	exists(filepath.Join(dir, "from-conf", added()))
	exists(filepath.Join(dir, "from-flag", added("--store", dir+"/from-flag")))
	exists(filepath.Join(dir, "from-option", added("--option", "store", dir+"/from-option")))
	if err := os.WriteFile(filepath.Join(conf, "nix.conf"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	exists(filepath.Join(dir, "from-env", added()))

	// A store directory of its own: paths are hashed with it.
	t.Setenv("NIX_REMOTE", "")
	t.Setenv("NIX_STORE_DIR", dir+"/own/store")
	t.Setenv("NIX_STATE_DIR", dir+"/own/state")
	q := added()
	if !strings.HasPrefix(q, dir+"/own/store/") || strings.TrimPrefix(q, dir+"/own/store/") == strings.TrimPrefix(p, "/nix/store/") {
		t.Errorf("NIX_STORE_DIR: added %s", q)
	}
	exists(q)
	exists(dir + "/own/state/db/db.sqlite")
}

// TestCollectGarbageDeleteOld: -d removes old generations of profiles,
// then the collection deletes what only they kept alive.
func TestCollectGarbageDeleteOld(t *testing.T) {
	t.Setenv("NIX_STORE_DIR", "")
	t.Setenv("NIX_CONF_DIR", t.TempDir())
	t.Setenv("NIX_USER_CONF_FILES", "")
	t.Setenv("HOME", t.TempDir())
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	var paths []string
	for _, name := range []string{"old", "new"} {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errs := run(t, nil, "nix-store", "--store", root, "--add", f)
		if code != 0 {
			t.Fatal(errs)
		}
		paths = append(paths, strings.TrimSpace(out))
	}
	profiles := filepath.Join(root, "nix/var/nix/profiles")
	for i, p := range paths {
		if err := os.Symlink(p, filepath.Join(profiles, fmt.Sprintf("p-%d-link", i+1))); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("p-2-link", filepath.Join(profiles, "p")); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, nil, "nix-collect-garbage", "--store", root, "--dry-run")
	if code != 0 || out != "0 store paths would be deleted\n" {
		t.Errorf("--dry-run: %d %q %s", code, out, errs)
	}
	code, out, errs = run(t, nil, "nix-collect-garbage", "--store", root, "-d")
	if code != 0 || !strings.Contains(out, "1 store paths deleted") || !strings.Contains(errs, "removing profile version 1") {
		t.Errorf("-d: %d %q %s", code, out, errs)
	}
	if _, err := os.Lstat(filepath.Join(profiles, "p-1-link")); err == nil {
		t.Error("old generation kept")
	}
	code, _, _ = run(t, nil, "nix-store", "--store", root, "--check-validity", paths[1])
	if code != 0 {
		t.Error("the current generation's path was deleted")
	}
	code, _, errs = run(t, nil, "nix-collect-garbage", "--store", root, "--delete-older-than", "soon")
	if code != 1 || !strings.Contains(errs, "expected something like '14d'") {
		t.Errorf("bad --delete-older-than: %d %s", code, errs)
	}
}
