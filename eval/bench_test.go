package eval_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cairn-nix/cairn/eval"
)

// benchEval evaluates src (deeply) b.N times in fresh evaluators.
func benchEval(b *testing.B, src string) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ev := eval.New(nil, eval.Settings{})
		e, err := ev.ParseString(src, "/")
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

func BenchmarkFib(b *testing.B) {
	benchEval(b, `let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 22`)
}

func BenchmarkAttrsets(b *testing.B) {
	benchEval(b, `let n = 20000; big = builtins.listToAttrs (builtins.genList (i: { name = "k${toString i}"; value = i; }) n); in builtins.foldl' (a: k: a + big.${k}) 0 (builtins.attrNames big)`)
}

func BenchmarkLists(b *testing.B) {
	benchEval(b, `builtins.length (builtins.sort builtins.lessThan (builtins.genList (i: (i * 7919) - (i / 3 * 3)) 20000))`)
}

func BenchmarkRecLet(b *testing.B) {
	benchEval(b, `let f = x: rec { a = x; b = a + 1; c = { inherit a b; d = c.a; }; }; in builtins.genList (i: (f i).c.d) 20000`)
}

// BenchmarkSharedBench runs ../shared/bench/eval workloads when present.
func BenchmarkSharedBench(b *testing.B) {
	files, _ := filepath.Glob("../../shared/bench/eval/*.nix")
	for _, f := range files {
		if filepath.Base(f) == "derivations.nix" {
			continue // needs the store builtins: evalstore's BenchmarkDerivations
		}
		src, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		b.Run(filepath.Base(f), func(b *testing.B) { benchEval(b, string(src)) })
	}
}
