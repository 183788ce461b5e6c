package cli

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDownloadsMatchNix serves testdata/download/files over HTTP on
// loopback (a missing file is a 404 with the body "no such file\n", as
// the recorder's server answers) and evaluates each
// testdata/download/NAME.nix, @URL@ standing for the server, comparing
// with what real Nix printed (scripts/record-download-goldens).
func TestDownloadsMatchNix(t *testing.T) {
	files, err := filepath.Abs("testdata/download/files")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, err := os.ReadFile(filepath.Join(files, filepath.Clean("/"+r.URL.Path)))
		if err != nil {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte("no such file\n"))
			return
		}
		w.Write(data)
	}))
	defer srv.Close()
	nixTestEnv(t, refnixConf)
	dir := filepath.Join(t.TempDir(), "cases")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cases, _ := filepath.Glob("testdata/download/*.nix")
	if len(cases) < 15 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		name := strings.TrimSuffix(filepath.Base(c), ".nix")
		t.Run(name, func(t *testing.T) {
			// A fresh download cache: real Nix's was fresh too.
			t.Setenv("XDG_CACHE_HOME", t.TempDir())
			src, err := os.ReadFile(c)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, name+".nix")
			if err := os.WriteFile(file, bytes.ReplaceAll(src, []byte("@URL@"), []byte(srv.URL)), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code := Main([]string{"nix-instantiate", "--eval", "--strict", file}, strings.NewReader(""), &stdout, &stderr)
			compareWithNix(t, strings.TrimSuffix(c, ".nix"), code, stdout.String(), stderr.String(), func(s string) string {
				return strings.ReplaceAll(strings.ReplaceAll(s, srv.URL, "@URL@"), dir, "/cases")
			})
		})
	}
}

// TestDownloadCache checks that a download is reused for tarball-ttl
// seconds: the second fetch asks the server nothing and does not unpack
// again; with tarball-ttl = 0 it downloads again.
func TestDownloadCache(t *testing.T) {
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		data, err := os.ReadFile("testdata/download/files/proj.tar.gz")
		if err != nil {
			t.Error(err)
		}
		w.Write(data)
	}))
	defer srv.Close()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("NIX_REMOTE", "dummy://")
	t.Setenv("NIX_CONF_DIR", t.TempDir())
	t.Setenv("NIX_USER_CONF_FILES", "")
	expr := `builtins.fetchTarball "` + srv.URL + `/proj.tar.gz"`
	run := func(extra ...string) (string, string) {
		var stdout, stderr bytes.Buffer
		args := append(append([]string{"nix-instantiate"}, extra...), "--eval", "-E", expr)
		if code := Main(args, strings.NewReader(""), &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		return stdout.String(), stderr.String()
	}
	out1, err1 := run()
	out2, err2 := run()
	if out1 != out2 || requests != 1 || !strings.Contains(err1, "unpacking") || err2 != "" {
		t.Fatalf("cached fetch: %d requests\n%q %q\n%q %q", requests, out1, err1, out2, err2)
	}
	run("--tarball-ttl", "0")
	if requests != 2 {
		t.Fatalf("tarball-ttl 0 made %d requests in all, want 2", requests)
	}
}

// TestPureFetchNeedsLock checks that pure evaluation refuses inputs not
// pinned by a hash (tarballs) or a rev (Git), in real Nix's words.
func TestPureFetchNeedsLock(t *testing.T) {
	nixTestEnv(t, refnixConf)
	repo := t.TempDir()
	for _, c := range []struct{ expr, msg string }{
		{`builtins.fetchTree { type = "tarball"; url = "http://127.0.0.1:1/x.tar.gz"; }`,
			"error: in pure evaluation mode, 'fetchTree' doesn't fetch unlocked input 'http://127.0.0.1:1/x.tar.gz'"},
		{`builtins.fetchGit ` + repo,
			"error: in pure evaluation mode, 'fetchGit' doesn't fetch unlocked input 'git+file://" + repo + "?exportIgnore=1'"},
		{`builtins.fetchTree { type = "git"; url = "file://` + repo + `"; ref = "main"; }`,
			"error: in pure evaluation mode, 'fetchTree' doesn't fetch unlocked input 'git+file://" + repo + "?ref=main&shallow=1'"},
	} {
		var stdout, stderr bytes.Buffer
		code := Main([]string{"nix-instantiate", "--pure-eval", "--eval", "-E", c.expr}, strings.NewReader(""), &stdout, &stderr)
		if code != 1 || !strings.Contains(stderr.String(), c.msg) {
			t.Errorf("%s: exit %d\n%s\nwant %q", c.expr, code, stderr.String(), c.msg)
		}
	}
}
