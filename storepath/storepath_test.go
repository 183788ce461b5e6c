package storepath

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-nix/cairn/internal/testshared"
	"github.com/cairn-nix/cairn/nixbase32"
)

// vectorDir finds ../shared/conformance/nix-store-data/<sub>, skipping
// the test when it is absent.
func vectorDir(t testing.TB, sub string) string {
	t.Helper()
	return testshared.StoreVector(t, sub)
}

func readFile(t testing.TB, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const hashPart = "g1w7hy3qg1w7hy3qg1w7hy3qg1w7hy3q"

func mustParse(t testing.TB, s string) StorePath {
	t.Helper()
	p, err := Default.Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return p
}

// Names from Nix's libstore-tests/path.cc.
func TestNames(t *testing.T) {
	bad := []string{"", "&*()", "**", "*,foo", "foo,*", "foo!o", ".", "..", "..-1", ".-1", "..-a", ".-a",
		"foo bar", "foo/bar", "foo\x00", "\xff", strings.Repeat("a", MaxNameLen+1)}
	good := []string{"02345", "foo", "FOO", "foo+bar", "foo-dev", "foo_bar", "foo.txt", "foo?why", "foo=foo",
		".gitignore", "...a", "...1", "...-", "...", "-", "..a", ".a-", strings.Repeat("a", MaxNameLen)}
	for _, name := range bad {
		if ValidateName(name) == nil {
			t.Errorf("ValidateName(%q) accepted", name)
		}
		if _, err := Default.Parse("/nix/store/" + hashPart + "-" + name); err == nil {
			t.Errorf("Parse with name %q accepted", name)
		}
	}
	for _, name := range good {
		if err := ValidateName(name); err != nil {
			t.Errorf("ValidateName(%q): %v", name, err)
		}
		p := mustParse(t, "/nix/store/"+hashPart+"-"+name)
		if p.Name() != name || p.HashPart() != hashPart || Default.Print(p) != "/nix/store/"+hashPart+"-"+name {
			t.Errorf("Parse round trip for %q: %q %q", name, p.Name(), p.HashPart())
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "empty path is not a valid store path"},
		{"nix/store/" + hashPart + "-foo", "not an absolute path"},
		{"/nix/store/" + hashPart, "is too short to be a valid store path"},
		{"/nix/store/" + hashPart + "_foo", "hash part is not followed by a '-'"},
		{"/nix/store/" + hashPart[:31] + "e-foo", "illegal base-32 character 'e'"},
		{"/nix/store/" + hashPart[:31] + "G-foo", "illegal base-32 character 'G'"},
		{"/nix/store/" + hashPart + "-", "name must not be empty"},
		{"/nix/store/" + hashPart + "-foo!", "name 'foo!' contains illegal character '!'"},
		{"/nix/store/" + hashPart + "-.-a", "first dash-separated component must not be '.'"},
		{"/nix/store/" + hashPart + "-..-a", "first dash-separated component must not be '..'"},
		{"/nix/store/" + hashPart + "-" + strings.Repeat("x", 212), "must be no longer than 211 characters"},
		{"/nix/store/" + hashPart + "-foo/bin", "is not in the Nix store"},
		{"/nix/store", "is not in the Nix store"},
		{"/nix/store/", "is not in the Nix store"},
		{"/gnu/store/" + hashPart + "-foo", "is not in the Nix store"},
		{"/nix/store/x/../../" + hashPart + "-foo", "is not in the Nix store"},
	}
	for _, tc := range tests {
		p, err := Default.Parse(tc.in)
		if err == nil {
			t.Errorf("Parse(%q) = %v", tc.in, p)
			continue
		}
		var se *Error
		if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) error %q, want %q", tc.in, err, tc.want)
		}
	}
	// Lexical canonicalisation, as Nix's canonPath.
	for _, in := range []string{"/nix/store/" + hashPart + "-foo/", "/nix//store/./" + hashPart + "-foo", "/nix/store/../store/" + hashPart + "-foo"} {
		if p := mustParse(t, in); p.String() != hashPart+"-foo" {
			t.Errorf("Parse(%q) = %s", in, p)
		}
	}
}

func TestDirs(t *testing.T) {
	d, err := NewDir("/gnu/store")
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.Parse("/gnu/store/" + hashPart + "-foo")
	if err != nil || d.Print(p) != "/gnu/store/"+hashPart+"-foo" {
		t.Fatalf("Parse in /gnu/store: %v %v", p, err)
	}
	if _, err := d.Parse("/nix/store/" + hashPart + "-foo"); err == nil {
		t.Error("a /nix/store path parsed in /gnu/store")
	}
	for _, bad := range []string{"", "/", "gnu/store", "/gnu/store/", "/gnu//store", "/gnu/./store"} {
		if _, err := NewDir(bad); err == nil {
			t.Errorf("NewDir(%q) accepted", bad)
		}
	}
	var zero Dir
	if zero.Path() != DefaultDir {
		t.Errorf("zero Dir path %q", zero.Path())
	}
}

func TestSplitPath(t *testing.T) {
	p, rest, err := Default.SplitPath("/nix/store/" + hashPart + "-foo/bin/foo")
	if err != nil || p.String() != hashPart+"-foo" || rest != "/bin/foo" {
		t.Errorf("SplitPath = %v %q %v", p, rest, err)
	}
	p, rest, err = Default.SplitPath("/nix/store/" + hashPart + "-foo")
	if err != nil || p.String() != hashPart+"-foo" || rest != "" {
		t.Errorf("SplitPath = %v %q %v", p, rest, err)
	}
	for _, bad := range []string{"/nix/store", "/nix/store/", "/nix/storex/a", "/tmp/x", "/nix/store/xyz/bin"} {
		if _, _, err := Default.SplitPath(bad); err == nil {
			t.Errorf("SplitPath(%q) accepted", bad)
		}
	}
}

// TestStorePathJSON checks libstore-tests/data/store-path/simple.json.
func TestStorePathJSON(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/store-path")
	raw := readFile(t, dir, "simple.json")
	var p StorePath
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	if p.String() != "g1w7hy3qg1w7hy3qg1w7hy3qg1w7hy3q-foo.drv" || !p.IsDerivation() || p.Name() != "foo.drv" {
		t.Errorf("simple.json read as %v", p)
	}
	out, _ := json.Marshal(p)
	if string(out) != strings.TrimSpace(string(raw)) {
		t.Errorf("simple.json: wrote %s, file has %s", out, raw)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 1 {
		t.Errorf("store-path has %d vectors, expected 1: the set changed", len(files))
	}
	if err := json.Unmarshal([]byte(`"/nix/store/`+hashPart+`-foo"`), &p); err == nil {
		t.Error("a full path was accepted as a JSON base name")
	}
}

// wireStrings splits Nix's wire format: a count-less run of (u64 length,
// bytes, zero padding to 8). A zero length stands for "no value" in the
// optional vectors.
func wireStrings(t *testing.T, b []byte) []string {
	var out []string
	for len(b) > 0 {
		n := int(binary.LittleEndian.Uint64(b))
		b = b[8:]
		out = append(out, string(b[:n]))
		b = b[(n+7)&^7:]
	}
	return out
}

// TestCommonProtocolStorePaths checks that the worker-protocol vectors'
// full paths and JSON base names agree.
func TestCommonProtocolStorePaths(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/common-protocol")
	for _, stem := range []string{"store-path", "optional-store-path"} {
		var names []*StorePath
		if err := json.Unmarshal(readFile(t, dir, stem+".json"), &names); err != nil {
			t.Fatalf("%s.json: %v", stem, err)
		}
		wire := wireStrings(t, readFile(t, dir, stem+".bin"))
		if len(wire) != len(names) {
			t.Fatalf("%s: %d wire strings, %d JSON values", stem, len(wire), len(names))
		}
		for i, s := range wire {
			if names[i] == nil {
				if s != "" {
					t.Errorf("%s[%d]: null in JSON, %q on the wire", stem, i, s)
				}
				continue
			}
			p := mustParse(t, s)
			if p != *names[i] || Default.Print(*names[i]) != s {
				t.Errorf("%s[%d]: wire %q, JSON %v", stem, i, s, names[i])
			}
		}
	}
}

func TestCompare(t *testing.T) {
	names := []string{
		"0000000000000000000000000000000z-a", "00000000000000000000000000000001-b", "10000000000000000000000000000000-a",
		"z0000000000000000000000000000000-a", hashPart + "-foo", hashPart + "-foo-bar", hashPart + "-fo",
		"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-x", "00000000000000000000000000000000-x",
	}
	var ps []StorePath
	for _, n := range names {
		p, err := ParseBaseName(n)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	slices.SortFunc(ps, Compare)
	slices.Sort(names)
	for i := range ps {
		if ps[i].String() != names[i] {
			t.Fatalf("Compare order %d: %s, string order %s", i, ps[i], names[i])
		}
	}
}

// TestParseFastPath checks that Parse's shortcut for clean paths agrees
// with cleaning first, on paths near the shortcut's edges.
func TestParseFastPath(t *testing.T) {
	for _, s := range []string{
		"/nix/store/" + hashPart + "-a",
		"/nix/store/" + hashPart + "-a.drv",
		"/nix/store/" + hashPart,
		"/nix/store/" + hashPart + "x",
		"/nix/store/" + hashPart + "-a/",
		"/nix/store/" + hashPart + "-a/b",
		"/nix/store//" + hashPart + "-a",
		"/nix/storex/" + hashPart + "-a",
		"/nix/store/" + hashPart[:31] + "e-a",
		"/nix/store/" + hashPart + "-..",
		"/nix/store/.." + hashPart + "-a",
	} {
		p1, err1 := Default.Parse(s)
		p2, err2 := Default.parseClean(s)
		if p1 != p2 || (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()) {
			t.Errorf("Parse(%q) = %v, %v; cleaned first: %v, %v", s, p1, err1, p2, err2)
		}
	}
}

// The unrolled hash-part codec must agree with nixbase32's.
func TestHashPartCodec(t *testing.T) {
	var d [DigestSize]byte
	for n := 0; n < 2000; n++ {
		for i := range d {
			d[i] = byte(n*7919 + i*i*31 + n*i)
		}
		if n%3 == 0 {
			d[n%DigestSize] = 0xff
		}
		want := nixbase32.EncodeToString(d[:])
		if got := string(appendHashPart(nil, &d)); got != want {
			t.Fatalf("appendHashPart(%x) = %s, want %s", d, got, want)
		}
		back, ok := decodeHashPart(want)
		if !ok || back != d {
			t.Fatalf("decodeHashPart(%s) = %x, %v; want %x", want, back, ok, d)
		}
	}
	if _, ok := decodeHashPart(strings.Repeat("0", 31) + "e"); ok {
		t.Error("decodeHashPart accepted 'e'")
	}
}
