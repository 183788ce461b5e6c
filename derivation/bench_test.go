package derivation_test

import (
	"strconv"
	"testing"

	"github.com/cairn-nix/cairn/derivation"
	"github.com/cairn-nix/cairn/storepath"
)

// BenchmarkInstantiateChain does per derivation what derivationStrict
// does after reading the attributes: output paths from the hash modulo,
// the .drv path, and the memoized hash for dependents.
func BenchmarkInstantiateChain(b *testing.B) {
	var dir storepath.Dir
	b.ReportAllocs()
	for b.Loop() {
		h := &derivation.Hasher{Dir: dir}
		var prev []storepath.StorePath
		for i := range 1000 {
			s := strconv.Itoa(i)
			d := &derivation.Derivation{
				Name: "pkg-" + s, Platform: "x86_64-linux", Builder: "/bin/sh",
				Args:    []string{"-c", "echo " + s + " > $out"},
				Env:     map[string]string{"name": "pkg-" + s, "builder": "/bin/sh", "system": "x86_64-linux", "version": "1." + s, "out": ""},
				Outputs: map[string]derivation.Output{"out": {Kind: derivation.Deferred}},
			}
			for _, p := range prev {
				d.InputDrvs = append(d.InputDrvs, derivation.InputDrv{Path: p, OutputSet: derivation.OutputSet{Outputs: []string{"out"}}})
			}
			if err := h.FillInOutputPaths(d); err != nil {
				b.Fatal(err)
			}
			p, err := d.StorePath(dir)
			if err != nil {
				b.Fatal(err)
			}
			if err := h.Remember(p, d); err != nil {
				b.Fatal(err)
			}
			prev = append(prev[:0], p)
		}
	}
}
