package store

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// loadConf writes conf as $NIX_CONF_DIR/nix.conf and loads the settings
// with no other configuration around.
func loadConf(t *testing.T, conf string, env map[string]string) (Settings, error) {
	t.Helper()
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "nix.conf"), []byte(conf), 0o644))
	t.Setenv("NIX_CONF_DIR", dir)
	t.Setenv("NIX_USER_CONF_FILES", "")
	os.Unsetenv("NIX_CONFIG")
	os.Unsetenv("NIX_PATH")
	for k, v := range env {
		t.Setenv(k, v)
	}
	return LoadSettings()
}

func TestEvalSettingsFromConf(t *testing.T) {
	t.Setenv("NIX_CONFIG", "") // restored after the test
	s, err := loadConf(t, `
pure-eval = true
show-trace = true
extra-nix-path = b=/b
nix-path = a=/a
max-call-depth = 50
experimental-features = nix-command
extra-experimental-features = pipe-operators   # a comment
system = aarch64-linux
allowed-uris = https://example.org github:
`, map[string]string{"NIX_CONFIG": "extra-allowed-uris = file:///srv\nrestrict-eval = true"})
	must(t, err)
	e := s.Eval
	if !e.PureEval || !e.RestrictEval || !e.ShowTrace || e.MaxCallDepth != 50 || e.System != "aarch64-linux" || !e.AllowIFD {
		t.Errorf("eval settings = %+v", e)
	}
	// nix-path replaces what extra-nix-path added before it.
	if !slices.Equal(e.NixPath, []string{"a=/a"}) {
		t.Errorf("nix-path = %q", e.NixPath)
	}
	if !slices.Equal(e.Features, []string{"nix-command", "pipe-operators"}) || !e.HasFeature("pipe-operators") {
		t.Errorf("features = %q", e.Features)
	}
	if !slices.Equal(e.AllowedURIs, []string{"https://example.org", "github:", "file:///srv"}) {
		t.Errorf("allowed-uris = %q", e.AllowedURIs)
	}
	if len(s.Warnings) != 0 {
		t.Errorf("warnings: %q", s.Warnings)
	}
}

func TestNixPathEnvOverridesConf(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{}, []string{"a=/a", "q=/q"}},
		{map[string]string{"NIX_PATH": "bar=/b"}, []string{"bar=/b"}},
		{map[string]string{"NIX_PATH": ""}, nil},
		{map[string]string{"NIX_CONFIG": "nix-path = z=/z"}, []string{"z=/z"}},
		{map[string]string{"NIX_CONFIG": "nix-path = z=/z", "NIX_PATH": "bar=/b"}, []string{"bar=/b"}},
	} {
		s, err := loadConf(t, "nix-path = a=/a\nextra-nix-path = q=/q\n", c.env)
		must(t, err)
		if !slices.Equal(s.Eval.NixPath, c.want) {
			t.Errorf("%v: nix-path = %q, want %q", c.env, s.Eval.NixPath, c.want)
		}
	}
}

// The messages are real Nix 2.34's.
func TestConfErrors(t *testing.T) {
	for _, c := range []struct{ conf, msg string }{
		{"show-trace = maybe\n", "Boolean setting 'show-trace' has invalid value 'maybe'"},
		{"max-call-depth = abc\n", "setting 'max-call-depth' has invalid value 'abc'"},
		{"show-trace\n", "syntax error in configuration line 'show-trace' in \"CONF\""},
		{"show-trace true # x\n", "syntax error in configuration line 'show-trace true ' in \"CONF\""},
		{"include a b\n", "syntax error in configuration line 'include a b' in \"CONF\""},
		{"include missing.conf\n", "file \"DIR/missing.conf\" included from \"CONF\" not found"},
	} {
		_, err := loadConf(t, c.conf, nil)
		dir := os.Getenv("NIX_CONF_DIR")
		want := c.msg
		for _, r := range [][2]string{{"CONF", dir + "/nix.conf"}, {"DIR", dir}} {
			want = strings.ReplaceAll(want, r[0], r[1])
		}
		if err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %q", c.conf, err, want)
		}
	}
}

func TestConfWarnings(t *testing.T) {
	s, err := loadConf(t, "bogus-setting = 1\nexperimental-features = foo-bar flakes\n!include missing.conf\nextra-show-trace = true\n", nil)
	must(t, err)
	want := []string{"unknown experimental feature 'foo-bar'", "unknown setting 'bogus-setting'", "unknown setting 'extra-show-trace'"}
	if !slices.Equal(s.Warnings, want) {
		t.Errorf("warnings = %q, want %q", s.Warnings, want)
	}
	// Aliases reach the setting they stand for.
	must(t, s.Set("build-max-jobs", "4"))
	must(t, s.Set("gc-keep-outputs", "true"))
	if s.Build.MaxJobs != 4 || !s.KeepOutputs {
		t.Errorf("aliases not applied: %+v", s)
	}
}

func TestSplitNixPath(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"a=/a:b=/b", []string{"a=/a", "b=/b"}},
		{"a::b", []string{"a", "b"}},
		{"a:", []string{"a"}},
		{"nixpkgs=https://x.org/y.tar.gz:/p", []string{"nixpkgs=https://x.org/y.tar.gz", "/p"}},
		{"channel:nixos-24.05:/p", []string{"channel:nixos-24.05", "/p"}},
		{"n=flake:nixpkgs:/p", []string{"n=flake:nixpkgs", "/p"}},
		{"/a:ftp://x", []string{"/a", "ftp", "//x"}},
	} {
		if got := SplitNixPath(c.in); !slices.Equal(got, c.want) {
			t.Errorf("SplitNixPath(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
