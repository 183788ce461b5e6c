package nar

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzNARReader: the Reader never panics; whatever it accepts re-encodes
// to exactly the bytes it consumed, and List and Copy agree with it.
func FuzzNARReader(f *testing.F) {
	if d := sharedDir("nix-store-data/libutil-tests/data/nars"); d != "" {
		files, _ := filepath.Glob(filepath.Join(d, "*.nar"))
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add(encode(f, complexTree))
	f.Add(nested(3))
	f.Add(encode(f, link("/over/there")))
	f.Add(encode(f, dir(map[string]*node{"a": dir(map[string]*node{"b": exe("c")}), "d": file("")})))
	f.Fuzz(func(t *testing.T, data []byte) {
		br := bufio.NewReader(bytes.NewReader(data))
		var out bytes.Buffer
		n, err := Copy(&out, br)
		_, _, r, derr := decodeAll(data, true)
		if (err == nil) != (derr == nil) {
			t.Fatalf("Copy error %v, decode error %v", err, derr)
		}
		if err != nil {
			return
		}
		if n != r.Offset() || !bytes.Equal(out.Bytes(), data[:n]) {
			t.Fatalf("accepted NAR re-encodes differently (%d of %d bytes)", n, r.Offset())
		}
		rest, _ := io.ReadAll(br)
		if !bytes.Equal(rest, data[n:]) {
			t.Fatalf("Copy consumed bytes after the NAR")
		}
		if _, err := List(bytes.NewReader(data)); err != nil {
			t.Fatalf("List refused an accepted NAR: %v", err)
		}
	})
}
