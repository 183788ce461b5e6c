package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/syntax"
)

// instantiateFlags are nix-instantiate's options.
type instantiateFlags struct {
	evalArgs
	parse, evalOnly, strict, readStdin, findFile bool
	output                                       string // "", "raw", "json", "xml"
	noLocation                                   bool
	attrPaths                                    []string
	files                                        []string
	readWrite                                    bool
	addRoot                                      string
	version                                      bool
	rootNr                                       int
	warnedGC                                     bool
}

func parseInstantiateFlags(args []string) (*instantiateFlags, error) {
	f := &instantiateFlags{evalArgs: newEvalArgs()}
	args = expandShortFlags(args)
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			// Only files follow, and none may look like a flag.
			for _, rest := range args[i+1:] {
				switch {
				case rest == "-":
					f.readStdin = true
				case strings.HasPrefix(rest, "-"):
					return nil, &usageError{fmt.Sprintf("unexpected argument '%s'", rest)}
				default:
					f.files = append(f.files, rest)
				}
			}
			break
		}
		if n, err := f.evalArgs.parse(args, i); err != nil {
			return nil, err
		} else if n > 0 {
			i += n - 1
			continue
		}
		switch a {
		case "--parse", "--parse-only":
			f.parse, f.evalOnly = true, true
		case "--eval", "--eval-only":
			f.evalOnly = true
		case "--strict":
			f.strict = true
		case "--version":
			f.version = true
		case "--raw":
			f.output = "raw"
		case "--json":
			f.output = "json"
		case "--xml":
			f.output = "xml"
		case "--no-location":
			f.noLocation = true
		case "--read-write-mode":
			f.readWrite = true
		case "--find-file":
			f.findFile = true
		case "-A", "--attr":
			if i+1 >= len(args) {
				return nil, missingLegacyArg(a)
			}
			i++
			f.attrPaths = append(f.attrPaths, args[i])
		case "-":
			f.readStdin = true
		case "--add-root":
			if i+1 >= len(args) {
				return nil, missingLegacyArg(a)
			}
			i++
			f.addRoot = args[i]
		case "--dry-run", "--indirect":
		default:
			if strings.HasPrefix(a, "-") {
				return nil, &usageError{fmt.Sprintf("unrecognised flag '%s'", a)}
			}
			f.files = append(f.files, a)
		}
	}
	return f, nil
}

func runInstantiate(env *Env, args []string) int {
	f, err := parseInstantiateFlags(args)
	if err != nil {
		return fail(env, err)
	}
	if f.version {
		fmt.Fprintln(env.Stdout, "nix-instantiate (Nix) 2.34.8")
		return 0
	}
	// As in Nix, only --eval without --read-write-mode keeps the store
	// untouched.
	f.evalArgs.readWrite = !f.evalOnly || f.readWrite
	ev, err := f.evalArgs.newEvaluator(env)
	if err != nil {
		return fail(env, err)
	}
	start := time.Now()
	code := instantiate(env, f, ev)
	f.evalArgs.showStats(env, ev, time.Since(start))
	return code
}

func instantiate(env *Env, f *instantiateFlags, ev *eval.Evaluator) int {
	if len(f.attrPaths) == 0 {
		f.attrPaths = []string{""}
	}
	cwd, _ := os.Getwd()
	if f.findFile {
		for _, name := range f.files {
			v, err := ev.FindFile(name)
			if err != nil {
				return reportEvalError(env, ev, err, f.showTrace)
			}
			if _, builtIn := eval.CorepkgsPath(v); builtIn {
				return fail(env, fmt.Errorf("'%s' has no physical path", eval.ShowPath(eval.Path(v))))
			}
			fmt.Fprintln(env.Stdout, v)
		}
		return 0
	}
	var exprs []syntax.Expr
	if f.readStdin {
		src, err := io.ReadAll(env.Stdin)
		if err != nil {
			return fail(env, fmt.Errorf("reading standard input: %w", err))
		}
		e, err := ev.Parse(src, syntax.OriginStdin, "", cwd, nil)
		if err != nil {
			return reportEvalError(env, ev, err, f.showTrace)
		}
		exprs = append(exprs, e)
	} else if len(f.files) == 0 && !f.exprMode {
		f.files = []string{"./default.nix"}
	}
	for _, name := range f.files {
		var e syntax.Expr
		var err error
		if f.exprMode {
			e, err = ev.ParseString(name, cwd)
		} else {
			var path string
			path, err = f.lookupFileArg(ev, name)
			if err == nil {
				e, err = ev.ParseFile(ev.ResolveExprPath(path), nil)
			}
		}
		if err != nil {
			return reportEvalError(env, ev, err, f.showTrace)
		}
		exprs = append(exprs, e)
	}
	for _, e := range exprs {
		if code := f.process(env, ev, e); code != 0 {
			return code
		}
	}
	return 0
}

func (f *instantiateFlags) process(env *Env, ev *eval.Evaluator, e syntax.Expr) int {
	if f.parse {
		fmt.Fprintln(env.Stdout, syntax.Show(e))
		return 0
	}
	root, err := ev.Eval(e)
	if err != nil {
		return reportEvalError(env, ev, err, f.showTrace)
	}
	autoArgs, err := f.autoArgs(ev)
	if err != nil {
		return reportEvalError(env, ev, err, f.showTrace)
	}
	for _, ap := range f.attrPaths {
		v, err := ev.FindAlongAttrPath(ap, autoArgs, root)
		if err == nil {
			v, err = ev.Force(v, syntax.NoPos)
		}
		if err != nil {
			return reportEvalError(env, ev, err, f.showTrace)
		}
		if !f.evalOnly {
			if code := f.printDerivations(env, ev, v, autoArgs); code != 0 {
				return code
			}
			continue
		}
		if autoArgs.Len() > 0 {
			v, err = ev.AutoCallFunction(autoArgs, v)
			if err != nil {
				return reportEvalError(env, ev, err, f.showTrace)
			}
		}
		var out string
		switch f.output {
		case "raw":
			// As in Nix, a path is copied to the store first.
			out, _, err = ev.CoerceToString(syntax.NoPos, v, "while generating the nix-instantiate output", false, true)
		case "json":
			out, err = ev.ToJSON(v, f.strict)
			out += "\n"
		case "xml":
			// Written as it goes: Nix prints what it could before an error.
			err = ev.WriteXML(env.Stdout, v, f.strict, !f.noLocation)
		default:
			if f.strict {
				err = ev.ForceDeep(v)
			}
			if err == nil {
				out, err = ev.PrintAmbiguous(v)
				out += "\n"
			}
		}
		if err != nil {
			return reportEvalError(env, ev, err, f.showTrace)
		}
		io.WriteString(env.Stdout, out)
	}
	return 0
}

// reportEvalError prints an evaluation error as Nix does.
func reportEvalError(env *Env, ev *eval.Evaluator, err error, showTrace bool) int {
	switch e := err.(type) {
	case *eval.Error:
		fmt.Fprintln(env.Stderr, e.Render(showTrace))
		if e.Kind == eval.UsageErr {
			fmt.Fprintln(env.Stderr, "Try 'nix-instantiate --help' for more information.")
		}
		if e.Kind == eval.HashMismatchErr {
			return 102 // Nix's exit status for a hash mismatch
		}
	case *syntax.Error:
		fmt.Fprintln(env.Stderr, e.Render())
	default:
		fmt.Fprintf(env.Stderr, "error: %v\n", err)
	}
	return 1
}

func absFrom(cwd, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(cwd, p)
}

// printDerivations writes the derivations v stands for and prints their
// .drv paths (with "!output" for outputs other than out), as
// nix-instantiate does without --eval.
func (f *instantiateFlags) printDerivations(env *Env, ev *eval.Evaluator, v eval.Value, autoArgs *eval.Attrs) int {
	drvs, err := ev.GetDerivations(v, autoArgs)
	if err != nil {
		return reportEvalError(env, ev, err, f.showTrace)
	}
	for _, d := range drvs {
		drvPath, outName, err := ev.DrvPathOf(d)
		if err != nil {
			return reportEvalError(env, ev, err, f.showTrace)
		}
		shown := drvPath
		if f.addRoot == "" {
			if !f.warnedGC {
				fmt.Fprintln(env.Stderr, "warning: you did not specify '--add-root'; the result might be removed by the garbage collector")
				f.warnedGC = true
			}
		} else {
			cwd, _ := os.Getwd()
			root := absFrom(cwd, f.addRoot)
			if f.rootNr++; f.rootNr > 1 {
				root += fmt.Sprintf("-%d", f.rootNr)
			}
			if shown, err = f.addPermRoot(env, drvPath, root); err != nil {
				return fail(env, err)
			}
		}
		if outName != "out" {
			shown += "!" + outName
		}
		fmt.Fprintln(env.Stdout, shown)
	}
	return 0
}

func (f *instantiateFlags) addPermRoot(env *Env, drvPath, root string) (string, error) {
	st, err := f.evalArgs.openStore(env)
	if err != nil {
		return "", err
	}
	p, err := st.Dir().Parse(drvPath)
	if err != nil {
		return "", err
	}
	return st.AddPermRoot(p, root)
}
