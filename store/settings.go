package store

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// Settings are the nix.conf options Cairn reads. The store package owns
// nix.conf because every command opens a store; the evaluation options
// are read here too and handed to the evaluator by the command line.
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
	// Eval holds the evaluation settings.
	Eval EvalSettings
	// Warnings are what Nix warns about while reading the configuration
	// ("unknown setting 'x'"), for the command to print.
	Warnings []string
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

// EvalSettings are the nix.conf options of evaluation.
type EvalSettings struct {
	// Features are the enabled experimental features, in the order given.
	Features []string
	// NixPath is nix-path: "prefix=path" or "path" entries.
	NixPath []string
	// PureEval, RestrictEval: pure-eval and restrict-eval.
	PureEval, RestrictEval bool
	// AllowedURIs is allowed-uris: URI prefixes restricted evaluation
	// may fetch.
	AllowedURIs []string
	ShowTrace   bool
	AbortOnWarn bool
	// AllowIFD is allow-import-from-derivation (default true);
	// TraceIFD is trace-import-from-derivation.
	AllowIFD, TraceIFD bool
	// TarballTTL is tarball-ttl: how many seconds a download is reused
	// (default 3600).
	TarballTTL   int
	MaxCallDepth int
	// System is the system setting; EvalSystem (eval-system), when set,
	// is what builtins.currentSystem says instead.
	System, EvalSystem string
	// Lints are lint-url-literals, lint-absolute-path-literals and
	// lint-short-path-literals by setting name ("" when unset).
	Lints map[string]string
}

// HasFeature reports whether an experimental feature is enabled.
func (e *EvalSettings) HasFeature(f string) bool { return slices.Contains(e.Features, f) }

// ExperimentalFeatures are the experimental features Nix 2.34 knows.
var ExperimentalFeatures = []string{
	"ca-derivations", "impure-derivations", "flakes", "fetch-tree", "nix-command",
	"git-hashing", "recursive-nix", "fetch-closure", "auto-allocate-uids", "cgroups",
	"daemon-trust-override", "dynamic-derivations", "parse-toml-timestamps",
	"read-only-local-store", "local-overlay-store", "configurable-impure-env",
	"mounted-ssh-store", "verified-fetches", "pipe-operators", "external-builders",
	"blake3-hashes",
}

// ThisSystem is Nix's system type of the machine Cairn runs on.
func ThisSystem() string {
	arch := runtime.GOARCH
	switch arch {
	case "amd64":
		arch = "x86_64"
	case "arm64":
		arch = "aarch64"
	case "386":
		arch = "i686"
	case "ppc64le":
		arch = "powerpc64le"
	}
	return arch + "-" + runtime.GOOS
}

// DefaultSettings are Nix's defaults, with Store taken from NIX_REMOTE.
func DefaultSettings() Settings {
	s := Settings{Store: "auto", KeepDerivations: true, ReservedSize: 8 << 20,
		Build: BuildSettings{MaxJobs: 1, Sandbox: "true"},
		Eval:  EvalSettings{AllowIFD: true, MaxCallDepth: 10000, TarballTTL: 3600, System: ThisSystem(), Lints: map[string]string{}}}
	if r := os.Getenv("NIX_REMOTE"); r != "" {
		s.Store = r
	}
	return s
}

// UnknownSettingError is a setting name Nix does not know; Nix warns
// about it and goes on.
type UnknownSettingError struct{ Name string }

func (e *UnknownSettingError) Error() string { return fmt.Sprintf("unknown setting '%s'", e.Name) }

// IsBoolSetting reports whether name (an alias too) is a Boolean setting,
// which Nix's command lines take as --name and --no-name.
func IsBoolSetting(name string) bool {
	k, ok := knownSettings[name]
	return ok && k.kind == kindBool
}

// IsSetting reports whether Nix knows a setting by this name; for
// "extra-NAME", whether NAME is a list setting.
func IsSetting(name string) bool {
	if k, ok := knownSettings[name]; ok {
		return true
	} else if base, ok := strings.CutPrefix(name, "extra-"); ok {
		k, ok = knownSettings[base]
		return ok && k.kind == kindList
	}
	return false
}

type settingKind struct {
	kind      int
	canonical string
}

const (
	kindValue = iota
	kindBool
	kindInt
	kindList
)

// Set applies one setting by name (or alias), as nix.conf or --option
// would; "extra-NAME" appends to a list setting. A name Nix does not know
// gives an *UnknownSettingError; a known one Cairn does not use is
// checked for its type and otherwise ignored.
func (s *Settings) Set(name, value string) error {
	extra := false
	k, known := knownSettings[name]
	if !known {
		if base, ok := strings.CutPrefix(name, "extra-"); ok {
			k, known = knownSettings[base]
			extra = known && k.kind == kindList
			known = extra
		}
	}
	if !known {
		return &UnknownSettingError{name}
	}
	parseBool := func() (bool, error) {
		switch value {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return false, &ConfigError{fmt.Sprintf("Boolean setting '%s' has invalid value '%s'", name, value), true}
	}
	invalid := func() error {
		return &ConfigError{fmt.Sprintf("setting '%s' has invalid value '%s'", name, value), true}
	}
	parseUint := func() (int, error) {
		n, err := strconv.ParseUint(value, 10, 31)
		if err != nil {
			return 0, invalid()
		}
		return int(n), nil
	}
	list := func(old []string) []string {
		if extra {
			return append(old, strings.Fields(value)...)
		}
		return strings.Fields(value)
	}
	switch {
	case k.canonical == "sandbox":
		// A Boolean that also takes "relaxed".
		if value != "relaxed" {
			if _, err := parseBool(); err != nil {
				return &ConfigError{fmt.Sprintf("option '%s' has invalid value '%s'", name, value), true}
			}
		}
	case k.kind == kindBool:
		if _, err := parseBool(); err != nil {
			return err
		}
	case k.kind == kindInt && k.canonical != "max-jobs":
		{
			if _, err := strconv.ParseInt(value, 10, 64); err != nil {
				return invalid()
			}
		}
	}
	b := &s.Build
	e := &s.Eval
	var err error
	switch k.canonical {
	case "experimental-features":
		e.Features = list(e.Features)
		for _, f := range strings.Fields(value) {
			if !slices.Contains(ExperimentalFeatures, f) {
				s.Warnings = append(s.Warnings, fmt.Sprintf("unknown experimental feature '%s'", f))
			}
		}
	case "nix-path":
		e.NixPath = list(e.NixPath)
	case "pure-eval":
		e.PureEval, err = parseBool()
	case "restrict-eval":
		e.RestrictEval, err = parseBool()
	case "allowed-uris":
		e.AllowedURIs = list(e.AllowedURIs)
	case "show-trace":
		e.ShowTrace, err = parseBool()
	case "abort-on-warn":
		e.AbortOnWarn, err = parseBool()
	case "allow-import-from-derivation":
		e.AllowIFD, err = parseBool()
	case "trace-import-from-derivation":
		e.TraceIFD, err = parseBool()
	case "tarball-ttl":
		e.TarballTTL, err = parseUint()
	case "max-call-depth":
		e.MaxCallDepth, err = parseUint()
	case "system":
		e.System = value
	case "eval-system":
		e.EvalSystem = value
	case "lint-url-literals", "lint-absolute-path-literals", "lint-short-path-literals":
		e.Lints[k.canonical] = value
	case "store":
		s.Store = value
	case "keep-outputs":
		s.KeepOutputs, err = parseBool()
	case "keep-derivations":
		s.KeepDerivations, err = parseBool()
	case "gc-reserved-space":
		s.ReservedSize, err = strconv.ParseInt(value, 10, 64)
		if err != nil {
			err = invalid()
		}
	case "max-jobs":
		if value == "auto" {
			b.MaxJobs = runtime.NumCPU()
			break
		}
		n, perr := strconv.ParseUint(value, 10, 31)
		if perr != nil {
			return &ConfigError{fmt.Sprintf("configuration setting '%s' should be 'auto' or an integer", name), true}
		}
		b.MaxJobs = int(n)
	case "cores":
		b.Cores, err = parseUint()
	case "sandbox":
		b.Sandbox = value
	case "sandbox-paths":
		b.SandboxPaths = list(b.SandboxPaths)
	case "keep-going":
		b.KeepGoing, err = parseBool()
	case "keep-failed":
		b.KeepFailed, err = parseBool()
	case "build-dir":
		b.BuildDir = value
	case "substituters":
		b.Substituters = list(b.Substituters)
	case "build-users-group":
		b.BuildUsersGroup = value
	}
	return err
}
