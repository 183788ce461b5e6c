package eval_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cairn-nix/cairn/eval"
)

// runNix evaluates a file as `nix-instantiate --eval --strict --show-trace`
// does and returns stdout, stderr and the exit code.
func runNix(t *testing.T, path string) (string, string, int) {
	var stderr strings.Builder
	ev := eval.New(nil, eval.Settings{
		ShowTrace: true,
		Home:      "/fake-home",
		Warn:      func(s string) { stderr.WriteString(s + "\n") },
		Trace:     func(s string) { stderr.WriteString(s + "\n") },
	})
	fail := func(err error) (string, string, int) {
		if e, ok := err.(*eval.Error); ok {
			stderr.WriteString(e.Render(true) + "\n")
			if e.Kind == eval.UsageErr {
				stderr.WriteString("Try 'nix-instantiate --help' for more information.\n")
			}
		} else {
			stderr.WriteString("error: " + err.Error() + "\n")
		}
		return "", stderr.String(), 1
	}
	e, err := ev.ParseFile(path, nil)
	if err != nil {
		return fail(err)
	}
	v, err := ev.Eval(e)
	if err != nil {
		return fail(err)
	}
	if err := ev.ForceDeep(v); err != nil {
		return fail(err)
	}
	out, err := ev.PrintAmbiguous(v)
	if err != nil {
		return fail(err)
	}
	return out + "\n", stderr.String(), 0
}

// TestGoldens runs testdata/lang/*.nix and compares with the outputs real
// Nix gave (recorded by scripts/record-goldens). Cases under
// testdata/notyetpassing must still fail, so a fix is noticed.
func TestGoldens(t *testing.T) {
	for _, dir := range []string{"testdata/lang", "testdata/notyetpassing"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.nix"))
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".nix")
			t.Run(name, func(t *testing.T) {
				abs, _ := filepath.Abs(f)
				base := filepath.Dir(abs) + "/"
				wantOut, err := os.ReadFile(strings.TrimSuffix(f, ".nix") + ".exp")
				if err != nil {
					t.Skip("no golden recorded")
				}
				wantErr, _ := os.ReadFile(strings.TrimSuffix(f, ".nix") + ".err.exp")
				wantCode := 0
				if c, err := os.ReadFile(strings.TrimSuffix(f, ".nix") + ".code"); err == nil {
					wantCode, _ = strconv.Atoi(strings.TrimSpace(string(c)))
				}
				out, errOut, code := runNix(t, abs)
				out = strings.ReplaceAll(out, base, "/pwd/")
				errOut = strings.ReplaceAll(errOut, base, "/pwd/")
				ok := out == string(wantOut) && errOut == string(wantErr) && code == wantCode
				if dir == "testdata/notyetpassing" {
					if ok {
						t.Errorf("%s passes now: move it to testdata/lang", name)
					}
					return
				}
				if !ok {
					t.Errorf("exit %d (want %d)\nstdout:\n%s\nwant:\n%s\nstderr:\n%s\nwant:\n%s", code, wantCode, out, wantOut, errOut, wantErr)
				}
			})
		}
	}
}
