// Package testshared locates the read-only yardsticks in ../shared (Nix's
// test vectors, language suite, corpora) for tests, skipping a test when
// they are absent. It is for tests only and imports nothing from Cairn.
package testshared

import (
	"os"
	"path/filepath"
	"testing"
)

// Path finds shared/<rel> in the working directory or one of its parents
// (as a sibling "shared" folder), skipping t when it is not there.
func Path(t testing.TB, rel string) string {
	t.Helper()
	if p, ok := Find(rel); ok {
		return p
	}
	t.Skipf("../shared/%s not found above the working directory", rel)
	return ""
}

// Find is Path without a test: it reports whether shared/<rel> exists.
func Find(rel string) (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		p := filepath.Join(dir, "shared", rel)
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// StoreVector is Path for conformance/nix-store-data/<sub>.
func StoreVector(t testing.TB, sub string) string {
	t.Helper()
	return Path(t, filepath.Join("conformance", "nix-store-data", sub))
}
