package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ConfigError is a configuration Nix refuses: a bad line or value in
// nix.conf, or a bad setting flag. Usage marks the errors Nix reports as
// usage errors (followed by "Try '... --help'").
type ConfigError struct {
	Msg   string
	Usage bool
}

func (e *ConfigError) Error() string { return e.Msg }

// LoadSettings starts from DefaultSettings and applies the configuration
// Nix reads, in its order: $NIX_CONF_DIR/nix.conf (default /etc/nix), the
// user files ($NIX_USER_CONF_FILES, else nix/nix.conf in the XDG
// configuration directories, the most important first), then
// $NIX_CONFIG. NIX_PATH, when set, replaces the nix-path setting.
// Unknown names are not errors: they are listed in Settings.Warnings.
func LoadSettings() (Settings, error) {
	s := DefaultSettings()
	confDir := os.Getenv("NIX_CONF_DIR")
	if confDir == "" {
		confDir = "/etc/nix"
	}
	if err := s.applyFile(filepath.Join(confDir, "nix.conf")); err != nil {
		return s, err
	}
	files := userConfFiles()
	for i := len(files) - 1; i >= 0; i-- {
		if err := s.applyFile(files[i]); err != nil {
			return s, err
		}
	}
	if c, ok := os.LookupEnv("NIX_CONFIG"); ok {
		if err := s.ApplyConfig(c, "NIX_CONFIG"); err != nil {
			return s, err
		}
	}
	// Nix lets NIX_PATH override nix.conf, even an empty one.
	if np, ok := os.LookupEnv("NIX_PATH"); ok {
		s.Eval.NixPath = SplitNixPath(np)
	}
	return s, nil
}

func userConfFiles() []string {
	if v, ok := os.LookupEnv("NIX_USER_CONF_FILES"); ok {
		return filepath.SplitList(v)
	}
	var dirs []string
	if h := os.Getenv("XDG_CONFIG_HOME"); h != "" {
		dirs = append(dirs, h)
	} else if home := os.Getenv("HOME"); home != "" {
		dirs = append(dirs, filepath.Join(home, ".config"))
	}
	if d := os.Getenv("XDG_CONFIG_DIRS"); d != "" {
		dirs = append(dirs, filepath.SplitList(d)...)
	} else {
		dirs = append(dirs, "/etc/xdg")
	}
	var files []string
	for _, d := range dirs {
		files = append(files, filepath.Join(d, "nix", "nix.conf"))
	}
	return files
}

// applyFile applies a configuration file if it exists.
func (s *Settings) applyFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return fmt.Errorf("reading configuration file '%s': %w", path, err)
	}
	return s.ApplyConfig(string(data), path)
}

// ApplyConfig applies configuration text in nix.conf syntax ("name =
// value" lines, '#' comments, include and !include relative to the
// file's directory); whence names it in errors. As in Nix, the
// experimental features are set before the other settings, and nix-path
// is skipped when NIX_PATH is set.
func (s *Settings) ApplyConfig(text, whence string) error {
	var pairs [][2]string
	if err := parseConfig(text, whence, &pairs); err != nil {
		return err
	}
	_, envPath := os.LookupEnv("NIX_PATH")
	for pass := 0; pass < 2; pass++ {
		for _, kv := range pairs {
			isFeatures := kv[0] == "experimental-features" || kv[0] == "extra-experimental-features"
			if isFeatures != (pass == 0) {
				continue
			}
			if envPath && (kv[0] == "nix-path" || kv[0] == "extra-nix-path") {
				continue
			}
			if err := s.Set(kv[0], kv[1]); err != nil {
				if u, ok := err.(*UnknownSettingError); ok {
					s.Warnings = append(s.Warnings, u.Error())
					continue
				}
				return err
			}
		}
	}
	return nil
}

// parseConfig splits configuration text into name/value pairs,
// following includes.
func parseConfig(text, whence string, pairs *[][2]string) error {
	for _, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		words := strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' })
		if len(words) == 0 {
			continue
		}
		syntaxErr := &ConfigError{fmt.Sprintf("syntax error in configuration line '%s' in %q", line, whence), true}
		if len(words) < 2 {
			return syntaxErr
		}
		if words[0] == "include" || words[0] == "!include" {
			if len(words) != 2 {
				return syntaxErr
			}
			p := words[1]
			if !filepath.IsAbs(p) {
				p = filepath.Join(filepath.Dir(whence), p)
			}
			data, err := os.ReadFile(p)
			switch {
			case err == nil:
				if err := parseConfig(string(data), p, pairs); err != nil {
					return err
				}
			case os.IsNotExist(err):
				if words[0] == "include" {
					return &ConfigError{Msg: fmt.Sprintf("file %q included from %q not found", p, whence)}
				}
			}
			// Nix ignores an included file it cannot read.
			continue
		}
		if words[1] != "=" {
			return syntaxErr
		}
		*pairs = append(*pairs, [2]string{words[0], strings.Join(words[2:], " ")})
	}
	return nil
}

// SplitNixPath splits a NIX_PATH value as Nix does: on ':', except that
// an entry whose path is a URL (http, https, file, channel, git, s3, ssh
// or a flake: reference) keeps the colon of its scheme. Empty entries
// are dropped (Nix passes the list through a space-separated setting).
func SplitNixPath(s string) []string {
	var out []string
	p := 0
	for p < len(s) {
		start, pathStart := p, p
		for p < len(s) && s[p] != ':' {
			if s[p] == '=' {
				pathStart = p + 1
			}
			p++
		}
		if p == len(s) {
			if p != start {
				out = append(out, s[start:])
			}
			break
		}
		if rest := s[pathStart:]; isPseudoURL(rest) || strings.HasPrefix(rest, "flake:") {
			p++
			for p < len(s) && s[p] != ':' {
				p++
			}
		}
		if p > start {
			out = append(out, s[start:p])
		}
		p++
	}
	return out
}

// isPseudoURL is Nix's test for a search path entry to download.
func isPseudoURL(s string) bool {
	if strings.HasPrefix(s, "channel:") {
		return true
	}
	scheme, _, ok := strings.Cut(s, "://")
	if !ok {
		return false
	}
	switch scheme {
	case "http", "https", "file", "channel", "git", "s3", "ssh":
		return true
	}
	return false
}
