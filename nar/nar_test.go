package nar

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

var complexTree = dir(map[string]*node{
	"foo": file("hello\n\x00\n\tworld!"),
	"bar": dir(map[string]*node{
		"baz":  exe("good day,\n\x00\n\tworld!"),
		"quux": link("/over/there"),
	}),
	"empty": dir(nil),
	"zero":  file(""),
	"seven": file("1234567"),
	"eight": exe("12345678"),
	"a-b":   file("dash sorts before slash"),
	"a":     dir(map[string]*node{"x": file("x")}),
})

// Hand-made archives the Reader must refuse, with the message expected.
func TestReaderErrors(t *testing.T) {
	reg := func(extra ...string) []byte {
		return raw(append([]string{magic, "(", "type", "regular"}, extra...)...)
	}
	entry := func(name string, node ...string) []string {
		return append(append([]string{"entry", "(", "name", name, "node"}, node...), ")")
	}
	fileNode := []string{"(", "type", "regular", "contents", "x", ")"}
	dirNAR := func(entries ...[]string) []byte {
		ss := []string{magic, "(", "type", "directory"}
		for _, e := range entries {
			ss = append(ss, e...)
		}
		return raw(append(ss, ")")...)
	}
	long := strings.Repeat("n", MaxNameLen+1)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty input", nil, "input doesn't look like a Nix archive"},
		{"bad magic", raw("nix-archive-2"), "input doesn't look like a Nix archive"},
		{"long magic", raw("nix-archive-1x"), "input doesn't look like a Nix archive"},
		{"no root", raw(magic), "unexpected end of archive in length of tag"},
		{"bad open", raw(magic, "["), "expected tag '(', got '['"},
		{"unknown type", raw(magic, "(", "type", "fifo", ")"), "unknown file type 'fifo'"},
		{"long tag", raw(magic, "(", "type", strings.Repeat("r", 33)), "tag is too long (33 bytes, at most 32)"},
		{"executable value", reg("executable", "yes", "contents", "", ")"), "executable marker has non-empty value"},
		{"missing close", reg("contents", "x"), "unexpected end of archive in length of tag (in '/'"},
		{"truncated contents", reg("contents", "xyz")[:100], "unexpected end of archive in contents"},
		{"symlink empty", raw(magic, "(", "type", "symlink", "target", "", ")"), "invalid symlink target ''"},
		{"symlink nul", raw(magic, "(", "type", "symlink", "target", "a\x00b", ")"), `invalid symlink target 'a\x00b'`},
		{"symlink long", raw(magic, "(", "type", "symlink", "target", strings.Repeat("t", MaxTargetLen+1), ")"), "symlink target is too long (4096 bytes, at most 4095)"},
		{"symlink no target", raw(magic, "(", "type", "symlink", ")"), "expected tag 'target', got ')'"},
		{"unsorted", dirNAR(entry("b", fileNode...), entry("a", fileNode...)), "NAR directory is not sorted: 'a' after 'b' (in '/'"},
		{"duplicate", dirNAR(entry("a", fileNode...), entry("a", fileNode...)), "NAR directory is not sorted: duplicate entry 'a'"},
		{"long name", dirNAR(entry(long, fileNode...)), "file name is too long (256 bytes, at most 255)"},
		{"bad entry tag", dirNAR([]string{"entri"}), "expected tag 'entry' or ')', got 'entri'"},
		{"entry not closed", raw(magic, "(", "type", "directory", "entry", "(", "name", "a", "node", "(", "type", "regular", "contents", "", ")", "entry"), "expected tag ')', got 'entry' (in '/'"},
		{"nested bad name", dirNAR(entry("d", "(", "type", "directory", "entry", "(", "name", "..", "node")), "invalid file name '..' (in '/d'"},
		{"bad padding in name", func() []byte {
			b := dirNAR(entry("a", fileNode...))
			i := bytes.Index(b, []byte("a\x00\x00\x00\x00\x00\x00\x00"))
			b[i+3] = 1
			return b
		}(), "non-zero padding after file name"},
	}
	for _, tc := range tests {
		for _, drain := range []bool{false, true} {
			_, _, _, err := decodeAll(tc.data, drain)
			var ne *Error
			if err == nil || !errors.As(err, &ne) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s (drain=%v): error %v, want %q", tc.name, drain, err, tc.want)
			}
		}
	}
}

// nested builds a NAR with depth directories around a file.
func nested(depth int) []byte {
	ss := []string{magic}
	for i := 0; i < depth; i++ {
		ss = append(ss, "(", "type", "directory", "entry", "(", "name", "d", "node")
	}
	ss = append(ss, "(", "type", "regular", "contents", "", ")")
	for i := 0; i < depth; i++ {
		ss = append(ss, ")", ")")
	}
	return raw(ss...)
}

func TestDepthLimit(t *testing.T) {
	if _, _, _, err := decodeAll(nested(MaxDepth-1), true); err != nil {
		t.Errorf("depth %d: %v", MaxDepth-1, err)
	}
	if _, _, _, err := decodeAll(nested(MaxDepth), true); err == nil || !strings.Contains(err.Error(), "exceeds maximum depth of 64") {
		t.Errorf("depth %d: %v", MaxDepth, err)
	}
	// The Writer refuses what the Reader would.
	var b bytes.Buffer
	w := NewWriter(&b)
	p := "/"
	w.WriteHeader(&Header{Path: p, Type: TypeDirectory})
	for i := 1; i < MaxDepth; i++ {
		p = strings.TrimSuffix(p, "/") + "/d"
		if err := w.WriteHeader(&Header{Path: p, Type: TypeDirectory}); err != nil {
			t.Fatalf("depth %d: %v", i, err)
		}
	}
	if err := w.WriteHeader(&Header{Path: p + "/f", Type: TypeRegular}); err == nil {
		t.Error("Writer wrote a node at depth 64")
	}
}

func TestRoundTrip(t *testing.T) {
	data := encode(t, complexTree)
	hs, bodies, _, err := decodeAll(data, true)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, h := range hs {
		paths = append(paths, h.Path)
	}
	want := "/ /a /a/x /a-b /bar /bar/baz /bar/quux /eight /empty /foo /seven /zero"
	if strings.Join(paths, " ") != want {
		t.Errorf("order %s", strings.Join(paths, " "))
	}
	if len(bodies) != 7 || string(bodies[2]) != "good day,\n\x00\n\tworld!" {
		t.Errorf("bodies %q", bodies)
	}
	var out bytes.Buffer
	if n, err := Copy(&out, bytes.NewReader(data)); err != nil || n != int64(len(data)) || !bytes.Equal(out.Bytes(), data) {
		t.Errorf("Copy: %d %v", n, err)
	}
	// Random trees round-trip too.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 50; i++ {
		data := encode(t, randomTree(rng, 0))
		out.Reset()
		if _, err := Copy(&out, bytes.NewReader(data)); err != nil || !bytes.Equal(out.Bytes(), data) {
			t.Fatalf("random tree %d: %v", i, err)
		}
	}
}

func randomTree(rng *rand.Rand, depth int) *node {
	switch k := rng.IntN(4); {
	case k == 0 && depth < 5:
		entries := map[string]*node{}
		for j := rng.IntN(6); j > 0; j-- {
			name := string(rune('a'+rng.IntN(5))) + strings.Repeat(".", rng.IntN(2))
			entries[name] = randomTree(rng, depth+1)
		}
		return dir(entries)
	case k == 1:
		return link(strings.Repeat("t", 1+rng.IntN(20)))
	default:
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		n := file(string(b))
		n.exec = rng.IntN(2) == 0
		return n
	}
}

func TestWriterErrors(t *testing.T) {
	type step struct {
		h    *Header
		body string
	}
	d := func(p string) step { return step{h: &Header{Path: p, Type: TypeDirectory}} }
	f := func(p string, size int64, body string) step {
		return step{h: &Header{Path: p, Type: TypeRegular, Size: size}, body: body}
	}
	tests := []struct {
		name  string
		steps []step
		want  string
	}{
		{"no root", nil, "no root node written"},
		{"root not first", []step{d("/a")}, "the first node must be the root"},
		{"unsorted", []step{d("/"), f("/b", 0, ""), f("/a", 0, "")}, "increasing byte order of name"},
		{"duplicate", []step{d("/"), d("/a"), d("/a")}, "'a' after 'a'"},
		{"dot", []step{d("/"), f("/.", 0, "")}, "not a canonical path"},
		{"dotdot", []step{d("/"), f("/x/..", 0, "")}, "not a canonical path"},
		{"trailing slash", []step{d("/"), f("/x/", 0, "")}, "not a canonical path"},
		{"relative", []step{d("/"), f("x", 0, "")}, "not a canonical path"},
		{"nul", []step{d("/"), f("/a\x00", 0, "")}, `invalid file name 'a\x00'`},
		{"long name", []step{d("/"), f("/"+strings.Repeat("n", 256), 0, "")}, "file name"},
		{"closed parent", []step{d("/"), d("/a"), f("/b", 0, ""), f("/a/x", 0, "")}, "parent '/a' is not an open directory"},
		{"file parent", []step{d("/"), f("/a", 0, ""), f("/a/x", 0, "")}, "parent '/a' is not an open directory"},
		{"missing parent", []step{d("/"), f("/a/x", 0, "")}, "parent '/a' is not an open directory"},
		{"after root file", []step{f("/", 0, ""), f("/x", 0, "")}, "parent '/' is not an open directory"},
		{"short contents", []step{f("/", 3, "ab")}, "wrote 2 of the 3 bytes"},
		{"long contents", []step{f("/", 1, "ab")}, "contents longer than the declared size 1"},
		{"bad target", []step{{h: &Header{Path: "/", Type: TypeSymlink}}}, "invalid symlink target ''"},
		{"bad type", []step{{h: &Header{Path: "/"}}}, "invalid node type 0"},
		{"negative size", []step{f("/", -1, "")}, "negative size"},
	}
	for _, tc := range tests {
		w := NewWriter(io.Discard)
		var err error
		for _, s := range tc.steps {
			if err = w.WriteHeader(s.h); err != nil {
				break
			}
			if s.body != "" {
				if _, err = io.Copy(w, strings.NewReader(s.body)); err != nil {
					break
				}
			}
		}
		if err == nil {
			err = w.Close()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	// Write with a plain slice, not ReadFrom.
	w := NewWriter(io.Discard)
	w.WriteHeader(&Header{Path: "/", Type: TypeRegular, Size: 1})
	if _, err := w.Write([]byte("ab")); err == nil {
		t.Error("Write past the size succeeded")
	}
	if _, err := NewWriter(io.Discard).Write([]byte("a")); err == nil {
		t.Error("Write before a header succeeded")
	}
}

// writeTree makes n on disk at p.
func writeTree(t *testing.T, p string, n *node) {
	t.Helper()
	switch n.typ {
	case TypeRegular:
		mode := os.FileMode(0o644)
		if n.exec {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(n.contents), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
	case TypeSymlink:
		if err := os.Symlink(n.target, p); err != nil {
			t.Fatal(err)
		}
	case TypeDirectory:
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, c := range n.entries {
			writeTree(t, filepath.Join(p, name), c)
		}
	}
}

func TestDumpPathAndRestore(t *testing.T) {
	tmp := t.TempDir()
	src := filepath.Join(tmp, "src")
	writeTree(t, src, complexTree)
	var b bytes.Buffer
	if err := DumpPath(&b, src); err != nil {
		t.Fatal(err)
	}
	want := encode(t, complexTree)
	if !bytes.Equal(b.Bytes(), want) {
		t.Fatal("DumpPath differs from the Writer's NAR of the same tree")
	}
	dst := filepath.Join(tmp, "dst")
	if err := Restore(bytes.NewReader(want), dst); err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if err := DumpPath(&b, dst); err != nil || !bytes.Equal(b.Bytes(), want) {
		t.Fatalf("restored tree dumps differently: %v", err)
	}
	fi, err := os.Stat(filepath.Join(dst, "bar", "baz"))
	if err != nil || fi.Mode().Perm()&0o111 != 0o111 {
		t.Errorf("executable restored as %v, %v", fi.Mode(), err)
	}
	if err := Restore(bytes.NewReader(want), dst); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("restore over an existing path: %v", err)
	}
	// Roots that are a file and a symlink.
	for name, n := range map[string]*node{"file": exe("x"), "link": link("../elsewhere")} {
		p := filepath.Join(tmp, name)
		data := encode(t, n)
		if err := Restore(bytes.NewReader(data), p); err != nil {
			t.Fatal(err)
		}
		b.Reset()
		if err := DumpPath(&b, p); err != nil || !bytes.Equal(b.Bytes(), data) {
			t.Errorf("%s root: %v", name, err)
		}
	}
	// DumpFS agrees on an in-memory tree.
	mfs := fstest.MapFS{
		"t/foo":      {Data: []byte("hello\n\x00\n\tworld!"), Mode: 0o644},
		"t/bar/baz":  {Data: []byte("good day,\n\x00\n\tworld!"), Mode: 0o755},
		"t/bar/quux": {Data: []byte("/over/there"), Mode: os.ModeSymlink},
	}
	b.Reset()
	if err := DumpFS(&b, mfs, "t"); err != nil {
		t.Fatal(err)
	}
	sub := dir(map[string]*node{"foo": complexTree.entries["foo"], "bar": complexTree.entries["bar"]})
	if !bytes.Equal(b.Bytes(), encode(t, sub)) {
		t.Error("DumpFS differs from the Writer's NAR")
	}
}

// A bad NAR leaves nothing behind: no destination, no temporary files.
func TestRestoreAllOrNothing(t *testing.T) {
	good := encode(t, complexTree)
	bad := [][]byte{
		good[:len(good)-8], // last ")" missing
		nested(MaxDepth),
		append(append([]byte(nil), good[:len(good)/2]...), bytes.Repeat([]byte{0xff}, 64)...),
	}
	if d := sharedDir("nix-store-data/libutil-tests/data/nars"); d != "" {
		for name := range invalidNARs {
			data, err := os.ReadFile(filepath.Join(d, name+".nar"))
			if err != nil {
				t.Fatal(err)
			}
			bad = append(bad, data)
		}
	}
	for i, data := range bad {
		parent := t.TempDir()
		dst := filepath.Join(parent, "out")
		if err := Restore(bytes.NewReader(data), dst); err == nil {
			t.Errorf("case %d: restored a bad NAR", i)
		}
		left, _ := os.ReadDir(parent)
		if len(left) != 0 {
			t.Errorf("case %d: left %v behind", i, left)
		}
	}
}

// A NAR cannot place anything outside the destination, even with a
// symlink named like a directory it later writes into.
func TestRestoreContained(t *testing.T) {
	parent := t.TempDir()
	escape := raw(magic, "(", "type", "directory",
		"entry", "(", "name", "a", "node", "(", "type", "symlink", "target", parent, ")", ")",
		"entry", "(", "name", "a", "node", "(", "type", "directory",
		"entry", "(", "name", "pwned", "node", "(", "type", "regular", "contents", "x", ")", ")", ")", ")",
		")")
	if err := Restore(bytes.NewReader(escape), filepath.Join(parent, "out")); err == nil {
		t.Fatal("restored a NAR with a duplicate entry")
	}
	if _, err := os.Lstat(filepath.Join(parent, "pwned")); err == nil {
		t.Fatal("wrote outside the destination")
	}
}

func TestListingShallowAndErrors(t *testing.T) {
	l, err := List(bytes.NewReader(encode(t, complexTree)))
	if err != nil {
		t.Fatal(err)
	}
	if l.Entries["empty"].Type != TypeDirectory || len(l.Entries["empty"].Entries) != 0 || l.Entries["eight"].Size != 8 || !l.Entries["eight"].Executable {
		t.Errorf("listing %+v", l.Entries)
	}
	s := l.Shallow()
	if s.Entries["bar"].Type != 0 || l.Entries["bar"].Type != TypeDirectory {
		t.Error("Shallow changed the original or did not flatten")
	}
	for _, bad := range []string{`{"type":"fifo"}`, `{"type":"directory"}`, `{"type":"symlink"}`, `{"size":3}`, `{"type":"directory","entries":{"a":null}}`} {
		var l Listing
		if err := l.UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("listing %s accepted", bad)
		}
	}
}
