package nar

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// Invalid NARs from libutil-tests/data/nars and the message Nix's
// archive.cc test expects (we prefix the same text); files not listed
// here must be valid.
var invalidNARs = map[string]string{
	"invalid-tag-instead-of-contents":   "bad archive: expected tag 'contents', got 'AAAAAAAA'",
	"nul-character":                     "bad archive: NAR contains invalid file name 'f",
	"dot":                               "bad archive: NAR contains invalid file name '.'",
	"dotdot":                            "bad archive: NAR contains invalid file name '..'",
	"slash":                             "bad archive: NAR contains invalid file name 'x/y'",
	"empty":                             "bad archive: NAR contains invalid file name ''",
	"executable-after-contents":         "bad archive: expected tag ')', got 'executable'",
	"name-after-node":                   "bad archive: expected tag 'name'",
	"regular-one-byte-non-zero-padding": "non-zero padding",
	// Nix runs out of input; we refuse the impossible size first.
	"regular-truncated-large-contents": "file size 18446744073709551615 is too large",
	"regular-truncated-padding":        "unexpected end of archive",
}

func TestNARVectors(t *testing.T) {
	dir := vectorDir(t, "libutil-tests/data/nars")
	files, err := filepath.Glob(filepath.Join(dir, "*.nar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no NAR vectors in %s", dir)
	}
	seen := 0
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".nar")
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, bad := invalidNARs[name]
		if bad {
			seen++
		}
		for _, drain := range []bool{false, true} {
			_, _, _, err := decodeAll(data, drain)
			if !bad {
				if err != nil {
					t.Errorf("%s (drain=%v): %v", name, drain, err)
				}
				continue
			}
			var ne *Error
			if err == nil || !errors.As(err, &ne) || !strings.Contains(err.Error(), want) {
				t.Errorf("%s (drain=%v): error %v, want %q", name, drain, err, want)
			}
			if name == "regular-truncated-padding" && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("%s: %v is not io.ErrUnexpectedEOF", name, err)
			}
		}
		if bad {
			if _, err := List(bytes.NewReader(data)); err == nil {
				t.Errorf("%s: List accepted it", name)
			}
			if _, err := Copy(io.Discard, bytes.NewReader(data)); err == nil {
				t.Errorf("%s: Copy accepted it", name)
			}
			continue
		}
		// Valid: byte-for-byte round trip.
		var out bytes.Buffer
		n, err := Copy(&out, bytes.NewReader(data))
		if err != nil || n != int64(len(data)) || !bytes.Equal(out.Bytes(), data) {
			t.Errorf("%s: round trip gave %d bytes, %v", name, n, err)
		}
	}
	if seen != len(invalidNARs) {
		t.Errorf("found %d of the %d invalid NAR vectors", seen, len(invalidNARs))
	}
}

// The one valid vector: a one-byte file; trailing bytes stay unread.
func TestOneByteNAR(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(vectorDir(t, "libutil-tests/data/nars"), "regular-one-byte-zero-padding.nar"))
	if err != nil {
		t.Fatal(err)
	}
	hs, bodies, r, err := decodeAll(data, true)
	if err != nil || len(hs) != 1 || hs[0].Type != TypeRegular || hs[0].Size != 1 || string(bodies[0]) != "x" {
		t.Fatalf("decoded %+v %q %v", hs, bodies, err)
	}
	if r.Offset() != int64(len(data)) {
		t.Errorf("consumed %d of %d bytes", r.Offset(), len(data))
	}
	for _, drain := range []bool{false, true} {
		br := bufio.NewReader(io.MultiReader(bytes.NewReader(data), strings.NewReader("sentinel")))
		nr := NewReader(br)
		for {
			_, err := nr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if drain {
				io.Copy(io.Discard, nr)
			}
		}
		rest, _ := io.ReadAll(br)
		if string(rest) != "sentinel" || nr.Offset() != int64(len(data)) {
			t.Errorf("drain=%v: left %q after the NAR, offset %d", drain, rest, nr.Offset())
		}
	}
}

// sourceNode reads the memory-source-accessor JSON form into a node.
func sourceNode(t *testing.T, v map[string]any) *node {
	switch v["type"] {
	case "regular":
		n := file(v["contents"].(string))
		n.exec, _ = v["executable"].(bool)
		return n
	case "symlink":
		return link(v["target"].(string))
	case "directory":
		entries := map[string]*node{}
		for name, e := range v["entries"].(map[string]any) {
			entries[name] = sourceNode(t, e.(map[string]any))
		}
		return dir(entries)
	}
	t.Fatalf("unknown type %v", v["type"])
	return nil
}

func readJSON(t *testing.T, dir, name string) ([]byte, map[string]any) {
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return data, v
}

func clearOffsets(l *Listing) {
	l.NarOffset = 0
	for _, e := range l.Entries {
		clearOffsets(e)
	}
}

// TestListingVectors: the NAR of memory-source-accessor/complex.json (Nix's
// exampleComplex) lists as nar-listing/deep.json and, shallowly, as
// shallow.json, byte for byte.
func TestListingVectors(t *testing.T) {
	_, complex := readJSON(t, vectorDir(t, "libutil-tests/data/memory-source-accessor"), "complex.json")
	data := encode(t, sourceNode(t, complex))
	listing, err := List(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	// Offsets point at the contents.
	for name, want := range map[string]string{"foo": "hello\n\x00\n\tworld!"} {
		e := listing.Entries[name]
		if got := string(data[e.NarOffset : e.NarOffset+e.Size]); got != want {
			t.Errorf("%s at offset %d: %q", name, e.NarOffset, got)
		}
	}
	clearOffsets(listing) // Nix made the vectors from memory, with no offsets.

	listDir := vectorDir(t, "libutil-tests/data/nar-listing")
	for name, l := range map[string]*Listing{"deep.json": listing, "shallow.json": listing.Shallow()} {
		want, _ := readJSON(t, listDir, name)
		got, err := json.MarshalIndent(l, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(append(got, '\n'), want) {
			t.Errorf("%s: wrote\n%s\nfile has\n%s", name, got, want)
		}
		var back Listing
		if err := json.Unmarshal(want, &back); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		again, _ := json.MarshalIndent(&back, "", "  ")
		if !bytes.Equal(again, got) {
			t.Errorf("%s: read back as\n%s", name, again)
		}
	}
	if files, _ := filepath.Glob(filepath.Join(listDir, "*.json")); len(files) != 2 {
		t.Errorf("nar-listing has %d vectors, expected 2: the set changed", len(files))
	}
}

// TestSimpleSourceVector: memory-source-accessor/simple.json is a lone
// file "asdf", the same object dummy-store/one-flat-file.json records with
// its NAR hash, size and store path.
func TestSimpleSourceVector(t *testing.T) {
	_, simple := readJSON(t, vectorDir(t, "libutil-tests/data/memory-source-accessor"), "simple.json")
	data := encode(t, sourceNode(t, simple))

	_, store := readJSON(t, vectorDir(t, "libstore-tests/data/dummy-store"), "one-flat-file.json")
	for base, obj := range store["contents"].(map[string]any) {
		obj := obj.(map[string]any)
		info := obj["info"].(map[string]any)
		own := encode(t, sourceNode(t, obj["contents"].(map[string]any)))
		if !bytes.Equal(own, data) {
			t.Errorf("one-flat-file contents differ from simple.json")
		}
		var b bytes.Buffer
		if err := DumpBytes(&b, []byte("asdf")); err != nil || !bytes.Equal(b.Bytes(), data) {
			t.Errorf("DumpBytes differs: %v", err)
		}
		if int64(len(data)) != int64(info["narSize"].(float64)) {
			t.Errorf("narSize %d, vector %v", len(data), info["narSize"])
		}
		h := nixhash.Sum(nixhash.SHA256, data)
		if h.SRI() != info["narHash"] {
			t.Errorf("narHash %s, vector %v", h.SRI(), info["narHash"])
		}
		p, err := storepath.Default.MakeFixedOutputPath("my-file", storepath.NAR, h, storepath.References{})
		if err != nil || p.String() != base {
			t.Errorf("store path %v (%v), vector %s", p, err, base)
		}
	}
}

// TestLangVectors uses the trees of Nix's language tests: eval-okay-path
// and eval-okay-toString-peel record store paths of NAR-hashed copies.
func TestLangVectors(t *testing.T) {
	lang := sharedDir("nix-lang")
	if lang == "" {
		t.Skip("nix-lang conformance data not found")
	}
	sha := func(data []byte) nixhash.Hash { return nixhash.Sum(nixhash.SHA256, data) }
	dump := func(p string) []byte {
		var b bytes.Buffer
		if err := DumpPath(&b, p); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	check := func(what string, h nixhash.Hash, m storepath.Method, name, want string) {
		p, err := storepath.Default.MakeFixedOutputPath(name, m, h, storepath.References{})
		if err != nil || storepath.Default.Print(p) != want {
			t.Errorf("%s: %s (%v), want %s", what, storepath.Default.Print(p), err, want)
		}
	}
	// builtins.path { path = ./dir1; } (recursive)
	d1 := sha(dump(filepath.Join(lang, "dir1")))
	if d1.Format(nixhash.Nix32, false) != "02vlkcjkl1rvy081n6d40qi73biv2w4b9x9biklay4ncgk77zr1f" {
		t.Errorf("NAR hash of dir1 = %s", d1.Format(nixhash.Nix32, false))
	}
	check("dir1", d1, storepath.NAR, "output", "/nix/store/a517xfygy9w2q5i3c2dbm50sw4p70b4c-output")
	// "${./dir1/a.nix}"
	check("a.nix", sha(dump(filepath.Join(lang, "dir1", "a.nix"))), storepath.NAR, "a.nix", "/nix/store/m1a49k28kbvny5dnbkymp1nia4b403q8-a.nix")
	// builtins.path { path = ./data; recursive = false; }
	flat, err := os.ReadFile(filepath.Join(lang, "data"))
	if err != nil {
		t.Fatal(err)
	}
	check("data", sha(flat), storepath.Flat, "output", "/nix/store/m7y372g6jb0g4hh1dzmj847rd356fhnz-output")
	// builtins.path { path = ./.; filter = baseNameOf path == "data"; }:
	// the root directory with just "data" in it.
	filtered := encode(t, dir(map[string]*node{"data": file(string(flat))}))
	if got := sha(filtered).Format(nixhash.Nix32, false); got != "1yhm3gwvg5a41yylymgblsclk95fs6jy72w0wv925mmidlhcq4sw" {
		t.Errorf("filtered NAR hash = %s", got)
	}
}

// NAR hashes from Nix's functional tests hash-path.sh, and the listing
// of binary-cache.sh.
func TestFunctionalTestHashes(t *testing.T) {
	tests := []struct {
		tree *node
		algo nixhash.Algorithm
		f    nixhash.Format
		want string
	}{
		{dir(map[string]*node{"hello": file("Hello World\n")}), nixhash.MD5, nixhash.Base16, "ea9b55537dd4c7e104515b2ccfaf4100"},
		{dir(map[string]*node{"hello": exe("Hello World\n")}), nixhash.MD5, nixhash.Base16, "20f3ffe011d4cfa7d72bfabef7882836"},
		{dir(map[string]*node{"hello": link("x")}), nixhash.MD5, nixhash.Base16, "f78b733a68f5edbdf9413899339eaa4a"},
		{file("hi\n"), nixhash.SHA256, nixhash.Nix32, "1xmr8jicvzszfzpz46g37mlpvbzjl2wpwvl2b05psipssyp1sm8h"},
		{link("/non-existent-48cujwe8ndf4as0bne"), nixhash.SHA256, nixhash.Nix32, "1bl5ry3x1fcbwgr5c2x50bn572iixh4j1p6ax5isxly2ddgn8pbp"},
		{link("/bin"), nixhash.SHA256, nixhash.Nix32, "0z2mdmkd43l0ijdxfbj1y8vzli15yh9b09n3a3rrygmjshbyypsw"},
	}
	for i, tc := range tests {
		if got := nixhash.Sum(tc.algo, encode(t, tc.tree)).Encode(tc.f); got != tc.want {
			t.Errorf("case %d: %s, want %s", i, got, tc.want)
		}
	}
	l, err := List(bytes.NewReader(encode(t, dir(map[string]*node{"bar": file("bar\n"), "link": link("xyzzy")}))))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(l)
	const want = `{"entries":{"bar":{"executable":false,"narOffset":232,"size":4,"type":"regular"},"link":{"target":"xyzzy","type":"symlink"}},"type":"directory"}`
	if string(got) != want {
		t.Errorf("listing %s", got)
	}
}
