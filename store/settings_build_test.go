package store

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestBuildSettingsFile(t *testing.T) {
	dir := t.TempDir()
	conf := `max-jobs = 3
cores = 2
sandbox = relaxed
sandbox-paths = /bin/sh=/x/sh /etc/foo?
extra-sandbox-paths = /usr
build-users-group = nixbld
keep-going = true
substituters = https://cache.nixos.org
`
	must(t, os.WriteFile(filepath.Join(dir, "nix.conf"), []byte(conf), 0o644))
	t.Setenv("NIX_CONF_DIR", dir)
	t.Setenv("NIX_USER_CONF_FILES", "")
	t.Setenv("NIX_CONFIG", "extra-substituters = https://x")
	s, err := LoadSettings()
	must(t, err)
	b := s.Build
	if b.MaxJobs != 3 || b.Cores != 2 || b.Sandbox != "relaxed" || !b.KeepGoing || b.BuildUsersGroup != "nixbld" {
		t.Errorf("build settings = %+v", b)
	}
	if !slices.Equal(b.SandboxPaths, []string{"/bin/sh=/x/sh", "/etc/foo?", "/usr"}) {
		t.Errorf("sandbox-paths = %q", b.SandboxPaths)
	}
	if !slices.Equal(b.Substituters, []string{"https://cache.nixos.org", "https://x"}) {
		t.Errorf("substituters = %q", b.Substituters)
	}
	if d := DefaultSettings().Build; d.MaxJobs != 1 || d.Sandbox != "true" || d.Cores != 0 {
		t.Errorf("defaults = %+v", d)
	}
	must(t, s.Set("max-jobs", "auto"))
	if s.Build.MaxJobs != runtime.NumCPU() {
		t.Errorf("max-jobs auto = %d", s.Build.MaxJobs)
	}
	for _, c := range []struct{ name, value, msg string }{
		{"max-jobs", "many", "configuration setting 'max-jobs' should be 'auto' or an integer"},
		{"max-jobs", "-1", "should be 'auto' or an integer"},
		{"cores", "x", "setting 'cores' has invalid value 'x'"},
		{"sandbox", "yes", "option 'sandbox' has invalid value 'yes'"},
		{"keep-going", "1", "Boolean setting 'keep-going' has invalid value '1'"},
	} {
		err := s.Set(c.name, c.value)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s = %s: %v, want %q", c.name, c.value, err, c.msg)
		}
	}
}
