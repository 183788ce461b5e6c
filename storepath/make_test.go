package storepath

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/cairn-nix/cairn/nixhash"
)

func mustHash(t testing.TB, s string, a nixhash.Algorithm) nixhash.Hash {
	t.Helper()
	h, err := nixhash.ParseAny(s, a)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// Fixed-output and source paths from Nix's language test eval-okay-path
// (builtins.path with recursive = true/false and a sha256).
func TestFixedOutputPaths(t *testing.T) {
	tests := []struct {
		method Method
		hash   string
		name   string
		want   string
	}{
		{NAR, "1yhm3gwvg5a41yylymgblsclk95fs6jy72w0wv925mmidlhcq4sw", "output", "/nix/store/ya937r4ydw0l6kayq8jkyqaips9c75jm-output"},
		{Flat, "0k4lwj58f2w5yh92ilrwy9917pycipbrdrr13vbb3yd02j09vfxm", "output", "/nix/store/m7y372g6jb0g4hh1dzmj847rd356fhnz-output"},
		{NAR, "02vlkcjkl1rvy081n6d40qi73biv2w4b9x9biklay4ncgk77zr1f", "output", "/nix/store/a517xfygy9w2q5i3c2dbm50sw4p70b4c-output"},
	}
	for _, tc := range tests {
		p, err := Default.MakeFixedOutputPath(tc.name, tc.method, mustHash(t, tc.hash, nixhash.SHA256), References{})
		if err != nil {
			t.Fatal(err)
		}
		if got := Default.Print(p); got != tc.want {
			t.Errorf("%s %s: got %s, want %s", tc.method, tc.hash, got, tc.want)
		}
	}
}

// TestDummyStoreFlatFile checks the path of the one object in
// libstore-tests/data/dummy-store/one-flat-file.json against its content
// address.
func TestDummyStoreFlatFile(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/dummy-store")
	var store struct {
		Config   struct{ Store string }
		Contents map[string]struct {
			Info struct {
				CA         ContentAddress `json:"ca"`
				References []StorePath    `json:"references"`
				StoreDir   string         `json:"storeDir"`
			} `json:"info"`
		}
	}
	if err := json.Unmarshal(readFile(t, dir, "one-flat-file.json"), &store); err != nil {
		t.Fatal(err)
	}
	if len(store.Contents) != 1 {
		t.Fatalf("one-flat-file.json has %d objects", len(store.Contents))
	}
	d, err := NewDir(store.Config.Store)
	if err != nil {
		t.Fatal(err)
	}
	for base, obj := range store.Contents {
		want, err := ParseBaseName(base)
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.MakePathFromCA(want.Name(), obj.Info.CA, References{Others: obj.Info.References})
		if err != nil || got != want {
			t.Errorf("path from %v: %v, %v; want %v", obj.Info.CA, got, err, want)
		}
	}
}

// TestDummyStoreDerivation: the .drv path in one-derivation.json is the
// text path of the ATerm of its (empty) derivation.
func TestDummyStoreDerivation(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/dummy-store")
	var store struct {
		Derivations map[string]json.RawMessage
	}
	if err := json.Unmarshal(readFile(t, dir, "one-derivation.json"), &store); err != nil {
		t.Fatal(err)
	}
	for base := range store.Derivations {
		want, err := ParseBaseName(base)
		if err != nil {
			t.Fatal(err)
		}
		// name "foo", empty builder and system, nothing else.
		aterm := `Derive([],[],[],"","",[],[])`
		got, err := Default.MakeTextPath(want.Name(), nixhash.SumString(nixhash.SHA256, aterm), nil)
		if err != nil || got != want {
			t.Errorf("text path: %v, %v; want %v", got, err, want)
		}
	}
}

var storeRef = regexp.MustCompile(`/nix/store/[0-9a-z]{32}-[^"]+`)

// TestHashModuloVectors uses libstore-tests/data/derivation/hash-modulo:
//   - each "X-modulo.drv" is the masked text Nix hashes for X's modulo
//     hash, from which X's output paths are made (makeOutputPath). Nix
//     computed the paths in the vectors before filling in the output
//     variables, so it hashed that text with an empty environment; the
//     file shows the environment after fill-in, blanked;
//   - the .drv paths the parents cite are text paths of the children's
//     ATerm with their input derivations and sources as references;
//   - the source derivations' outputs are source paths (nar, sha256).
func TestHashModuloVectors(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/derivation/hash-modulo")
	read := func(name string) string { return string(readFile(t, dir, name)) }

	// Output paths from modulo hashes.
	outputs := []struct {
		drv, name string
		outs      map[string]string
	}{
		{"intermediate-first", "intermediate", map[string]string{
			"out": "/nix/store/jlzxv2xpqj0adi22cy93573vyf9xr6fw-intermediate",
			"dev": "/nix/store/xgskw9kbh807ah56r4f4kxdh0fa1i0ip-intermediate-dev"}},
		{"intermediate-second", "intermediate", map[string]string{
			"out": "/nix/store/jlzxv2xpqj0adi22cy93573vyf9xr6fw-intermediate",
			"dev": "/nix/store/xgskw9kbh807ah56r4f4kxdh0fa1i0ip-intermediate-dev"}},
	}
	for _, o := range outputs {
		text := read(o.drv + "-modulo.drv")
		masked := strings.TrimSuffix(text, `,[("dev",""),("out","")])`)
		if masked == text {
			t.Fatalf("%s-modulo.drv does not end with the blanked outputs", o.drv)
		}
		modulo := nixhash.SumString(nixhash.SHA256, masked+",[])")
		full := read(o.drv + ".drv")
		for out, want := range o.outs {
			p, err := Default.MakeOutputPath(out, modulo, o.name)
			if err != nil || Default.Print(p) != want {
				t.Errorf("%s output %s: %v, %v; want %s", o.drv, out, Default.Print(p), err, want)
			}
			if !strings.Contains(full, `"`+want+`"`) {
				t.Errorf("%s.drv does not contain %s", o.drv, want)
			}
		}
	}

	// .drv paths: each child's path is cited by a parent.
	drvs := []struct{ file, name, want string }{
		{"source-first.drv", "source.drv", "/nix/store/q4mzjdlh5px6977h7v5fdsk1p33yg583-source.drv"},
		{"source-second.drv", "source.drv", "/nix/store/jwmbpldsdgfjhkxk317jn55jilyfl63f-source.drv"},
		{"intermediate-first.drv", "intermediate.drv", "/nix/store/f8g8x4m83da3b2f79iv84q2r3qlc58lr-intermediate.drv"},
		{"intermediate-second.drv", "intermediate.drv", "/nix/store/kp6i4n4bb3hlniwqjakhlf046qpdc0gl-intermediate.drv"},
	}
	for _, d := range drvs {
		text := read(d.file)
		// The references of a .drv are its input derivations and sources,
		// the paths in its second and third fields; outputs are not.
		var refs []StorePath
		inputs := text[strings.Index(text, "],[")+2:]
		inputs = inputs[:strings.Index(inputs, `],"`)]
		for _, s := range storeRef.FindAllString(inputs, -1) {
			refs = append(refs, mustParse(t, s))
		}
		p, err := Default.MakeTextPath(d.name, nixhash.SumString(nixhash.SHA256, text), refs)
		if err != nil || Default.Print(p) != d.want {
			t.Errorf("%s: %s, %v; want %s", d.file, Default.Print(p), err, d.want)
		}
	}
	cited := read("parent-split.drv") + read("intermediate-first.drv") + read("intermediate-second.drv")
	for _, d := range drvs {
		if !strings.Contains(cited, d.want) {
			t.Errorf("%s is not cited by a parent", d.want)
		}
	}

	// Source paths of the fixed-output source derivations.
	for _, f := range []string{"source-first.drv", "source-second.drv"} {
		text := read(f)
		h := mustHash(t, "894517c9163c896ec31a2adbd33c0681fd5f45b2c0ef08a64c92a03fb97f390f", nixhash.SHA256)
		p, err := Default.MakeFixedOutputPath("source", NAR, h, References{})
		if err != nil || !strings.Contains(text, `"`+Default.Print(p)+`","r:sha256","`+h.Encode(nixhash.Base16)+`"`) {
			t.Errorf("%s: source path %s, %v not the output", f, Default.Print(p), err)
		}
	}
}

func TestMakeErrors(t *testing.T) {
	h := nixhash.SumString(nixhash.SHA256, "x")
	ref := mustParse(t, "/nix/store/"+hashPart+"-foo")
	if _, err := Default.MakeTextPath("x", nixhash.SumString(nixhash.SHA1, "x"), nil); err == nil {
		t.Error("text path with sha1 accepted")
	}
	if _, err := Default.MakeFixedOutputPath("x", Flat, h, References{Others: []StorePath{ref}}); err == nil ||
		!strings.Contains(err.Error(), "is not allowed to refer to other store paths") {
		t.Errorf("flat with references: %v", err)
	}
	if _, err := Default.MakeFixedOutputPath("x", NAR, nixhash.SumString(nixhash.SHA1, "x"), References{Self: true}); err == nil {
		t.Error("nar sha1 with self reference accepted")
	}
	if _, err := Default.MakeFixedOutputPath("x", Git, nixhash.SumString(nixhash.MD5, "x"), References{}); err == nil {
		t.Error("git with md5 accepted")
	}
	if _, err := Default.MakeFixedOutputPath("x", Text, h, References{}); err == nil {
		t.Error("MakeFixedOutputPath with Text accepted")
	}
	if _, err := Default.MakePathFromCA("x", ContentAddress{Text, h}, References{Self: true}); err == nil ||
		!strings.Contains(err.Error(), "self-reference not allowed with text hashing") {
		t.Errorf("text self reference: %v", err)
	}
	if _, err := Default.MakeStorePath("source", h, "bad name"); err == nil || !strings.Contains(err.Error(), "contains illegal character ' '") {
		t.Errorf("bad name: %v", err)
	}
}

// TestReferencesOrder: references are hashed as a sorted set, so order
// and duplicates in the input do not matter, while self does.
func TestReferencesOrder(t *testing.T) {
	h := nixhash.SumString(nixhash.SHA256, "x")
	a := mustParse(t, "/nix/store/"+hashPart+"-a")
	b := mustParse(t, "/nix/store/0"+hashPart[1:]+"-b")
	p1, _ := Default.MakeFixedOutputPath("x", NAR, h, References{Others: []StorePath{a, b}})
	p2, _ := Default.MakeFixedOutputPath("x", NAR, h, References{Others: []StorePath{b, a, b}})
	p3, _ := Default.MakeFixedOutputPath("x", NAR, h, References{Others: []StorePath{a, b}, Self: true})
	if p1 != p2 || p1 == p3 {
		t.Errorf("reference order matters: %v %v %v", p1, p2, p3)
	}
	want := "source:/nix/store/0" + hashPart[1:] + "-b:/nix/store/" + hashPart + "-a:self"
	if got := string(Default.appendType(nil, "source", References{Others: []StorePath{a, b}, Self: true})); got != want {
		t.Errorf("appendType = %s, want %s", got, want)
	}
}

func TestOutputPathName(t *testing.T) {
	if OutputPathName("hello", "out") != "hello" || OutputPathName("hello", "dev") != "hello-dev" {
		t.Error("OutputPathName")
	}
}
