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

// BenchmarkHotPaths times the paths the evaluator has fast versions of,
// one sub-benchmark each.
func BenchmarkHotPaths(b *testing.B) {
	for _, c := range []struct{ name, src string }{
		// Builtins calling one function many times (repeatedCall).
		{"foldl", `builtins.foldl' (acc: x: if x < acc then x else acc) 100000 (builtins.genList (i: 50000 - i) 50000)`},
		{"filter", `builtins.length (builtins.filter (x: x - x / 3 * 3 == 0) (builtins.genList (i: i) 50000))`},
		{"sort", `builtins.head (builtins.sort (a: b: a < b) (builtins.genList (i: (i * 7919) - (i / 3) * 23456) 20000))`},
		// Calls of one argument with arithmetic arguments (thunk and
		// environment reuse).
		{"calls", `let f = n: if n < 1 then 0 else 1 + f (n - 1); in builtins.genList (i: f 50) 2000`},
		// Chains of // over a big set (layers and their collapse).
		{"updates", `let base = builtins.listToAttrs (builtins.genList (i: { name = "a${toString i}"; value = i; }) 5000); in builtins.length (builtins.attrNames (builtins.foldl' (s: i: s // { "a${toString (i * 3)}" = i; }) base (builtins.genList (i: i) 2000)))`},
		// Module-style merging.
		{"zipAttrsWith", `builtins.attrNames (builtins.zipAttrsWith (n: vs: builtins.length vs) (builtins.genList (i: { "k${toString (i / 10)}" = i; x = i; }) 20000))`},
		// String interpolation with toString.
		{"interpolation", `builtins.stringLength (builtins.concatStringsSep "," (builtins.genList (i: "k${toString i}-${toString (i * 2)}") 30000))`},
		// fromJSON of many small objects.
		{"fromJSON", `builtins.length (builtins.fromJSON (builtins.toJSON (builtins.genList (i: { id = i; tags = [ "a" (toString i) ]; }) 20000)))`},
	} {
		b.Run(c.name, func(b *testing.B) { benchEval(b, c.src) })
	}
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
