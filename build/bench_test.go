package build_test

import (
	"fmt"
	"testing"

	"github.com/cairn-nix/cairn/build"
)

// BenchmarkTrivialBuilds realises b.N independent derivations that each
// write one line, sandboxed, with -j 2: the per-build overhead.
func BenchmarkTrivialBuilds(b *testing.B) {
	e := newEnv(b, false)
	drvs := e.instantiate(fmt.Sprintf(`builtins.genList (i: sh "t${toString i}" "echo ${toString i} > $out" {}) %d`, b.N))
	o := build.DefaultOptions()
	o.MaxJobs = 2
	b.ResetTimer()
	if _, err := build.New(e.st, o).Realise(targets(drvs)); err != nil {
		b.Fatal(err)
	}
}
