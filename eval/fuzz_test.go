package eval_test

import (
	"os"
	"path/filepath"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/cairn-nix/cairn/eval"
)

// FuzzEval evaluates mutated expressions under a step budget, a small
// call depth, a deadline and a heap ceiling: no input may panic or hang.
// Seeds: Nix's language suite (when ../shared is present) and testdata.
func FuzzEval(f *testing.F) {
	for _, pat := range []string{"../../shared/conformance/nix-lang/eval-*.nix", "testdata/lang/*.nix"} {
		files, _ := filepath.Glob(pat)
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil && len(b) < 4096 {
				f.Add(string(b))
			}
		}
	}
	f.Add(`let f = n: if n < 2 then n else f (n - 1) + f (n - 2); in f 10`)
	f.Fuzz(func(t *testing.T, src string) {
		deadline := time.Now().Add(2 * time.Second)
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		ev := eval.New(nil, eval.Settings{
			MaxSteps:     200000,
			MaxCallDepth: 200,
			MaxListSize:  1 << 20,
			PureEval:     true,
			Interrupt: func() bool {
				metrics.Read(sample)
				return time.Now().After(deadline) || sample[0].Value.Uint64() > 1<<30
			},
		})
		e, err := ev.ParseString(src, "/fuzz")
		if err != nil {
			return
		}
		v, err := ev.Eval(e)
		if err == nil {
			err = ev.ForceDeep(v)
		}
		if err == nil {
			_, _ = ev.PrintAmbiguous(v)
			_, _ = ev.ToJSON(v, true)
		} else if ee, ok := err.(*eval.Error); ok {
			_ = ee.Render(true)
		}
	})
}
