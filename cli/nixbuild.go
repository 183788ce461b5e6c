package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/cairn-nix/cairn/build"
	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/store"
	"github.com/cairn-nix/cairn/syntax"
)

// nix-build and `cairn build`: evaluate to derivations, write them into
// the store, build them, print the outputs and make result symlinks.

type nixBuildFlags struct {
	evalArgs
	buildFlags
	attrPaths []string
	files     []string
	outLink   string
	noOutLink bool
	drvArgs   []string // `cairn build` installables that are .drv paths
}

func parseNixBuildFlags(args []string, modern bool) (*nixBuildFlags, error) {
	f := &nixBuildFlags{evalArgs: newEvalArgs(), outLink: "result"}
	f.buildFlags = newBuildFlags(f.evalArgs.set)
	if modern {
		f.logFormat = "bar"
	}
	args = expandShortFlags(args)
	for i := 0; i < len(args); i++ {
		a := args[i]
		if n, err := f.buildFlags.parse(args, i); err != nil {
			return nil, err
		} else if n > 0 {
			i += n - 1
			continue
		}
		if modern && (a == "-f" || a == "--file") {
			if i+1 >= len(args) {
				return nil, missingLegacyArg(a)
			}
			i++
			f.files = append(f.files, args[i])
			continue
		}
		if modern && a == "--expr" {
			f.exprMode = true
			continue
		}
		if n, err := f.evalArgs.parse(args, i); err != nil {
			return nil, err
		} else if n > 0 {
			i += n - 1
			continue
		}
		switch a {
		case "-A", "--attr", "-o", "--out-link":
			if i+1 >= len(args) {
				return nil, missingLegacyArg(a)
			}
			i++
			if a == "-A" || a == "--attr" {
				f.attrPaths = append(f.attrPaths, args[i])
			} else {
				f.outLink = args[i]
			}
		case "--no-out-link":
			f.noOutLink = true
		case "--json", "--print-out-paths", "--no-link":
			if a == "--no-link" {
				f.noOutLink = true
			}
		default:
			if strings.HasPrefix(a, "-") && a != "-" {
				return nil, &usageError{fmt.Sprintf("unrecognised flag '%s'", a)}
			}
			if modern {
				if strings.Contains(a, ".drv^") || strings.HasSuffix(a, ".drv") || strings.Contains(a, ".drv!") {
					f.drvArgs = append(f.drvArgs, a)
				} else if f.exprMode || len(f.files) > 0 {
					if f.exprMode && len(f.files) == 0 {
						f.files = append(f.files, a)
					} else {
						f.attrPaths = append(f.attrPaths, a)
					}
				} else {
					return nil, &usageError{fmt.Sprintf("installable '%s' is not supported by Cairn yet (use -f FILE ATTR, --expr or a .drv path)", a)}
				}
				continue
			}
			f.files = append(f.files, a)
		}
	}
	f.readWrite = true
	return f, nil
}

func runNixBuild(env *Env, args []string) int { return nixBuild(env, args, false) }

func runCairnBuild(env *Env, args []string) int { return nixBuild(env, args, true) }

func nixBuild(env *Env, args []string, modern bool) int {
	f, err := parseNixBuildFlags(args, modern)
	if err != nil {
		return fail(env, err)
	}
	st, err := f.evalArgs.openStore(env)
	if err != nil {
		return fail(env, err)
	}
	defer st.Close()
	var targets []build.Target
	for _, a := range f.drvArgs {
		t, err := parseDerivedPath(st, a)
		if err != nil {
			return fail(env, err)
		}
		targets = append(targets, t)
	}
	if len(f.files) > 0 || len(f.drvArgs) == 0 {
		ev, err := f.evalArgs.newEvaluator(env)
		if err != nil {
			return fail(env, err)
		}
		ts, code := f.evaluate(env, ev, st, modern)
		if code != 0 {
			return code
		}
		targets = append(targets, ts...)
	}
	o, err := f.buildOptions(env, nil)
	if err != nil {
		return fail(env, err)
	}
	res, err := f.realise(env, st, o, targets)
	if err != nil {
		return buildFailure(env, err)
	}
	if f.dryRun {
		return 0
	}
	cwd, _ := os.Getwd()
	for i, outs := range res {
		for _, name := range sortedKeys(outs) {
			p := outs[name]
			shown := st.PrintPath(p)
			if !f.noOutLink {
				link := f.outLink
				if i > 0 {
					link += "-" + strconv.Itoa(i+1)
				}
				if name != "out" {
					link += "-" + name
				}
				if _, err := st.AddPermRoot(p, absFrom(cwd, link)); err != nil {
					return fail(env, err)
				}
			}
			if !modern {
				fmt.Fprintln(env.Stdout, shown)
			}
		}
	}
	return 0
}

// evaluate instantiates the derivations the files or expressions stand
// for (Nix's getDerivations with the -A paths and --arg values).
func (f *nixBuildFlags) evaluate(env *Env, ev *eval.Evaluator, st *store.Local, modern bool) ([]build.Target, int) {
	cwd, _ := os.Getwd()
	files := f.files
	if len(files) == 0 {
		files = []string{"./default.nix"}
	}
	attrPaths := f.attrPaths
	if len(attrPaths) == 0 {
		attrPaths = []string{""}
	}
	autoArgs, err := f.autoArgs(ev)
	if err != nil {
		return nil, reportEvalError(env, ev, err, f.showTrace)
	}
	var targets []build.Target
	for _, name := range files {
		var e syntax.Expr
		if f.exprMode {
			e, err = ev.ParseString(name, cwd)
		} else {
			var path string
			if path, err = f.lookupFileArg(ev, name); err == nil {
				e, err = ev.ParseFile(ev.ResolveExprPath(path), nil)
			}
		}
		if err != nil {
			return nil, reportEvalError(env, ev, err, f.showTrace)
		}
		root, err := ev.Eval(e)
		if err != nil {
			return nil, reportEvalError(env, ev, err, f.showTrace)
		}
		for _, ap := range attrPaths {
			v, err := ev.FindAlongAttrPath(ap, autoArgs, root)
			if err != nil {
				return nil, reportEvalError(env, ev, err, f.showTrace)
			}
			drvs, err := ev.GetDerivations(v, autoArgs)
			if err != nil {
				return nil, reportEvalError(env, ev, err, f.showTrace)
			}
			for _, d := range drvs {
				drvPath, outName, err := ev.DrvPathOf(d)
				if err != nil {
					return nil, reportEvalError(env, ev, err, f.showTrace)
				}
				p, err := st.ParsePath(drvPath)
				if err != nil {
					return nil, fail(env, err)
				}
				targets = append(targets, build.Target{Drv: p, Outputs: []string{outName}})
			}
		}
	}
	return targets, 0
}

// runLog is `cairn log`: the build log of an installable (a store path).
func runLog(env *Env, args []string) int {
	o := newStoreOpts()
	var paths []string
	for i := 0; i < len(args); i++ {
		if n, err := o.parse(args, i); err != nil {
			return fail(env, err)
		} else if n > 0 {
			i += n - 1
			continue
		}
		paths = append(paths, strings.TrimSuffix(strings.SplitN(args[i], "^", 2)[0], "!out"))
	}
	st, err := o.open(env)
	if err != nil {
		return fail(env, err)
	}
	defer st.Close()
	for _, p := range paths {
		if err := printLog(env, st, p); err != nil {
			return fail(env, err)
		}
	}
	return 0
}
