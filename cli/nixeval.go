package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/syntax"
)

// `nix eval`: evaluate an expression (--expr) or a file (--file), select
// an attribute path in it, optionally apply a function, and print the
// value as Nix's value printer, JSON (--json) or a raw string (--raw).
// Flake installables are not supported yet.

type nixEvalFlags struct {
	evalArgs
	file, expr, apply string
	haveFile, json    bool
	raw               bool
	installables      []string
}

func parseNixEvalFlags(args []string) (*nixEvalFlags, error) {
	f := &nixEvalFlags{evalArgs: newEvalArgs()}
	// Pure unless --impure; an expression from a file is impure, as in
	// Nix (it cannot otherwise read the file's neighbours).
	f.set.list = append(f.set.list, settingFlag{name: "pure-eval", value: "true"})
	args = expandShortFlags(args)
	need := func(i int) error {
		if i+1 >= len(args) {
			return missingArg(args[i], 1, 0)
		}
		return nil
	}
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "--expr":
			if err := need(i); err != nil {
				return nil, err
			}
			i++
			f.expr, f.exprMode = args[i], true
			continue
		case "-f", "--file":
			if err := need(i); err != nil {
				return nil, err
			}
			i++
			f.file, f.haveFile = args[i], true
			continue
		case "--apply":
			if err := need(i); err != nil {
				return nil, err
			}
			i++
			f.apply = args[i]
			continue
		case "--json":
			f.json = true
			continue
		case "--raw":
			f.raw = true
			continue
		case "--read-only", "--no-write-lock-file", "--offline", "--refresh":
			continue
		case "--write-to":
			return nil, &usageError{"'nix eval --write-to' is not implemented in Cairn yet"}
		}
		if n, err := f.evalArgs.parse(args, i); err != nil {
			return nil, err
		} else if n > 0 {
			i += n - 1
			continue
		}
		if strings.HasPrefix(args[i], "-") {
			return nil, &usageError{fmt.Sprintf("unrecognised flag '%s'", args[i])}
		}
		f.installables = append(f.installables, args[i])
	}
	if f.haveFile && f.exprMode {
		return nil, &usageError{"'--file' and '--expr' are exclusive"}
	}
	if f.haveFile {
		f.set.list = append(f.set.list, settingFlag{name: "pure-eval", value: "false"})
	}
	if len(f.installables) > 1 {
		return nil, &usageError{"'nix eval' takes at most one installable"}
	}
	return f, nil
}

func runNixEval(env *Env, args []string) int {
	f, err := parseNixEvalFlags(args)
	if err != nil {
		return fail(env, err)
	}
	if !f.haveFile && !f.exprMode {
		return notYet(env, "nix eval of a flake installable")
	}
	f.readWrite = true // nix eval may add sources to the store
	ev, err := f.newEvaluator(env)
	if err != nil {
		return fail(env, err)
	}
	v, err := f.value(ev)
	if err != nil {
		return reportEvalError(env, ev, err, f.showTrace)
	}
	var out string
	switch {
	case f.json:
		out, err = ev.ToJSON(v, true)
		out += "\n"
	case f.raw:
		out, _, err = ev.CoerceToString(syntax.NoPos, v, "while generating the eval command output", false, true)
	default:
		// An error at the top stops the command; one inside the value
		// is printed in its place, as Nix does.
		if v, err = ev.Force(v, syntax.NoPos); err == nil {
			out = ev.PrintValue(v, eval.PrintOptions{Force: true, DerivationPaths: true}) + "\n"
		}
	}
	if err != nil {
		return reportEvalError(env, ev, err, f.showTrace)
	}
	io.WriteString(env.Stdout, out)
	return 0
}

// value is the installable's value: the file or expression, called with
// the --arg values, the attribute path selected, --apply applied.
func (f *nixEvalFlags) value(ev *eval.Evaluator) (eval.Value, error) {
	cwd, _ := os.Getwd()
	var e syntax.Expr
	var err error
	if f.exprMode {
		e, err = ev.ParseString(f.expr, cwd)
	} else {
		var path string
		if path, err = f.lookupFileArg(ev, f.file); err == nil {
			e, err = ev.ParseFile(ev.ResolveExprPath(path), nil)
		}
	}
	if err != nil {
		return nil, err
	}
	root, err := ev.Eval(e)
	if err != nil {
		return nil, err
	}
	// As in Nix, the --arg values reach functions met along the
	// attribute path, not the value the path ends at.
	autoArgs, err := f.autoArgs(ev)
	if err != nil {
		return nil, err
	}
	attrPath := ""
	if len(f.installables) == 1 {
		attrPath = f.installables[0]
	}
	v, err := ev.FindAlongAttrPath(attrPath, autoArgs, root)
	if err != nil {
		return nil, err
	}
	if f.apply != "" {
		fe, err := ev.ParseString(f.apply, cwd)
		if err != nil {
			return nil, err
		}
		fn, err := ev.Eval(fe)
		if err != nil {
			return nil, err
		}
		if v, err = ev.CallFunction(fn, []eval.Value{v}, syntax.NoPos); err != nil {
			return nil, err
		}
	}
	return v, nil
}
