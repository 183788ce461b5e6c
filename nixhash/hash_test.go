package nixhash

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-nix/cairn/internal/testshared"
)

// vectorDir finds ../shared/conformance/nix-store-data/<sub>, skipping
// the test when it is absent.
func vectorDir(t testing.TB, sub string) string {
	t.Helper()
	return testshared.StoreVector(t, sub)
}

// Digests from Nix's hash.cc unit tests and hash-path.sh functional test.
var known = []struct {
	algo Algorithm
	in   string
	want string // Format(Base16, true)
}{
	{MD5, "", "md5:d41d8cd98f00b204e9800998ecf8427e"},
	{MD5, "abc", "md5:900150983cd24fb0d6963f7d28e17f72"},
	{MD5, "message digest", "md5:f96b697d7cb7938d525a2f31aaf161d0"},
	{SHA1, "abc", "sha1:a9993e364706816aba3e25717850c26c9cd0d89d"},
	{SHA1, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "sha1:84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
	{SHA256, "abc", "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	{SHA256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	{SHA512, "abc", "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
	{SHA512, "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		"sha512:8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"},
	{BLAKE3, "abc", "blake3:6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"},
	{BLAKE3, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "blake3:c19012cc2aaf0dc3d8e5c45a1b79114d2df42abb2a410bf54be09e891af06ff8"},
	{BLAKE3, "IETF", "blake3:83a2de1ee6f4e6ab686889248f4ec0cf4cc5709446a682ffd1cbb4d6165181e2"},
}

func TestKnownDigests(t *testing.T) {
	for _, k := range known {
		if got := SumString(k.algo, k.in).Format(Base16, true); got != k.want {
			t.Errorf("%s(%q) = %s, want %s", k.algo, k.in, got, k.want)
		}
		got, n, err := SumReader(k.algo, strings.NewReader(k.in))
		if err != nil || n != int64(len(k.in)) || got.Format(Base16, true) != k.want {
			t.Errorf("SumReader %s(%q) = %s, %d, %v", k.algo, k.in, got.Format(Base16, true), n, err)
		}
	}
	// hash-path.sh: nix hash file --type sha256 --base32
	if got := SumString(SHA256, "SMASH THE STATE").Format(Nix32, false); got != "0d9n3r2i4m1zgy0wpqbsyabsfzgs952066bfp8gwvcg4mkr4r5g8" {
		t.Errorf("nix32 of sha256(SMASH THE STATE) = %s", got)
	}
}

// TestJSONVectors checks libutil-tests/data/hash: each file is the JSON
// (SRI) form of a hash of "asdf". As in Nix's hash.cc, "sha512.json" holds
// a sha256 hash.
func TestJSONVectors(t *testing.T) {
	dir := vectorDir(t, "libutil-tests/data/hash")
	cases := map[string]Hash{
		"sha256.json": SumString(SHA256, "asdf"),
		"sha512.json": SumString(SHA256, "asdf"),
		"blake3.json": SumString(BLAKE3, "asdf"),
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != len(cases) {
		t.Errorf("found %d vectors, expected %d: the set changed", len(files), len(cases))
	}
	for name, want := range cases {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var got Hash
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got != want {
			t.Errorf("%s: read %s, want %s", name, got, want)
		}
		out, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != strings.TrimSpace(string(raw)) {
			t.Errorf("%s: wrote %s, file has %s", name, out, raw)
		}
	}
}

// Conversions from Nix's hash-convert.sh.
var conversions = []struct {
	algo                  Algorithm
	base16, nix32, base64 string
	sriUnpadded           string
}{
	{SHA1, "800d59cfcd3c05e900cb4e214be48f6b886a08df", "vw46m23bizj4n8afrc0fj19wrp7mj3c0", "gA1Zz808BekAy04hS+SPa4hqCN8=", ""},
	{SHA256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s", "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
		"sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0"},
	{SHA512, "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445",
		"12k9jiq29iyqm03swfsgiw5mlqs173qazm3n7daz43infy12pyrcdf30fkk3qwv4yl2ick8yipc2mqnlh48xsvvxl60lbx8vp38yji0",
		"IEqPxt2oLwoM7XvrjgikFlfBbvRosiioJ5vjMacDwzWW/RXBOxsH+aodO+pXeJygMa2Fx6cd1wNU7GMSOMo0RQ==",
		"sha512-IEqPxt2oLwoM7XvrjgikFlfBbvRosiioJ5vjMacDwzWW/RXBOxsH+aodO+pXeJygMa2Fx6cd1wNU7GMSOMo0RQ"},
}

func TestConversions(t *testing.T) {
	for _, c := range conversions {
		a := c.algo.String()
		want, err := ParseExplicit(c.base16, c.algo, Base16)
		if err != nil {
			t.Fatal(err)
		}
		forms := map[Format]string{Base16: c.base16, Nix32: c.nix32, Base64: c.base64, SRI: a + "-" + c.base64}
		for f, s := range forms {
			if got := want.Format(f, false); got != s {
				t.Errorf("%s Format(%s) = %s, want %s", a, f, got, s)
			}
			if f != SRI {
				if got := want.Format(f, true); got != a+":"+s {
					t.Errorf("%s Format(%s, algo) = %s", a, f, got)
				}
			}
		}
		inputs := []string{c.base16, strings.ToUpper(c.base16), c.nix32, c.base64,
			a + ":" + c.base16, a + ":" + c.nix32, a + ":" + c.base64, a + "-" + c.base64}
		for _, in := range inputs {
			got, err := ParseAny(in, c.algo)
			if err != nil || got != want {
				t.Errorf("ParseAny(%q, %s) = %v, %v", in, a, got, err)
			}
		}
		for _, in := range inputs[4:] {
			for _, ctx := range []Algorithm{0, c.algo} {
				if got, err := ParseAny(in, ctx); err != nil || got != want {
					t.Errorf("ParseAny(%q, %v) = %v, %v", in, ctx, got, err)
				}
			}
			if got, err := ParseAnyPrefixed(in); err != nil || got != want {
				t.Errorf("ParseAnyPrefixed(%q) = %v, %v", in, got, err)
			}
		}
		for _, in := range inputs[:4] {
			if got, err := ParseNonSRIUnprefixed(in, c.algo); err != nil || got != want {
				t.Errorf("ParseNonSRIUnprefixed(%q) = %v, %v", in, got, err)
			}
		}
		if got, err := ParseSRI(a + "-" + c.base64); err != nil || got != want {
			t.Errorf("ParseSRI = %v, %v", got, err)
		}
		if c.sriUnpadded != "" {
			// Nix keeps accepting SRI without '=' padding.
			if got, err := ParseSRI(c.sriUnpadded); err != nil || got != want {
				t.Errorf("ParseSRI(%q) = %v, %v", c.sriUnpadded, got, err)
			}
			if got, err := ParseAny(c.sriUnpadded, 0); err != nil || got != want {
				t.Errorf("ParseAny(%q) = %v, %v", c.sriUnpadded, got, err)
			}
		}
		// Asserting the wrong input format fails (hash-convert.sh).
		for _, bad := range []struct {
			s string
			f Format
		}{{c.base16, Nix32}, {c.nix32, Base16}, {c.base64, Nix32}, {c.base16, SRI}} {
			if _, err := ParseExplicit(bad.s, c.algo, bad.f); err == nil {
				t.Errorf("ParseExplicit(%q, %s) succeeded", bad.s, bad.f)
			}
		}
		_, f, _ := ParseAnyFormat(c.nix32, c.algo)
		if f != Nix32 {
			t.Errorf("ParseAnyFormat(%q) format %s", c.nix32, f)
		}
	}
}

func TestParseErrors(t *testing.T) {
	const h16 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	tests := []struct {
		name string
		fn   func() (Hash, error)
		want string
	}{
		{"wrong algo", func() (Hash, error) { return ParseExplicit(h16, SHA1, Base16) }, "invalid base16 hash '" + h16 + "', length 32 != expected length 20"},
		{"wrong base", func() (Hash, error) { return ParseExplicit(h16, SHA256, Nix32) }, "invalid nix32 hash"},
		{"no type", func() (Hash, error) { return ParseAny(h16, 0) }, "hash '" + h16 + "' does not include a type, nor is the type otherwise known from context"},
		{"no type prefixed", func() (Hash, error) { return ParseAnyPrefixed(h16) }, "hash '" + h16 + "' does not include a type"},
		{"mismatch", func() (Hash, error) { return ParseAny("sha256:"+h16, SHA1) }, "hash 'sha256:" + h16 + "' should have type 'sha1'"},
		{"unknown algo", func() (Hash, error) { return ParseAny("sha3:"+h16, 0) }, "unknown hash algorithm 'sha3', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'"},
		{"wrong length", func() (Hash, error) { return ParseAny("sha256:abc", 0) }, "hash 'abc' has wrong length for hash algorithm 'sha256'"},
		{"not sri", func() (Hash, error) { return ParseSRI(h16) }, "hash '" + h16 + "' is not SRI"},
		{"sri length", func() (Hash, error) { return ParseSRI("sha256-AAAA") }, "invalid SRI hash 'AAAA', length 3 != expected length 32"},
		{"sri base16", func() (Hash, error) { return ParseAny("sha256-"+h16, 0) }, "invalid SRI hash"},
		{"bad char", func() (Hash, error) { return ParseAny("sha256:"+h16[:63]+"g", 0) }, "invalid character 'g' in base16 at offset 63"},
		{"bad nix32", func() (Hash, error) {
			return ParseAny("sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5e", 0)
		}, "invalid character 'e'"},
		{"nix32 overflow", func() (Hash, error) {
			return ParseAny("sha256:zb8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s", 0)
		}, "beyond the encoded length"},
		{"bad base64", func() (Hash, error) { return ParseAny("sha256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAF.0=", 0) }, "invalid character '.' in base64"},
		{"empty", func() (Hash, error) { return ParseAny("", SHA256) }, "hash '' has wrong length for hash algorithm 'sha256'"},
		{"empty allow", func() (Hash, error) { h, _, err := ParseAllowEmpty("", 0); return h, err }, "empty hash requires explicit hash algorithm"},
		{"json non-sri", func() (Hash, error) { var h Hash; err := json.Unmarshal([]byte(`"sha256:`+h16+`"`), &h); return h, err }, "is not SRI"},
	}
	for _, tc := range tests {
		h, err := tc.fn()
		if err == nil {
			t.Errorf("%s: parsed as %v", tc.name, h)
			continue
		}
		var he *Error
		if !errors.As(err, &he) {
			t.Errorf("%s: error %T is not *Error", tc.name, err)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not contain %q", tc.name, err, tc.want)
		}
	}
}

func TestAllowEmpty(t *testing.T) {
	h, empty, err := ParseAllowEmpty("", SHA256)
	if err != nil || !empty || h != Zero(SHA256) {
		t.Fatalf("ParseAllowEmpty = %v %v %v", h, empty, err)
	}
	if h.SRI() != "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" {
		t.Errorf("zero sha256 = %s", h.SRI())
	}
}

func TestFormatNames(t *testing.T) {
	for _, f := range []Format{Base16, Nix32, Base64, SRI} {
		g, dep, err := ParseFormat(f.String())
		if err != nil || g != f || dep {
			t.Errorf("ParseFormat(%s) = %v %v %v", f, g, dep, err)
		}
	}
	if f, dep, err := ParseFormat("base32"); f != Nix32 || !dep || err != nil {
		t.Errorf("base32 alias: %v %v %v", f, dep, err)
	}
	if _, _, err := ParseFormat("sha0042"); err == nil {
		t.Error("ParseFormat(sha0042) succeeded")
	}
	for _, a := range Algorithms {
		if b, err := ParseAlgorithm(a.String()); err != nil || b != a {
			t.Errorf("ParseAlgorithm(%s) = %v, %v", a, b, err)
		}
	}
}

func TestCompress(t *testing.T) {
	h := SumString(SHA256, "abc")
	d := h.Bytes()
	c := h.Compress(20)
	for i := 0; i < 20; i++ {
		want := d[i]
		if i+20 < len(d) {
			want ^= d[i+20]
		}
		if c[i] != want {
			t.Fatalf("Compress byte %d = %x, want %x", i, c[i], want)
		}
	}
}

func TestHasherCount(t *testing.T) {
	s := NewHasher(SHA256)
	s.Write([]byte("ab"))
	s.WriteString("c")
	if s.Count() != 3 || s.Sum() != SumString(SHA256, "abc") {
		t.Errorf("Hasher: %d %v", s.Count(), s.Sum())
	}
}

func TestFromBytes(t *testing.T) {
	h := SumString(SHA1, "abc")
	g, err := FromBytes(SHA1, h.Bytes())
	if err != nil || g != h {
		t.Errorf("FromBytes: %v %v", g, err)
	}
	if _, err := FromBytes(SHA256, h.Bytes()); err == nil {
		t.Error("FromBytes with wrong size succeeded")
	}
	if _, err := FromBytes(0, nil); err == nil {
		t.Error("FromBytes with no algorithm succeeded")
	}
}
