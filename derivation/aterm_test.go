package derivation

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-nix/cairn/storepath"
)

// validDrvs lists every valid .drv vector with the derivation name Nix's
// tests give it (the name is not in the file, and fixed output paths
// depend on it).
var validDrvs = []struct{ file, name string }{
	{"simple-derivation.drv", "simple-derivation"},
	{"dyn-dep-derivation.drv", "dyn-dep-derivation"},
	{"hello.drv", "hello-2.12.2"},
	{"firefox.drv", "firefox-140.0.4"},
	{"ca/advanced-attributes.drv", "advanced-attributes"},
	{"ca/advanced-attributes-defaults.drv", "advanced-attributes-defaults"},
	{"ca/advanced-attributes-structured-attrs.drv", "advanced-attributes-structured-attrs"},
	{"ca/advanced-attributes-structured-attrs-defaults.drv", "advanced-attributes-structured-attrs-defaults"},
	{"ia/advanced-attributes.drv", "advanced-attributes"},
	{"ia/advanced-attributes-defaults.drv", "advanced-attributes-defaults"},
	{"ia/advanced-attributes-structured-attrs.drv", "advanced-attributes-structured-attrs"},
	{"ia/advanced-attributes-structured-attrs-defaults.drv", "advanced-attributes-structured-attrs-defaults"},
	{"hash-modulo/source-first.drv", "source"},
	{"hash-modulo/source-second.drv", "source"},
	{"hash-modulo/intermediate-first.drv", "intermediate"},
	{"hash-modulo/intermediate-second.drv", "intermediate"},
	{"hash-modulo/parent-split.drv", "parent"},
	{"hash-modulo/parent-joined.drv", "parent"},
}

// badDrvs are vectors Nix rejects, with a fragment of our error.
var badDrvs = []struct{ file, name, want string }{
	{"bad-version.drv", "whatever", "unknown derivation ATerm format version 'invalid-version'"},
	{"bad-old-version-dyn-deps.drv", "dyn-dep-derivation", "expected '[' to start output names"},
	{"bad-ca-fixed-path.drv", "fixed", "does not match its content address"},
}

func TestATermRoundTrip(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/derivation")
	for _, tc := range validDrvs {
		t.Run(tc.file, func(t *testing.T) {
			src := readVector(t, filepath.Join(dir, tc.file))
			d, err := Parse(src, tc.name)
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.ATerm(storepath.Dir{})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, src) {
				t.Errorf("round trip differs:\n got %s\nwant %s", got, src)
			}
		})
	}
}

func TestATermRejects(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/derivation")
	for _, tc := range badDrvs {
		t.Run(tc.file, func(t *testing.T) {
			_, err := Parse(readVector(t, filepath.Join(dir, tc.file)), tc.name)
			if err == nil {
				t.Fatal("parsed, want error")
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError: %v", err, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}
