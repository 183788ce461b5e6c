package narinfo

import (
	"os"
	"testing"

	"github.com/cairn-nix/cairn/internal/testshared"
)

// vectorDir finds ../shared/conformance/nix-store-data/<sub>, skipping
// the test when it is absent.
func vectorDir(t testing.TB, sub string) string {
	t.Helper()
	return testshared.StoreVector(t, sub)
}

func readVector(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
