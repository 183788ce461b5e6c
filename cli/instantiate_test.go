package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstantiateMatchesNix instantiates each testdata/instantiate/*.nix
// into a fresh store and compares the printed .drv paths and the bytes of
// every .drv file with what real Nix produced (recorded by
// scripts/record-instantiate-goldens).
func TestInstantiateMatchesNix(t *testing.T) {
	cases, _ := filepath.Glob("testdata/instantiate/*.nix")
	if len(cases) < 30 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		name := strings.TrimSuffix(filepath.Base(c), ".nix")
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(strings.TrimSuffix(c, ".nix") + ".out")
			if err != nil {
				t.Skip("no golden")
			}
			root := t.TempDir()
			t.Setenv("NIX_STORE_DIR", "")
			t.Setenv("NIX_REMOTE", "")
			var stdout, stderr bytes.Buffer
			dir, _ := filepath.Abs("testdata/instantiate")
			wd, _ := os.Getwd()
			if err := os.Chdir(dir); err != nil {
				t.Fatal(err)
			}
			code := Main([]string{"nix-instantiate", "--store", "local?root=" + root, name + ".nix"}, strings.NewReader(""), &stdout, &stderr)
			os.Chdir(wd)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if stdout.String() != string(want) {
				t.Fatalf("printed\n%s\nreal Nix printed\n%s", stdout.String(), want)
			}
			drvs, _ := filepath.Glob(strings.TrimSuffix(c, ".nix") + ".drvs/*.drv")
			for _, d := range drvs {
				wantDrv, _ := os.ReadFile(d)
				got, err := os.ReadFile(filepath.Join(root, "nix/store", filepath.Base(d)))
				if err != nil {
					t.Errorf("%s not written: %v", filepath.Base(d), err)
					continue
				}
				if !bytes.Equal(got, wantDrv) {
					t.Errorf("%s differs:\n%s\nreal Nix:\n%s", filepath.Base(d), got, wantDrv)
				}
			}
		})
	}
}
