package store

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Settings are the nix.conf options the store uses.
type Settings struct {
	// Store is the `store` setting: the URI of the store to open ("auto"
	// unless NIX_REMOTE or nix.conf say otherwise).
	Store string
	// KeepOutputs and KeepDerivations widen what the GC keeps alive: the
	// outputs of live derivations, and the derivers of live outputs.
	KeepOutputs, KeepDerivations bool
	// ReservedSize is gc-reserved-space: bytes kept in db/reserved so
	// that a full disk can still be collected.
	ReservedSize int64
}

// DefaultSettings are Nix's defaults, with Store taken from NIX_REMOTE.
func DefaultSettings() Settings {
	s := Settings{Store: "auto", KeepDerivations: true, ReservedSize: 8 << 20}
	if r := os.Getenv("NIX_REMOTE"); r != "" {
		s.Store = r
	}
	return s
}

// LoadSettings starts from DefaultSettings and applies the configuration
// files Nix reads, in its order: $NIX_CONF_DIR/nix.conf (default
// /etc/nix), the user files ($NIX_USER_CONF_FILES, else nix/nix.conf in
// the XDG config directories), then $NIX_CONFIG. Unknown settings are
// ignored: they belong to other parts of Nix.
func LoadSettings() (Settings, error) {
	s := DefaultSettings()
	confDir := os.Getenv("NIX_CONF_DIR")
	if confDir == "" {
		confDir = "/etc/nix"
	}
	if err := s.applyFile(filepath.Join(confDir, "nix.conf"), true); err != nil {
		return s, err
	}
	files := userConfFiles()
	for i := len(files) - 1; i >= 0; i-- {
		if err := s.applyFile(files[i], true); err != nil {
			return s, err
		}
	}
	if c, ok := os.LookupEnv("NIX_CONFIG"); ok {
		if err := s.apply([]byte(c), "NIX_CONFIG", ""); err != nil {
			return s, err
		}
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

func (s *Settings) applyFile(path string, optional bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		if optional && os.IsNotExist(err) {
			return nil
		}
		return fmt.Errorf("reading configuration file '%s': %w", path, err)
	}
	return s.apply(data, path, filepath.Dir(path))
}

// apply reads nix.conf syntax: "name = value" lines, '#' comments and
// (!)include directives relative to dir.
func (s *Settings) apply(data []byte, whence, dir string) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		words := strings.Fields(text)
		if len(words) == 0 {
			continue
		}
		if words[0] == "include" || words[0] == "!include" {
			if len(words) != 2 {
				return fmt.Errorf("%s:%d: syntax error in configuration line '%s'", whence, line, sc.Text())
			}
			p := words[1]
			if !filepath.IsAbs(p) && dir != "" {
				p = filepath.Join(dir, p)
			}
			if err := s.applyFile(p, words[0] == "!include"); err != nil {
				return err
			}
			continue
		}
		if len(words) < 2 || words[1] != "=" {
			return fmt.Errorf("%s:%d: syntax error in configuration line '%s'", whence, line, sc.Text())
		}
		if err := s.Set(words[0], strings.Join(words[2:], " ")); err != nil {
			return fmt.Errorf("%s:%d: %w", whence, line, err)
		}
	}
	return sc.Err()
}

// Set applies one setting by name, as nix.conf or --option would; names it
// does not know are ignored.
func (s *Settings) Set(name, value string) error {
	parseBool := func() (bool, error) {
		switch value {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return false, fmt.Errorf("invalid value '%s' for setting '%s': expected a Boolean", value, name)
	}
	var err error
	switch name {
	case "store":
		s.Store = value
	case "keep-outputs", "gc-keep-outputs":
		s.KeepOutputs, err = parseBool()
	case "keep-derivations", "gc-keep-derivations":
		s.KeepDerivations, err = parseBool()
	case "gc-reserved-space":
		s.ReservedSize, err = strconv.ParseInt(value, 10, 64)
		if err != nil {
			err = fmt.Errorf("invalid value '%s' for setting '%s': expected an integer", value, name)
		}
	}
	return err
}
