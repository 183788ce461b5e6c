package nar

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairn-nix/cairn/nixhash"
)

// BenchmarkDumpSHA256 measures DumpPath into a sha256 Hasher over a
// generated tree of about 64 MiB: 16 directories of 64 files from 0 to
// 128 KiB, plus symlinks. MB/s counts NAR bytes.
func BenchmarkDumpSHA256(b *testing.B) {
	root := filepath.Join(b.TempDir(), "tree")
	rng := rand.New(rand.NewPCG(7, 7))
	buf := make([]byte, 128<<10)
	for i := range buf {
		buf[i] = byte(rng.IntN(256))
	}
	for d := 0; d < 16; d++ {
		dir := filepath.Join(root, fmt.Sprintf("dir%02d", d))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		for f := 0; f < 64; f++ {
			p := filepath.Join(dir, fmt.Sprintf("file%02d", f))
			if err := os.WriteFile(p, buf[:rng.IntN(len(buf)+1)], 0o644); err != nil {
				b.Fatal(err)
			}
		}
		if err := os.Symlink("../dir00/file00", filepath.Join(dir, "link")); err != nil {
			b.Fatal(err)
		}
	}
	h := nixhash.NewHasher(nixhash.SHA256)
	if err := DumpPath(h, root); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(h.Count())
	b.ResetTimer()
	for b.Loop() {
		h := nixhash.NewHasher(nixhash.SHA256)
		if err := DumpPath(h, root); err != nil {
			b.Fatal(err)
		}
		h.Sum()
	}
}
