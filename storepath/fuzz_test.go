package storepath

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseStorePath: whatever parses must print back to its canonical
// form, parse again to the same value, and have a name ValidateName
// accepts; content addresses likewise round-trip.
func FuzzParseStorePath(f *testing.F) {
	for _, s := range []string{
		"/nix/store/" + hashPart + "-foo.drv", "/nix/store/" + hashPart + "-...", "/nix/store/" + hashPart + "-.-a",
		"/nix/store/../store/" + hashPart + "-foo/", "/nix/store/" + hashPart + "_foo", "/nix/store/" + hashPart,
		"text:sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s", "fixed:r:sha1:vw46m23bizj4n8afrc0fj19wrp7mj3c0",
		"fixed:git:sha256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
	} {
		f.Add(s)
	}
	if dir := findVectors("libstore-tests/data"); dir != "" {
		for _, sub := range []string{"store-path/*.json", "common-protocol/*store-path*.bin", "common-protocol/*content-address*.bin"} {
			files, _ := filepath.Glob(filepath.Join(dir, sub))
			for _, file := range files {
				if b, err := os.ReadFile(file); err == nil {
					f.Add(string(b))
					f.Add("/nix/store/" + strings.Trim(strings.TrimSpace(string(b)), `"`))
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		if p, err := Default.Parse(s); err == nil {
			if err := ValidateName(p.Name()); err != nil {
				t.Fatalf("%q parsed with invalid name: %v", s, err)
			}
			printed := Default.Print(p)
			back, err := Default.Parse(printed)
			if err != nil || back != p || back.String() != p.HashPart()+"-"+p.Name() {
				t.Fatalf("%q: printed %q parses back as %v, %v", s, printed, back, err)
			}
			if sp, rest, err := Default.SplitPath(printed + "/x"); err != nil || sp != p || rest != "/x" {
				t.Fatalf("SplitPath(%q) = %v %q %v", printed+"/x", sp, rest, err)
			}
		}
		if p, err := ParseBaseName(s); err == nil && p.String() != s {
			t.Fatalf("ParseBaseName(%q) prints as %q", s, p.String())
		}
		if ca, err := ParseContentAddress(s); err == nil {
			back, err := ParseContentAddress(ca.String())
			if err != nil || back != ca {
				t.Fatalf("%q: rendered %q parses back as %v, %v", s, ca.String(), back, err)
			}
		}
		ParseMethodWithAlgo(s)
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
