// Package goldentest runs the differential golden tests of the
// evaluator: testdata/lang/*.nix evaluated as
// `nix-instantiate --eval --strict --show-trace` does, compared with the
// outputs real Nix gave (recorded by scripts/record-goldens). Cases in
// testdata/notyetpassing must still fail, so that a fix is noticed. It is
// for tests only; it imports eval, never the packages that use it.
package goldentest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cairn-nix/cairn/eval"
)

// NewEvaluator makes the evaluator for one case from base settings.
type NewEvaluator func(s eval.Settings) (*eval.Evaluator, error)

// Run runs every case under testdata/lang and testdata/notyetpassing.
func Run(t *testing.T, newEval NewEvaluator) {
	for _, dir := range []string{"testdata/lang", "testdata/notyetpassing"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.nix"))
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".nix")
			stem := strings.TrimSuffix(f, ".nix")
			t.Run(name, func(t *testing.T) {
				wantOut, err := os.ReadFile(stem + ".exp")
				if err != nil {
					t.Skip("no golden recorded")
				}
				wantErr, _ := os.ReadFile(stem + ".err.exp")
				wantCode := 0
				if c, err := os.ReadFile(stem + ".code"); err == nil {
					wantCode, _ = strconv.Atoi(strings.TrimSpace(string(c)))
				}
				abs, _ := filepath.Abs(f)
				base := filepath.Dir(abs) + "/"
				out, errOut, code := evalFile(t, newEval, abs)
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

// evalFile returns stdout, stderr and the exit code of evaluating path.
func evalFile(t *testing.T, newEval NewEvaluator, path string) (string, string, int) {
	var stderr strings.Builder
	ev, err := newEval(eval.Settings{
		ShowTrace: true,
		Home:      "/fake-home",
		Warn:      func(s string) { stderr.WriteString(s + "\n") },
		Trace:     func(s string) { stderr.WriteString(s + "\n") },
	})
	if err != nil {
		t.Fatal(err)
	}
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
