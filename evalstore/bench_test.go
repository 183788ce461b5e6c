package evalstore_test

import (
	"os"
	"testing"

	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/evalstore"
)

// BenchmarkDerivations instantiates the shared derivations workload.
func BenchmarkDerivations(b *testing.B) {
	src, err := os.ReadFile("../../shared/bench/eval/derivations.nix")
	if err != nil {
		b.Skip("../shared not present")
	}
	for i := 0; i < b.N; i++ {
		ev, err := evalstore.New(eval.Settings{}, evalstore.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		e, err := ev.ParseString(string(src), "/")
		if err != nil {
			b.Fatal(err)
		}
		v, err := ev.Eval(e)
		if err == nil {
			err = ev.ForceDeep(v)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}
