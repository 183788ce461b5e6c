package nar

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairn-nix/cairn/internal/testshared"
)

// sharedDir finds ../shared/conformance/<sub> from the working directory
// upwards; "" when absent.
func sharedDir(sub string) string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, "..", "shared", "conformance", sub)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// vectorDir finds ../shared/conformance/nix-store-data/<sub>, skipping
// the test when it is absent.
func vectorDir(t testing.TB, sub string) string {
	t.Helper()
	return testshared.StoreVector(t, sub)
}

// raw encodes strings in NAR form, for hand-made archives.
func raw(ss ...string) []byte {
	var b bytes.Buffer
	for _, s := range ss {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		b.Write(n[:])
		b.WriteString(s)
		b.Write(make([]byte, padLen(uint64(len(s)))))
	}
	return b.Bytes()
}

// node is a tree for building test NARs.
type node struct {
	typ      Type
	contents string
	exec     bool
	target   string
	entries  map[string]*node
}

func file(s string) *node          { return &node{typ: TypeRegular, contents: s} }
func exe(s string) *node           { return &node{typ: TypeRegular, contents: s, exec: true} }
func link(t string) *node          { return &node{typ: TypeSymlink, target: t} }
func dir(e map[string]*node) *node { return &node{typ: TypeDirectory, entries: e} }

// encode writes n with Writer, visiting entries in sorted order.
func encode(t testing.TB, n *node) []byte {
	t.Helper()
	var b bytes.Buffer
	w := NewWriter(&b)
	var walk func(p string, n *node)
	walk = func(p string, n *node) {
		h := &Header{Path: p, Type: n.typ, Executable: n.exec, Size: int64(len(n.contents)), LinkTarget: n.target}
		if err := w.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if n.typ == TypeRegular {
			if _, err := io.WriteString(w, n.contents); err != nil {
				t.Fatal(err)
			}
		}
		for _, name := range sortedKeys(n.entries) {
			c := "/" + name
			if p != "/" {
				c = p + "/" + name
			}
			walk(c, n.entries[name])
		}
	}
	walk("/", n)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sortedKeys(m map[string]*node) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Byte order, as NARs need.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// decodeAll reads a NAR to the end, draining (or skipping) contents.
func decodeAll(data []byte, drain bool) ([]Header, [][]byte, *Reader, error) {
	r := NewReader(bytes.NewReader(data))
	var hs []Header
	var bodies [][]byte
	for {
		h, err := r.Next()
		if err == io.EOF {
			return hs, bodies, r, nil
		}
		if err != nil {
			return hs, bodies, r, err
		}
		hs = append(hs, *h)
		if drain && h.Type == TypeRegular {
			b, err := io.ReadAll(r)
			if err != nil {
				return hs, bodies, r, err
			}
			bodies = append(bodies, b)
		}
	}
}
