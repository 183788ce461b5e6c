package narinfo

import (
	"os"
	"path/filepath"
	"testing"
)

// vectorDir finds ../shared/conformance/nix-store-data/<sub> by walking
// up from the test's directory, skipping the test when it is absent.
func vectorDir(t testing.TB, sub string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		for _, p := range []string{
			filepath.Join(dir, "shared", "conformance", "nix-store-data", sub),
			filepath.Join(dir, "..", "shared", "conformance", "nix-store-data", sub),
		} {
			if st, err := os.Stat(p); err == nil && st.IsDir() {
				return p
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skipf("conformance vectors %s not found", sub)
		}
		dir = parent
	}
}

func readVector(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
