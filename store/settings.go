package store

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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
	// Build holds the build settings (the build package reads them).
	Build BuildSettings
}

// BuildSettings are the nix.conf options of building.
type BuildSettings struct {
	// MaxJobs is max-jobs ("auto" is the number of CPUs).
	MaxJobs int
	// Cores is cores: NIX_BUILD_CORES, 0 for all of them.
	Cores int
	// Sandbox is "true", "false" or "relaxed".
	Sandbox string
	// SandboxPaths are the sandbox-paths words: "inside=host", "path",
	// with a "?" suffix for optional ones.
	SandboxPaths []string
	// KeepGoing, KeepFailed: keep-going and keep-failed.
	KeepGoing, KeepFailed bool
	// BuildDir is build-dir ("" for the temporary directory).
	BuildDir string
	// Substituters and BuildUsersGroup are accepted; Cairn neither
	// substitutes nor builds as other users.
	Substituters    []string
	BuildUsersGroup string
}

// DefaultSettings are Nix's defaults, with Store taken from NIX_REMOTE.
func DefaultSettings() Settings {
	s := Settings{Store: "auto", KeepDerivations: true, ReservedSize: 8 << 20,
		Build: BuildSettings{MaxJobs: 1, Sandbox: "true"}}
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
// does not know are ignored. "extra-NAME" appends to a list setting.
func (s *Settings) Set(name, value string) error {
	parseBool := func() (bool, error) {
		switch value {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return false, fmt.Errorf("Boolean setting '%s' has invalid value '%s'", name, value)
	}
	parseUint := func() (int, error) {
		n, err := strconv.ParseUint(value, 10, 31)
		if err != nil {
			return 0, fmt.Errorf("setting '%s' has invalid value '%s'", name, value)
		}
		return int(n), nil
	}
	b := &s.Build
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
			err = fmt.Errorf("setting '%s' has invalid value '%s'", name, value)
		}
	case "max-jobs", "build-max-jobs":
		if value == "auto" {
			b.MaxJobs = runtime.NumCPU()
			break
		}
		n, perr := strconv.ParseUint(value, 10, 31)
		if perr != nil {
			return fmt.Errorf("configuration setting '%s' should be 'auto' or an integer", name)
		}
		b.MaxJobs = int(n)
	case "cores", "build-cores":
		b.Cores, err = parseUint()
	case "sandbox", "build-use-sandbox", "build-use-chroot":
		switch value {
		case "true", "false", "relaxed":
			b.Sandbox = value
		default:
			err = fmt.Errorf("option '%s' has invalid value '%s'", name, value)
		}
	case "sandbox-paths", "build-sandbox-paths", "build-chroot-dirs":
		b.SandboxPaths = strings.Fields(value)
	case "extra-sandbox-paths", "build-extra-sandbox-paths", "build-extra-chroot-dirs":
		b.SandboxPaths = append(b.SandboxPaths, strings.Fields(value)...)
	case "keep-going":
		b.KeepGoing, err = parseBool()
	case "keep-failed":
		b.KeepFailed, err = parseBool()
	case "build-dir":
		b.BuildDir = value
	case "substituters", "binary-caches":
		b.Substituters = strings.Fields(value)
	case "extra-substituters", "extra-binary-caches":
		b.Substituters = append(b.Substituters, strings.Fields(value)...)
	case "build-users-group":
		b.BuildUsersGroup = value
	}
	return err
}
