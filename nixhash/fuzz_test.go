package nixhash

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseHash feeds arbitrary text to every parser, with every
// algorithm as context. Whatever parses must print and parse back to the
// same Hash in every format.
func FuzzParseHash(f *testing.F) {
	for _, c := range conversions {
		a := c.algo.String()
		for _, s := range []string{c.base16, c.nix32, c.base64, a + ":" + c.base16, a + ":" + c.nix32, a + "-" + c.base64, c.sriUnpadded} {
			f.Add(s, uint8(c.algo))
		}
	}
	for _, k := range known {
		f.Add(k.want, uint8(0))
	}
	if dir := findVectors("libutil-tests/data/hash"); dir != "" {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(strings.Trim(strings.TrimSpace(string(b)), `"`), uint8(0))
			}
		}
	}
	f.Add("sha256:", uint8(SHA256))
	f.Add("sha256-", uint8(0))
	f.Add(":", uint8(0))

	f.Fuzz(func(t *testing.T, s string, ctx uint8) {
		algo := Algorithm(ctx % 6) // 0 = no context
		var got []Hash
		if h, err := ParseAny(s, algo); err == nil {
			got = append(got, h)
		}
		if h, err := ParseAnyPrefixed(s); err == nil {
			got = append(got, h)
		}
		if h, err := ParseSRI(s); err == nil {
			got = append(got, h)
		}
		if algo != 0 {
			if h, err := ParseNonSRIUnprefixed(s, algo); err == nil {
				got = append(got, h)
			}
			for _, fm := range []Format{Base16, Nix32, Base64, SRI} {
				if h, err := ParseExplicit(s, algo, fm); err == nil {
					got = append(got, h)
				}
			}
		}
		ParseAllowEmpty(s, algo)
		for _, h := range got {
			if !h.Algo().Valid() || len(h.Bytes()) != h.Algo().Size() {
				t.Fatalf("%q parsed to a malformed hash %v", s, h)
			}
			for _, fm := range []Format{Base16, Nix32, Base64, SRI} {
				text := h.Format(fm, true)
				back, err := ParseAny(text, 0)
				if err != nil || back != h {
					t.Fatalf("%q: %s form %q parses back as %v, %v", s, fm, text, back, err)
				}
			}
		}
	})
}

// findVectors is vectorDir without a testing.T, for fuzz seeding.
func findVectors(sub string) string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, "..", "shared", "conformance", "nix-store-data", sub)
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
