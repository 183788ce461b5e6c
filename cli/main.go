package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
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
