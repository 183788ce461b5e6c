package cli

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestFetchGitMatchesNix unpacks the repositories of
// testdata/fetchgit/repos.tar.gz (clean, dirty, with submodules,
// shallow...) and evaluates each testdata/fetchgit/NAME.nix next to them,
// comparing with what real Nix printed (scripts/record-fetchgit-goldens).
func TestFetchGitMatchesNix(t *testing.T) {
	t.Setenv("NIX_PATH", "")
	t.Setenv("HOME", "/fake-home")
	t.Setenv("NIX_REMOTE", "dummy://")
	// The recording ran with real Nix's nix.conf here, which enables
	// flakes (fetchTree of a URL needs it).
	conf := t.TempDir()
	if err := os.WriteFile(filepath.Join(conf, "nix.conf"), []byte("experimental-features = nix-command flakes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NIX_CONF_DIR", conf)
	t.Setenv("NIX_USER_CONF_FILES", "")
	if v, ok := os.LookupEnv("NIX_CONFIG"); ok {
		os.Unsetenv("NIX_CONFIG")
		t.Cleanup(func() { os.Setenv("NIX_CONFIG", v) })
	}
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
			wantCode := 0
			if b, err := os.ReadFile(strings.TrimSuffix(c, ".nix") + ".code"); err == nil {
				wantCode, _ = strconv.Atoi(strings.TrimSpace(string(b)))
			}
			if code != wantCode {
				t.Errorf("exit %d, real Nix %d", code, wantCode)
			}
			for _, o := range []struct{ ext, got string }{{".out", stdout.String()}, {".err", stderr.String()}} {
				want, _ := os.ReadFile(strings.TrimSuffix(c, ".nix") + o.ext)
				if got := strings.ReplaceAll(o.got, repos, "/repos"); got != string(want) {
					t.Errorf("%s:\n%s\nreal Nix:\n%s", o.ext, got, want)
				}
			}
		})
	}
}

// untar unpacks a .tar.gz of directories, files and symlinks into dir.
func untar(t *testing.T, archive, dir string) {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
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
