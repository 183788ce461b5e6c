package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairn-nix/cairn/storepath"
)

// benchTree writes a tree of about 256 MiB: 32 directories of 64 files
// of random sizes up to 256 KiB (incompressible), plus symlinks. It is
// kept in $CAIRN_BENCH_TREE when that is set, so that other tools can
// hash the same bytes (see the report's comparison with sha256sum and
// nix-hash).
func benchTree(b *testing.B) string {
	b.Helper()
	dir := os.Getenv("CAIRN_BENCH_TREE")
	if dir == "" {
		dir = filepath.Join(b.TempDir(), "tree")
	} else if _, err := os.Stat(filepath.Join(dir, "d31")); err == nil {
		return dir
	}
	rng := rand.New(rand.NewPCG(42, 42))
	buf := make([]byte, 512<<10)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	for d := 0; d < 32; d++ {
		sub := filepath.Join(dir, fmt.Sprintf("d%02d", d))
		must(b, os.MkdirAll(sub, 0o755))
		for f := 0; f < 64; f++ {
			off := rng.IntN(len(buf) / 2)
			must(b, os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%02d", f)), buf[off:off+rng.IntN(len(buf)/2)], 0o644))
		}
		must(b, os.Symlink("f00", filepath.Join(sub, "link")))
	}
	return dir
}

// BenchmarkHashNAR hashes the NAR of a large tree with sha256, as
// `nix-hash --type sha256 DIR` does; MB/s counts NAR bytes.
func BenchmarkHashNAR(b *testing.B) {
	dir := benchTree(b)
	_, size, err := hashNAR(dir)
	must(b, err)
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := hashNAR(dir); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddPath adds the large tree to a fresh store each time: hash,
// copy under a temporary name, canonicalise, rename, register.
func BenchmarkAddPath(b *testing.B) {
	dir := benchTree(b)
	_, size, err := hashNAR(dir)
	must(b, err)
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		s := newStore(b)
		b.StartTimer()
		if _, err := s.AddPath(dir, "tree", storepath.NAR); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}
