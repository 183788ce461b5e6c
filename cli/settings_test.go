package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSettingsMatchNix runs each testdata/settings/NAME.case (a command
// line with its nix.conf and environment; the format is described in
// scripts/record-settings-goldens) and compares stdout, stderr and the
// exit code with what real Nix gave.
func TestSettingsMatchNix(t *testing.T) { checkCommandLines(t, "settings", 40) }

// TestNixEvalMatchesNix does the same for testdata/nix-eval: `nix eval`.
func TestNixEvalMatchesNix(t *testing.T) { checkCommandLines(t, "nix-eval", 20) }

func checkCommandLines(t *testing.T, dir string, min int) {
	cases, _ := filepath.Glob("testdata/" + dir + "/*.case")
	if len(cases) < min {
		t.Fatalf("only %d cases", len(cases))
	}
	data, err := filepath.Abs("testdata/settings/files")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		name := strings.TrimSuffix(filepath.Base(c), ".case")
		t.Run(name, func(t *testing.T) {
			spec, err := os.ReadFile(c)
			if err != nil {
				t.Fatal(err)
			}
			conf := t.TempDir()
			nixConf := "build-users-group =\n"
			// NIX_REMOTE=dummy://: nothing in this machine's store counts
			// (real Nix's store held none of the paths the cases make).
			env := map[string]string{"HOME": "/fake-home", "TERM": "dumb", "NO_COLOR": "1",
				"NIX_CONF_DIR": conf, "NIX_USER_CONF_FILES": "", "NIX_REMOTE": "dummy://"}
			var args []string
			for _, line := range strings.Split(strings.TrimSuffix(string(spec), "\n"), "\n") {
				line = strings.ReplaceAll(line, "@DIR@", data)
				kind, rest, _ := strings.Cut(line, " ")
				switch kind {
				case "#", "":
				case "conf":
					nixConf += rest + "\n"
				case "conffile":
					file, text, _ := strings.Cut(rest, " ")
					appendFile(t, filepath.Join(conf, file), text+"\n")
				case "env":
					k, v, _ := strings.Cut(rest, "=")
					env[k] = v
				case "arg":
					args = append(args, rest)
				default:
					t.Fatalf("bad line %q", line)
				}
			}
			appendFile(t, filepath.Join(conf, "nix.conf"), nixConf)
			// Only what the case sets: the recorder runs with env -i.
			for _, k := range []string{"NIX_PATH", "NIX_CONFIG", "NIX_REMOTE", "NIX_STORE_DIR", "NIX_STATE_DIR", "XDG_CONFIG_HOME", "XDG_CONFIG_DIRS"} {
				if v, ok := os.LookupEnv(k); ok {
					os.Unsetenv(k)
					t.Cleanup(func() { os.Setenv(k, v) })
				}
			}
			for k, v := range env {
				t.Setenv(k, v)
			}
			wd, _ := os.Getwd()
			if err := os.Chdir(data); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code := Main(args, strings.NewReader(""), &stdout, &stderr)
			os.Chdir(wd)
			compareWithNix(t, strings.TrimSuffix(c, ".case"), code, stdout.String(), stderr.String(), func(s string) string {
				return strings.ReplaceAll(strings.ReplaceAll(s, conf, "/conf"), data, "/data")
			})
		})
	}
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}
