package cli

import (
	"archive/tar"
	"bytes"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
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
	// The remote-* cases fetch from a git daemon serving the same
	// repositories, when git is installed.
	gitURL := ""
	if _, err := exec.LookPath("git"); err == nil {
		gitURL = startGitDaemon(t, repos)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
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
			if bytes.Contains(src, []byte("@GITURL@")) {
				if gitURL == "" {
					t.Skip("git is not installed")
				}
				src = bytes.ReplaceAll(src, []byte("@GITURL@"), []byte(gitURL))
				t.Setenv("XDG_CACHE_HOME", t.TempDir()) // a fresh Git cache, as the recording had
			}
			file := filepath.Join(repos, name+".nix")
			if err := os.WriteFile(file, src, 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code := Main([]string{"nix-instantiate", "--eval", "--strict", file}, strings.NewReader(""), &stdout, &stderr)
			compareWithNix(t, strings.TrimSuffix(c, ".nix"), code, stdout.String(), stderr.String(), func(s string) string {
				if gitURL != "" {
					s = strings.ReplaceAll(s, gitURL, "@GITURL@")
				}
				// git's progress depends on its version; the recorder
				// drops it too.
				var kept []string
				for _, l := range strings.SplitAfter(s, "\n") {
					if !strings.HasPrefix(l, "remote: ") {
						kept = append(kept, l)
					}
				}
				return strings.ReplaceAll(strings.Join(kept, ""), repos, "/repos")
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

// startGitDaemon serves the repositories below dir with git daemon on a
// free loopback port until the test ends, and returns its URL.
func startGitDaemon(t *testing.T, dir string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command("git", "daemon", "--export-all", "--base-path="+dir, "--listen=127.0.0.1",
		"--port="+strconv.Itoa(port), "--reuseaddr", dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "git://" + addr
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("git daemon did not start")
	return ""
}
