package cli

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// nixTestEnv gives a test the environment real Nix's answers were
// recorded in: no search path, a home that does not exist, nothing from
// this machine's store, and a nix.conf holding conf (refnix's own
// enables nix-command and flakes).
func nixTestEnv(t *testing.T, conf string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "nix.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NIX_PATH", "")
	t.Setenv("HOME", "/fake-home")
	t.Setenv("NIX_REMOTE", "dummy://")
	t.Setenv("NIX_CONF_DIR", dir)
	t.Setenv("NIX_USER_CONF_FILES", "")
	if v, ok := os.LookupEnv("NIX_CONFIG"); ok {
		os.Unsetenv("NIX_CONFIG")
		t.Cleanup(func() { os.Setenv("NIX_CONFIG", v) })
	}
}

const refnixConf = "experimental-features = nix-command flakes\n"

// compareWithNix checks a command's exit code, stdout and stderr (after
// normalize) against base.code (0 when absent), base.out and base.err
// (empty when absent).
func compareWithNix(t *testing.T, base string, code int, stdout, stderr string, normalize func(string) string) {
	t.Helper()
	wantCode := 0
	if b, err := os.ReadFile(base + ".code"); err == nil {
		wantCode, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	if code != wantCode {
		t.Errorf("exit %d, real Nix %d", code, wantCode)
	}
	for _, o := range []struct{ ext, got string }{{".out", stdout}, {".err", stderr}} {
		want, _ := os.ReadFile(base + o.ext)
		if got := normalize(o.got); got != string(want) {
			t.Errorf("%s:\n%s\nreal Nix:\n%s", o.ext, got, want)
		}
	}
}

// openGzip opens a gzipped test file; it is closed when the test ends.
func openGzip(t *testing.T, path string) io.Reader {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	return zr
}
