package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/syntax"
)

// instantiateFlags are nix-instantiate's options.
type instantiateFlags struct {
	parse     bool
	exprs     bool // -E: arguments are expressions
	files     []string
	features  []string
	lint      map[string]syntax.Lint
	showTrace bool
}

func parseInstantiateFlags(args []string) (*instantiateFlags, error) {
	f := &instantiateFlags{lint: map[string]syntax.Lint{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		need := func() (string, error) {
			if i+1 >= len(args) {
				return "", &usageError{fmt.Sprintf("flag '%s' requires an argument", a)}
			}
			i++
			return args[i], nil
		}
		switch a {
		case "--parse":
			f.parse = true
		case "-E", "--expr":
			f.exprs = true
		case "--show-trace":
			f.showTrace = true
		case "--extra-experimental-features", "--experimental-features":
			v, err := need()
			if err != nil {
				return nil, err
			}
			f.features = append(f.features, strings.Fields(v)...)
		case "--lint-url-literals", "--lint-absolute-path-literals", "--lint-short-path-literals":
			v, err := need()
			if err != nil {
				return nil, err
			}
			l, err := syntax.ParseLint(v)
			if err != nil {
				return nil, &usageError{fmt.Sprintf("option '%s': %v", a, err)}
			}
			f.lint[a[2:]] = l
		default:
			if strings.HasPrefix(a, "-") && a != "-" {
				return nil, &usageError{fmt.Sprintf("unrecognised flag '%s' (not supported by Cairn's nix-instantiate yet)", a)}
			}
			f.files = append(f.files, a)
		}
	}
	return f, nil
}

func (f *instantiateFlags) hasFeature(name string) bool {
	for _, x := range f.features {
		if x == name {
			return true
		}
	}
	return false
}

func runInstantiate(env *Env, args []string) int {
	f, err := parseInstantiateFlags(args)
	if err != nil {
		return fail(env, err)
	}
	if !f.parse {
		return notYet(env, "nix-instantiate without --parse")
	}
	if len(f.files) == 0 {
		f.files = []string{"-"}
	}
	for _, name := range f.files {
		if code := parseOne(env, f, name); code != 0 {
			return code
		}
	}
	return 0
}

func parseOne(env *Env, f *instantiateFlags, name string) int {
	fs := syntax.NewFileSet()
	cwd, _ := os.Getwd()
	opts := &syntax.Options{
		BaseDir:                  cwd,
		Home:                     os.Getenv("HOME"),
		Pipes:                    f.hasFeature("pipe-operators"),
		LintURLLiterals:          f.lint["lint-url-literals"],
		LintAbsolutePathLiterals: f.lint["lint-absolute-path-literals"],
		LintShortPathLiterals:    f.lint["lint-short-path-literals"],
		Warn:                     func(text string) { fmt.Fprintln(env.Stderr, text) },
	}
	var file *syntax.File
	switch {
	case f.exprs:
		file = fs.AddFile("", syntax.OriginString, []byte(name))
	case name == "-":
		src, err := io.ReadAll(env.Stdin)
		if err != nil {
			return fail(env, fmt.Errorf("reading standard input: %w", err))
		}
		file = fs.AddFile("", syntax.OriginStdin, src)
	default:
		abs, err := filepath.Abs(name)
		if err != nil {
			return fail(env, err)
		}
		src, err := os.ReadFile(abs)
		if err != nil {
			return fail(env, fmt.Errorf("reading '%s': %w", abs, err))
		}
		file = fs.AddFile(abs, syntax.OriginPath, src)
		opts.BaseDir = filepath.Dir(abs)
	}
	e, err := syntax.Parse(fs, file, opts)
	if err == nil {
		err = syntax.Bind(fs, e, eval.BaseScope())
	}
	if err != nil {
		if se, ok := err.(*syntax.Error); ok {
			fmt.Fprintln(env.Stderr, se.Render())
			return 1
		}
		return fail(env, err)
	}
	fmt.Fprintln(env.Stdout, syntax.Show(e))
	return 0
}
