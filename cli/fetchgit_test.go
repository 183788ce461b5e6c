package cli

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFetchGitMatchesNix unpacks the repositories of
// testdata/fetchgit/repos.tar.gz (clean, dirty, with submodules,
// shallow...) and evaluates each testdata/fetchgit/NAME.nix next to them,
// comparing with what real Nix printed (scripts/record-fetchgit-goldens).
func TestFetchGitMatchesNix(t *testing.T) {
	nixTestEnv(t, refnixConf)
	base := t.TempDir()
	untar(t, "testdata/fetchgit/repos.tar.gz", base)
	repos := filepath.Join(base, "repos")
	cases, _ := filepath.Glob("testdata/fetchgit/*.nix")
	if len(cases) < 10 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		name := strings.TrimSuffix(filepath.Base(c), ".nix")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(c)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(repos, name+".nix")
			if err := os.WriteFile(file, src, 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code := Main([]string{"nix-instantiate", "--eval", "--strict", file}, strings.NewReader(""), &stdout, &stderr)
			compareWithNix(t, strings.TrimSuffix(c, ".nix"), code, stdout.String(), stderr.String(), func(s string) string {
				return strings.ReplaceAll(s, repos, "/repos")
			})
		})
	}
}

// untar unpacks a .tar.gz of directories, files and symlinks into dir.
func untar(t *testing.T, archive, dir string) {
	t.Helper()
	tr := tar.NewReader(openGzip(t, archive))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		} else if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(p, 0o755)
		case tar.TypeSymlink:
			err = os.Symlink(h.Linkname, p)
		case tar.TypeLink:
			err = os.Link(filepath.Join(dir, filepath.FromSlash(h.Linkname)), p)
		case tar.TypeReg:
			var data []byte
			if data, err = io.ReadAll(tr); err == nil {
				err = os.WriteFile(p, data, os.FileMode(h.Mode)&0o777)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
