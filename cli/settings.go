package cli

import (
	"fmt"
	"strings"

	"github.com/cairn-nix/cairn/store"
)

// settingFlags are the settings given on a command line, applied in the
// order given over nix.conf, as Nix applies them. Every setting Nix
// knows is a flag: --NAME VALUE, --NAME and --no-NAME for Booleans,
// --extra-NAME VALUE for lists; --option NAME VALUE names any of them.
// One command line has one settingFlags, shared by its option groups.
type settingFlags struct {
	list []settingFlag

	loaded   bool
	settings store.Settings
	err      error
}

type settingFlag struct {
	name, value string
	// viaOption marks --option, for which Nix only warns about a bad
	// value; a bad value of a dedicated flag is an error.
	viaOption bool
}

func newSettingFlags() *settingFlags { return &settingFlags{} }

// parse consumes a setting flag at args[i] and returns how many words it
// used (0 if args[i] is not one).
func (s *settingFlags) parse(args []string, i int) (int, error) {
	a := args[i]
	need := func(n int) error {
		if i+n >= len(args) {
			return missingArg(a, n, len(args)-i-1)
		}
		return nil
	}
	add := func(name, value string) { s.list = append(s.list, settingFlag{name: name, value: value}) }
	// -jN is -j N; a short flag is otherwise on its own.
	if len(a) > 2 && strings.HasPrefix(a, "-j") && a[2] >= '0' && a[2] <= '9' {
		add("max-jobs", a[2:])
		return 1, nil
	}
	switch a {
	case "--option":
		if err := need(2); err != nil {
			return 0, err
		}
		s.list = append(s.list, settingFlag{name: args[i+1], value: args[i+2], viaOption: true})
		return 3, nil
	case "-j":
		if err := need(1); err != nil {
			return 0, err
		}
		add("max-jobs", args[i+1])
		return 2, nil
	case "-k":
		add("keep-going", "true")
		return 1, nil
	case "-K":
		add("keep-failed", "true")
		return 1, nil
	case "--impure":
		add("pure-eval", "false")
		return 1, nil
	}
	name, ok := strings.CutPrefix(a, "--")
	if !ok {
		return 0, nil
	}
	switch {
	case store.IsBoolSetting(name):
		add(name, "true")
		return 1, nil
	case strings.HasPrefix(name, "no-") && store.IsBoolSetting(name[3:]):
		add(name[3:], "false")
		return 1, nil
	case store.IsSetting(name):
		if err := need(1); err != nil {
			return 0, err
		}
		add(name, args[i+1])
		return 2, nil
	}
	return 0, nil
}

// get returns the last value given for a setting on the command line.
func (s *settingFlags) get(name string) (string, bool) {
	for i := len(s.list) - 1; i >= 0; i-- {
		if s.list[i].name == name {
			return s.list[i].value, true
		}
	}
	return "", false
}

// load reads nix.conf and the environment, then applies the flags. The
// warnings (unknown settings, bad --option values) are printed once.
func (s *settingFlags) load(env *Env) (store.Settings, error) {
	if s.loaded {
		return s.settings, s.err
	}
	s.loaded = true
	st, err := store.LoadSettings()
	if err != nil {
		s.err = configError(err)
		return st, s.err
	}
	for _, f := range s.list {
		err := st.Set(f.name, f.value)
		if err == nil {
			continue
		}
		if _, unknown := err.(*store.UnknownSettingError); unknown || f.viaOption {
			st.Warnings = append(st.Warnings, err.Error())
			continue
		}
		s.err = configError(err)
		return st, s.err
	}
	for _, w := range st.Warnings {
		fmt.Fprintf(env.Stderr, "warning: %s\n", w)
	}
	st.Warnings = nil
	s.settings = st
	return st, nil
}

// configError turns the configuration errors Nix reports as usage errors
// into ours, so that the "Try ... --help" line follows.
func configError(err error) error {
	if ce, ok := err.(*store.ConfigError); ok && ce.Usage {
		return &usageError{ce.Msg}
	}
	return err
}
