package derivation

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// ParseError is a malformed .drv file. Offset is the byte where the
// problem was found; Line and Col (1-based, columns in bytes) locate it
// too, since strings may hold raw newlines.
type ParseError struct {
	Name   string // derivation name, if known
	Offset int
	Line   int
	Col    int
	Msg    string
}

func (e *ParseError) Error() string {
	where := fmt.Sprintf("line %d, column %d (byte %d)", e.Line, e.Col, e.Offset)
	if e.Name != "" {
		return fmt.Sprintf("parsing derivation %q: %s: %s", e.Name, where, e.Msg)
	}
	return fmt.Sprintf("parsing derivation: %s: %s", where, e.Msg)
}

// atermVersion is the ATerm dialect: plain "Derive(" or the versioned
// "DrvWithVersion(" form that dynamic-derivation inputs need.
type atermVersion uint8

const (
	versionTraditional atermVersion = iota
	versionDynamic
)

// dynamicVersionTag is the only DrvWithVersion version Nix knows so far.
const dynamicVersionTag = "xp-dyn-drv"

type parser struct {
	src  string
	pos  int
	name string
	dir  storepath.Dir
}

func (p *parser) errAt(off int, format string, args ...any) error {
	line := 1 + strings.Count(p.src[:off], "\n")
	col := off - strings.LastIndexByte(p.src[:off], '\n')
	return &ParseError{Name: p.name, Offset: off, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// describe names what is at the current position, for "expected" errors.
func (p *parser) describe() string {
	if p.pos >= len(p.src) {
		return "end of input"
	}
	return fmt.Sprintf("%q", p.src[p.pos])
}

func (p *parser) expect(s, what string) error {
	if !strings.HasPrefix(p.src[p.pos:], s) {
		return p.errAt(p.pos, "expected '%s' %s, found %s", s, what, p.describe())
	}
	p.pos += len(s)
	return nil
}

func (p *parser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

// endOfList mirrors Nix's list syntax exactly: a ',' before an element
// is consumed (so "[,a]" and "[a b]"-style lists without commas are
// accepted, as Nix accepts them), and ']' ends the list.
func (p *parser) endOfList() bool {
	switch p.peek() {
	case ',':
		p.pos++
		return false
	case ']':
		p.pos++
		return true
	}
	return false
}

// str reads a quoted string. A backslash escapes the next byte; \n, \r
// and \t stand for control characters, any other escaped byte for
// itself. Raw newlines are allowed.
func (p *parser) str(what string) (string, int, error) {
	start := p.pos
	if p.peek() != '"' {
		return "", start, p.errAt(p.pos, "expected '\"' to start %s, found %s", what, p.describe())
	}
	i := p.pos + 1
	// Fast path: no escapes before the closing quote.
	if j := strings.IndexAny(p.src[i:], "\"\\"); j >= 0 && p.src[i+j] == '"' {
		p.pos = i + j + 1
		return p.src[i : i+j], start, nil
	}
	var b strings.Builder
	for i < len(p.src) {
		c := p.src[i]
		switch c {
		case '"':
			p.pos = i + 1
			return b.String(), start, nil
		case '\\':
			if i+1 >= len(p.src) {
				return "", start, p.errAt(start, "unterminated string in %s", what)
			}
			switch e := p.src[i+1]; e {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(e)
			}
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return "", start, p.errAt(start, "unterminated string in %s", what)
}

// storePath reads a string holding a store path in canonical form: the
// store directory, '/', and a valid base name, with nothing else.
func (p *parser) storePath(what string) (storepath.StorePath, error) {
	s, at, err := p.str(what)
	if err != nil {
		return storepath.StorePath{}, err
	}
	return p.checkStorePath(s, at, what)
}

func (p *parser) checkStorePath(s string, at int, what string) (storepath.StorePath, error) {
	rest, ok := strings.CutPrefix(s, p.dir.Path()+"/")
	if !ok {
		return storepath.StorePath{}, p.errAt(at, "%s '%s' is not in the Nix store %s", what, s, p.dir.Path())
	}
	sp, err := storepath.ParseBaseName(rest)
	if err != nil {
		return storepath.StorePath{}, p.errAt(at, "%s: %v", what, err)
	}
	return sp, nil
}

// strings reads a list of strings into a sorted set, as Nix does.
func (p *parser) stringSet(what string) ([]string, error) {
	if err := p.expect("[", "to start "+what); err != nil {
		return nil, err
	}
	var res []string
	for !p.endOfList() {
		s, _, err := p.str(what)
		if err != nil {
			return nil, err
		}
		res = append(res, s)
	}
	return sortStrings(res), nil
}

// Parse parses the ATerm text of a derivation named name (the .drv
// path's name without ".drv") in the default store /nix/store.
func Parse(src []byte, name string) (*Derivation, error) {
	return ParseInStore(src, name, storepath.Default)
}

// ParseFile reads and parses a .drv file, taking the name from the file
// name ("<hash>-<name>.drv").
func ParseFile(path string, dir storepath.Dir) (*Derivation, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	base := filepath.Base(path)
	sp, err := storepath.ParseBaseName(base)
	if err != nil || !sp.IsDerivation() {
		return nil, fmt.Errorf("parsing derivation %s: file name is not a store path ending in .drv", path)
	}
	return ParseInStore(src, strings.TrimSuffix(sp.Name(), storepath.DrvExtension), dir)
}

// ParseInStore parses a derivation whose paths are in store dir. It
// accepts exactly what Nix accepts, including oddities such as lists
// without commas and trailing bytes after the closing parenthesis, and
// rejects what Nix rejects, including a fixed output whose stated path
// does not match its content address. Experimental features are not
// checked: callers decide which derivation types they allow.
func ParseInStore(src []byte, name string, dir storepath.Dir) (*Derivation, error) {
	p := &parser{src: string(src), name: name, dir: dir}
	d, err := p.derivation()
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (p *parser) derivation() (*Derivation, error) {
	d := &Derivation{Name: p.name, Outputs: map[string]Output{}, Env: map[string]string{}}
	if p.name == "" {
		return nil, p.errAt(0, "derivation name is empty")
	}
	version := versionTraditional
	switch {
	case strings.HasPrefix(p.src, "Derive("):
		p.pos = len("Derive(")
	case strings.HasPrefix(p.src, "DrvWithVersion("):
		p.pos = len("DrvWithVersion(")
		v, at, err := p.str("version")
		if err != nil {
			return nil, err
		}
		if v != dynamicVersionTag {
			return nil, p.errAt(at, "unknown derivation ATerm format version '%s'", v)
		}
		version = versionDynamic
		if err := p.expect(",", "after the version"); err != nil {
			return nil, err
		}
	default:
		return nil, p.errAt(0, "derivation does not start with 'Derive(' or 'DrvWithVersion('")
	}

	if err := p.expect("[", "to start the outputs"); err != nil {
		return nil, err
	}
	for !p.endOfList() {
		if err := p.output(d); err != nil {
			return nil, err
		}
	}

	if err := p.expect(",[", "before the input derivations"); err != nil {
		return nil, err
	}
	for !p.endOfList() {
		if err := p.inputDrv(d, version); err != nil {
			return nil, err
		}
	}

	if err := p.expect(",", "before the input sources"); err != nil {
		return nil, err
	}
	if err := p.expect("[", "to start the input sources"); err != nil {
		return nil, err
	}
	for !p.endOfList() {
		sp, err := p.storePath("input source")
		if err != nil {
			return nil, err
		}
		d.InputSrcs = append(d.InputSrcs, sp)
	}
	d.InputSrcs = sortPaths(d.InputSrcs)

	var err error
	if err = p.expect(",", "before the platform"); err != nil {
		return nil, err
	}
	if d.Platform, _, err = p.str("platform"); err != nil {
		return nil, err
	}
	if err = p.expect(",", "before the builder"); err != nil {
		return nil, err
	}
	if d.Builder, _, err = p.str("builder"); err != nil {
		return nil, err
	}

	if err = p.expect(",[", "before the arguments"); err != nil {
		return nil, err
	}
	for !p.endOfList() {
		a, _, err := p.str("argument")
		if err != nil {
			return nil, err
		}
		d.Args = append(d.Args, a)
	}

	if err = p.expect(",[", "before the environment"); err != nil {
		return nil, err
	}
	for !p.endOfList() {
		if err := p.expect("(", "to start an environment variable"); err != nil {
			return nil, err
		}
		k, _, err := p.str("environment variable name")
		if err != nil {
			return nil, err
		}
		if err := p.expect(",", "after environment variable name"); err != nil {
			return nil, err
		}
		v, at, err := p.str("environment variable value")
		if err != nil {
			return nil, err
		}
		if k == StructuredAttrsVar {
			if _, err := parseJSONObject(v); err != nil {
				return nil, p.errAt(at, "cannot process %s attribute: %v", StructuredAttrsVar, err)
			}
		}
		d.Env[k] = v // a repeated name replaces the earlier value, as in Nix
		if err := p.expect(")", "to end an environment variable"); err != nil {
			return nil, err
		}
	}
	// Nix stops here: whatever follows the closing parenthesis is ignored.
	if err := p.expect(")", "to end the derivation"); err != nil {
		return nil, err
	}
	return d, nil
}

// output reads ("name","path","hashAlgo","hash").
func (p *parser) output(d *Derivation) error {
	if err := p.expect("(", "to start an output"); err != nil {
		return err
	}
	name, _, err := p.str("output name")
	if err != nil {
		return err
	}
	var fields [3]string
	var at [3]int
	for i, what := range []string{"output path", "output hash algorithm", "output hash"} {
		if err := p.expect(",", "before "+what); err != nil {
			return err
		}
		if fields[i], at[i], err = p.str(what); err != nil {
			return err
		}
	}
	if err := p.expect(")", "to end an output"); err != nil {
		return err
	}
	o, err := p.outputFields(name, fields[0], fields[1], fields[2], at)
	if err != nil {
		return err
	}
	// The first of repeated names wins, as with Nix's map emplace.
	if _, dup := d.Outputs[name]; !dup {
		d.Outputs[name] = o
	}
	return nil
}

func (p *parser) outputFields(name, pathS, algoS, hashS string, at [3]int) (Output, error) {
	if algoS == "" {
		// An input-addressed output; Nix ignores the hash field here.
		if pathS == "" {
			return Output{Kind: Deferred}, nil
		}
		sp, err := p.checkStorePath(pathS, at[0], "output path")
		if err != nil {
			return Output{}, err
		}
		return Output{Kind: InputAddressed, Path: sp}, nil
	}
	method, rest := storepath.ParseMethodPrefix(algoS)
	algo, err := nixhash.ParseAlgorithm(rest)
	if err != nil {
		return Output{}, p.errAt(at[1], "output %q: %v", name, err)
	}
	o := Output{Method: method, HashAlgo: algo}
	switch {
	case hashS == "impure":
		if pathS != "" {
			return Output{}, p.errAt(at[0], "impure derivation output %q should not specify output path", name)
		}
		o.Kind = Impure
	case hashS != "":
		sp, err := p.checkStorePath(pathS, at[0], "output path")
		if err != nil {
			return Output{}, err
		}
		h, err := nixhash.ParseNonSRIUnprefixed(hashS, algo)
		if err != nil {
			return Output{}, p.errAt(at[2], "output %q: %v", name, err)
		}
		o.Kind, o.Hash = CAFixed, h
		want, err := (&Derivation{Name: p.name}).fixedPath(p.dir, name, o)
		if err != nil {
			return Output{}, p.errAt(at[0], "%v", err)
		}
		if sp != want {
			return Output{}, p.errAt(at[0], "derivation output '%s' has path '%s', which does not match its content address (expected '%s')",
				name, pathS, p.dir.Print(want))
		}
		o.Path = sp
	default:
		if pathS != "" {
			return Output{}, p.errAt(at[0], "content-addressing derivation output %q should not specify output path", name)
		}
		o.Kind = CAFloating
	}
	return o, nil
}

// inputDrv reads ("path",outputs), where outputs in the dynamic dialect
// may also be (["out"],[("child",outputs),...]).
func (p *parser) inputDrv(d *Derivation, version atermVersion) error {
	if err := p.expect("(", "to start an input derivation"); err != nil {
		return err
	}
	at := p.pos
	sp, err := p.storePath("input derivation")
	if err != nil {
		return err
	}
	if err := p.expect(",", "after input derivation path"); err != nil {
		return err
	}
	set, err := p.outputSet(version, 0)
	if err != nil {
		return err
	}
	if set.empty() {
		// Such an entry could not be kept in Nix's set of inputs.
		return p.errAt(at, "inputDrvs entry for '%s' specifies no outputs", p.dir.Print(sp))
	}
	if err := p.expect(")", "to end an input derivation"); err != nil {
		return err
	}
	// A repeated path replaces the earlier entry, as in Nix.
	if in, ok := d.InputDrv(sp); ok {
		in.OutputSet = set
	} else {
		d.InputDrvs = append(d.InputDrvs, InputDrv{Path: sp, OutputSet: set})
	}
	return nil
}

// maxDynamicDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDynamicDepth = 1000

func (p *parser) outputSet(version atermVersion, depth int) (OutputSet, error) {
	if version == versionTraditional || p.peek() == '[' {
		names, err := p.stringSet("output names")
		return OutputSet{Outputs: names}, err
	}
	if p.peek() != '(' {
		return OutputSet{}, p.errAt(p.pos, "invalid inputDrvs entry in derivation: expected '[' or '(', found %s", p.describe())
	}
	if depth >= maxDynamicDepth {
		return OutputSet{}, p.errAt(p.pos, "dynamic outputs nested too deeply")
	}
	p.pos++
	names, err := p.stringSet("output names")
	if err != nil {
		return OutputSet{}, err
	}
	set := OutputSet{Outputs: names}
	if err := p.expect(",[", "before dynamic outputs"); err != nil {
		return OutputSet{}, err
	}
	for !p.endOfList() {
		if err := p.expect("(", "to start a dynamic output"); err != nil {
			return OutputSet{}, err
		}
		out, _, err := p.str("dynamic output name")
		if err != nil {
			return OutputSet{}, err
		}
		if err := p.expect(",", "after dynamic output name"); err != nil {
			return OutputSet{}, err
		}
		child, err := p.outputSet(version, depth+1)
		if err != nil {
			return OutputSet{}, err
		}
		if set.DynamicOutputs == nil {
			set.DynamicOutputs = map[string]OutputSet{}
		}
		set.DynamicOutputs[out] = child
		if err := p.expect(")", "to end a dynamic output"); err != nil {
			return OutputSet{}, err
		}
	}
	if err := p.expect(")", "to end dynamic outputs"); err != nil {
		return OutputSet{}, err
	}
	return set, nil
}
