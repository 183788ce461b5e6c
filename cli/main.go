package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-nix/cairn/store"
)

// Env is what a command runs with.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Prog is the command's name as Nix shows it in "Try 'PROG --help'".
	Prog string
	// closers run when the command ends (stores opened along the way).
	closers []func()
}

// atExit runs f when the command ends.
func (env *Env) atExit(f func()) { env.closers = append(env.closers, f) }

// Main runs the command named by args[0] and returns its exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// The collector is paced for evaluation (see gcpace.go) unless the
	// user chose a setting.
	if os.Getenv("GOGC") == "" {
		paceGC()
	}
	defer startProfiles()()
	name := filepath.Base(args[0])
	env := &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Prog: name}
	defer func() {
		for i := len(env.closers) - 1; i >= 0; i-- {
			env.closers[i]()
		}
	}()
	switch name {
	case "nix-instantiate":
		return runInstantiate(env, args[1:])
	case "nix-store":
		return runNixStore(env, args[1:])
	case "nix-hash":
		return runNixHash(env, args[1:])
	case "nix-collect-garbage":
		return runCollectGarbage(env, args[1:])
	case "nix-build":
		return runNixBuild(env, args[1:])
	case "nix-shell", "nix-env":
		return notYet(env, name)
	case "nix":
		return runNix(env, args[1:])
	}
	return runCairn(env, args[1:])
}

// usageError is a bad command line: printed as "error: ..." with a hint.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func notYet(env *Env, what string) int {
	fmt.Fprintf(env.Stderr, "error: '%s' is not implemented in Cairn yet\n", what)
	return 1
}

func fail(env *Env, err error) int {
	msg := err.Error()
	if !strings.HasPrefix(msg, "error:") {
		msg = "error: " + msg
	}
	fmt.Fprintln(env.Stderr, msg)
	if _, usage := err.(*usageError); usage && env.Prog != "" {
		fmt.Fprintf(env.Stderr, "Try '%s --help' for more information.\n", env.Prog)
	}
	return 1
}

func runNix(env *Env, args []string) int {
	if len(args) == 0 {
		return fail(env, &usageError{"no subcommand given; try 'nix --help'"})
	}
	// Scripts read "nix (Nix) X.Y.Z" to learn which Nix they talk to.
	if args[0] == "--version" {
		fmt.Fprintln(env.Stdout, "nix (Nix) 2.34.8")
		return 0
	}
	// As nix, the commands need Nix's nix-command feature (cairn does
	// not ask for it).
	if !nixCommandEnabled(args) {
		return fail(env, fmt.Errorf("experimental Nix feature 'nix-command' is disabled; add '--extra-experimental-features nix-command' to enable it"))
	}
	return runCairn(env, args)
}

func runCairn(env *Env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "usage: cairn COMMAND [ARGS...]; see README.md")
		return 1
	}
	switch args[0] {
	case "--version", "version":
		fmt.Fprintln(env.Stdout, "cairn (Nix) 2.34.8")
		return 0
	}
	args = settingsAfterCommand(args)
	switch args[0] {
	case "build":
		return runCairnBuild(env, args[1:])
	case "log":
		return runLog(env, args[1:])
	case "eval":
		return runNixEval(env, args[1:])
	}
	if run, ok := storeCommands[args[0]]; ok {
		return run(env, args[1:])
	}
	return notYet(env, "cairn "+args[0])
}

// missingArg is Nix's error for a flag given too few arguments: have of
// the n it needs.
func missingArg(flag string, n, have int) error {
	return &usageError{fmt.Sprintf("flag '%s' requires %d argument(s), but only %d were given", flag, n, have)}
}

// missingLegacyArg is the same error for the flags of the nix-* commands'
// own parsers (-A, -o, --add-root, ...).
func missingLegacyArg(flag string) error {
	return &usageError{fmt.Sprintf("'%s' requires an argument", flag)}
}

// nixCommandEnabled reports whether nix.conf, the environment or the
// command line enables the nix-command feature. A configuration that
// cannot be read counts as enabled: the command reports the error.
func nixCommandEnabled(args []string) bool {
	s, err := store.LoadSettings()
	if err != nil {
		return true
	}
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "--experimental-features", "--extra-experimental-features":
			if i+1 < len(args) {
				s.Set(a[2:], args[i+1])
				i++
			}
		case "--option":
			if i+2 < len(args) && strings.HasSuffix(args[i+1], "experimental-features") {
				s.Set(args[i+1], args[i+2])
				i += 2
			}
		}
	}
	return s.Eval.HasFeature("nix-command")
}

// settingsAfterCommand moves setting flags given before the subcommand
// ("nix --option x y eval ...") after it, where its parser reads them.
func settingsAfterCommand(args []string) []string {
	var lead []string
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		n, err := newSettingFlags().parse(args, 0)
		if err != nil || n == 0 {
			break
		}
		lead = append(lead, args[:n]...)
		args = args[n:]
	}
	if len(lead) == 0 || len(args) == 0 {
		return append(lead, args...)
	}
	return append(append([]string{args[0]}, lead...), args[1:]...)
}
