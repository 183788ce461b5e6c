package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestSweepsMatchNix evaluates the expression sweeps in
// testdata/sweeps (each pure builtin on one and two arguments of
// assorted types; each operator and construct on operands of assorted
// types; assorted values in each output format) and compares exit code, stdout and stderr with real Nix's,
// recorded by scripts/record-sweeps.
func TestSweepsMatchNix(t *testing.T) {
	for _, sweep := range []struct {
		name string
		min  int
	}{{"builtins", 5000}, {"operators", 2780}, {"traces", 2780}, {"output", 340}, {"strings", 750}, {"flakerefs", 900}} {
		t.Run(sweep.name, func(t *testing.T) { checkSweep(t, "testdata/sweeps/"+sweep.name+".json.gz", sweep.min) })
	}
}

func checkSweep(t *testing.T, file string, min int) {
	zr := openGzip(t, file)
	var cases []struct {
		Flags          []string
		Expr           string
		Code           int
		Stdout, Stderr string
	}
	if err := json.NewDecoder(zr).Decode(&cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < min {
		t.Fatalf("only %d cases", len(cases))
	}
	nixTestEnv(t, "")
	failed := 0
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		args := append(append([]string{"nix-instantiate"}, c.Flags...), "-E", c.Expr)
		code := Main(args, strings.NewReader(""), &stdout, &stderr)
		if code != c.Code || stdout.String() != c.Stdout || stderr.String() != c.Stderr {
			failed++
			if failed <= 10 {
				t.Errorf("%s %s: exit %d, stdout:\n%s\nstderr:\n%s\nreal Nix: exit %d, stdout:\n%s\nstderr:\n%s",
					strings.Join(c.Flags, " "), c.Expr, code, stdout.String(), stderr.String(), c.Code, c.Stdout, c.Stderr)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d expressions differ from real Nix", failed, len(cases))
	}
}
