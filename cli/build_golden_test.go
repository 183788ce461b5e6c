package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// buildGoldenNix is the expression the nix-build goldens build: two
// derivations, the second with two outputs, that print lines, and one
// that fails. The builder is /bin/sh, which the sandbox maps to busybox
// (sandbox-paths), so that the store paths do not depend on busybox.
const buildGoldenNix = `let
  mk = name: outputs: script: derivation {
    inherit name outputs; system = "x86_64-linux";
    builder = "/bin/sh"; args = ["-c" script];
  };
in {
  one = mk "one" ["out"] "echo hello from one; echo 1 > $out";
  two = mk "two" ["out" "dev"] "echo hello from two; echo building >&2; echo 2 > $out; echo dev > $dev";
  bad = mk "bad" ["out"] "echo about to fail; exit 3";
}
`

// TestNixBuildGoldens runs nix-build in process (one job, so the order
// is fixed) and compares its exit code, output, error output and the
// result symlinks it made with testdata/build/<case>.exp (-update
// rewrites them).
func TestNixBuildGoldens(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the goldens are of x86_64-linux derivations")
	}
	needSandbox(t)
	t.Setenv("NIX_CONF_DIR", t.TempDir())
	t.Setenv("NIX_USER_CONF_FILES", "")
	t.Setenv("NIX_CONFIG", "")
	cases := []struct {
		name string
		args []string
	}{
		{"default", []string{"-A", "one", "-A", "two"}},
		{"out-link", []string{"-A", "two", "-o", "mylink"}},
		{"no-out-link", []string{"-A", "one", "--no-out-link"}},
		{"print-build-logs", []string{"-L", "-A", "two"}},
		{"internal-json", []string{"--log-format", "internal-json", "-L", "-A", "one", "-A", "two"}},
		{"failure", []string{"-A", "bad"}},
		{"failure-internal-json", []string{"--log-format", "internal-json", "-A", "bad"}},
		{"dry-run", []string{"--dry-run", "-A", "one"}},
	}
	goldens, err := filepath.Abs("testdata/build")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			root := filepath.Join(dir, "root")
			if err := os.WriteFile(filepath.Join(dir, "default.nix"), []byte(buildGoldenNix), 0o644); err != nil {
				t.Fatal(err)
			}
			work := filepath.Join(dir, "work")
			if err := os.Mkdir(work, 0o755); err != nil {
				t.Fatal(err)
			}
			t.Chdir(work)
			args := append([]string{"nix-build", "--store", root, "-j1", "--option", "sandbox-paths", "/bin/sh=" + bbBinary, "../default.nix"}, c.args...)
			var stdout, stderr bytes.Buffer
			code := Main(args, strings.NewReader(""), &stdout, &stderr)
			got := fmt.Sprintf("exit: %d\n--- stdout\n%s--- stderr\n%s--- links\n%s", code, stdout.String(), stderr.String(), links(t, work))
			got = strings.ReplaceAll(got, dir, "DIR")
			exp := filepath.Join(goldens, c.name+".exp")
			if *update {
				if err := os.WriteFile(exp, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(exp)
			if err != nil {
				t.Fatalf("%v (run with -update to record)", err)
			}
			if got != string(want) {
				t.Errorf("nix-build %s:\ngot:\n%s\nwant:\n%s", strings.Join(c.args, " "), got, want)
			}
		})
	}
}

// links lists the symlinks in dir as "name -> target".
func links(t *testing.T, dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if l, err := os.Readlink(filepath.Join(dir, e.Name())); err == nil {
			out = append(out, e.Name()+" -> "+l+"\n")
		}
	}
	sort.Strings(out)
	return strings.Join(out, "")
}
