package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ifdNix imports a file that a derivation writes: evaluation must build
// it first (import from derivation). The builder is /bin/sh, mapped to
// busybox in the sandbox.
const ifdNix = `let
  gen = derivation {
    name = "gen"; system = builtins.currentSystem; builder = "/bin/sh";
    args = [ "-c" "echo '{ x = 42; }' > $out" ];
  };
in {
  inherit gen;
  value = (import gen).x;
  # A derivation whose attributes come from the import.
  use = derivation {
    name = "use-${toString (import gen).x}"; system = builtins.currentSystem;
    builder = "/bin/sh"; args = [ "-c" "echo ok > $out" ];
  };
}
`

// TestImportFromDerivation checks that evaluation builds what it imports
// in read-write mode, that read-only mode uses what is already built and
// refuses to build, and that allow-import-from-derivation = false forbids
// it, with real Nix's messages.
func TestImportFromDerivation(t *testing.T) {
	needSandbox(t)
	t.Setenv("NIX_CONF_DIR", t.TempDir())
	t.Setenv("NIX_USER_CONF_FILES", "")
	t.Setenv("NIX_CONFIG", "")
	t.Setenv("NIX_REMOTE", "")
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	file := filepath.Join(dir, "ifd.nix")
	if err := os.WriteFile(file, []byte(ifdNix), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string, string) {
		all := append([]string{"nix-instantiate", "--store", root, "--option", "sandbox-paths", "/bin/sh=" + bbBinary}, args...)
		var stdout, stderr bytes.Buffer
		code := Main(all, strings.NewReader(""), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}

	// Read-only mode with nothing built: the .drv is not even in the store.
	code, _, stderr := run("--eval", file, "-A", "value")
	if code != 1 || !strings.Contains(stderr, "-gen.drv' is not valid") {
		t.Fatalf("read-only before anything was built: exit %d\n%s", code, stderr)
	}
	// Forbidden.
	code, _, stderr = run("--option", "allow-import-from-derivation", "false", "--eval", "--read-write-mode", file, "-A", "value")
	if code != 1 || !strings.Contains(stderr, "-gen.drv^out' during evaluation because the option 'allow-import-from-derivation' is disabled") {
		t.Fatalf("with IFD disabled: exit %d\n%s", code, stderr)
	}
	// Read-only mode with the .drv written but not built.
	if code, _, stderr = run(file, "-A", "gen"); code != 0 {
		t.Fatalf("instantiating gen: exit %d\n%s", code, stderr)
	}
	code, _, stderr = run("--eval", file, "-A", "value")
	if code != 1 || !strings.Contains(stderr, "cannot substitute path '/nix/store/") || !strings.Contains(stderr, "-gen' - no write access to the Nix store") {
		t.Fatalf("read-only, not built: exit %d\n%s", code, stderr)
	}
	// Read-write mode builds it.
	code, stdout, stderr := run("--eval", "--read-write-mode", file, "-A", "value")
	if code != 0 || stdout != "42\n" || !strings.Contains(stderr, "building '/nix/store/") {
		t.Fatalf("read-write: exit %d\nstdout %q\n%s", code, stdout, stderr)
	}
	// Now read-only mode reads what was built, and instantiating uses it.
	if code, stdout, stderr = run("--eval", file, "-A", "value"); code != 0 || stdout != "42\n" {
		t.Fatalf("read-only after the build: exit %d\nstdout %q\n%s", code, stdout, stderr)
	}
	if code, stdout, stderr = run(file, "-A", "use"); code != 0 || !strings.HasSuffix(strings.TrimSpace(stdout), "-use-42.drv") {
		t.Fatalf("instantiating use: exit %d\nstdout %q\n%s", code, stdout, stderr)
	}
}
