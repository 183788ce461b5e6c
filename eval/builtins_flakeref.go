package eval

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/cairn-nix/cairn/syntax"
)

// Flake references: parseFlakeRef and flakeRefToString follow Nix's
// flake reference syntax and its fetchers' input schemes (indirect,
// github, gitlab, sourcehut, git, hg, path, tarball, file), without
// fetching anything.

func init() {
	Register(&PrimOp{Name: "parseFlakeRef", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		s, err := ev.forceStringNoCtx(args[0], pos, "while evaluating the argument passed to builtins.parseFlakeRef")
		if err != nil {
			return nil, err
		}
		fp := flakeParser{warn: func(msg string) { ev.emitWarning("warning: " + msg) }}
		attrs, err := fp.parseFlakeRef(s)
		if err != nil {
			return nil, ev.Errorf(EvalErr, syntax.NoPos, "%s", err.Error())
		}
		b := NewAttrsBuilder(len(attrs))
		for k, a := range attrs {
			switch a.kind {
			case 's':
				b.Set(k, Str(a.s))
			case 'i':
				b.Set(k, Int(int64(a.n)))
			default:
				b.Set(k, Bool(a.b))
			}
		}
		return b.Build(), nil
	}})
	Register(&PrimOp{Name: "flakeRefToString", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		a, err := ev.forceAttrs(args[0], syntax.NoPos, "while evaluating the argument passed to builtins.flakeRefToString")
		if err != nil {
			return nil, err
		}
		attrs := inputAttrs{}
		for _, at := range a.All() {
			v, err := ev.Force(at.Value, at.Pos)
			if err != nil {
				return nil, err
			}
			name := at.Name.String()
			switch x := v.(type) {
			case Int:
				if x < 0 {
					return nil, ev.Errorf(EvalErr, pos, "negative value given for flake ref attr %s: %d", name, int64(x))
				}
				attrs[name] = flakeAttr{kind: 'i', n: uint64(x)}
			case Bool:
				attrs[name] = flakeAttr{kind: 'b', b: bool(x)}
			case *String:
				attrs[name] = flakeAttr{kind: 's', s: x.S}
			default:
				return nil, ev.Errorf(EvalErr, syntax.NoPos, "flake reference attribute sets may only contain integers, Booleans, and strings, but attribute '%s' is %s", name, ShowType(v))
			}
		}
		fp := flakeParser{warn: func(msg string) { ev.emitWarning("warning: " + msg) }}
		s, err := fp.flakeRefToString(attrs)
		if err != nil {
			return nil, ev.Errorf(EvalErr, syntax.NoPos, "%s", err.Error())
		}
		return Str(s), nil
	}})
}

// flakeAttr is one input attribute: a string, an integer or a Boolean.
type flakeAttr struct {
	kind byte // 's', 'i' or 'b'
	s    string
	n    uint64
	b    bool
}

// inputAttrs is a fetcher input's attributes, as Nix's fetchers::Attrs.
type inputAttrs map[string]flakeAttr

func (a inputAttrs) sortedKeys() []string {
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// json prints the attributes as nlohmann::json does, keys sorted.
func (a inputAttrs) json() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range a.sortedKeys() {
		if i > 0 {
			b.WriteByte(',')
		}
		jsonQuote(&b, k)
		b.WriteByte(':')
		switch v := a[k]; v.kind {
		case 's':
			jsonQuote(&b, v.s)
		case 'i':
			b.WriteString(strconv.FormatUint(v.n, 10))
		default:
			b.WriteString(strconv.FormatBool(v.b))
		}
	}
	b.WriteByte('}')
	return b.String()
}

func jsonQuote(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\b':
			b.WriteString(`\b`)
		case c == '\f':
			b.WriteString(`\f`)
		case c < 0x20:
			fmt.Fprintf(b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

func (a inputAttrs) maybeStr(name string) (string, bool, error) {
	v, ok := a[name]
	if !ok {
		return "", false, nil
	}
	if v.kind != 's' {
		return "", false, fmt.Errorf("input attribute '%s' is not a string %s", name, a.json())
	}
	return v.s, true, nil
}

func (a inputAttrs) str(name string) (string, error) {
	s, ok, err := a.maybeStr(name)
	if err == nil && !ok {
		err = fmt.Errorf("input attribute '%s' is missing", name)
	}
	return s, err
}

func (a inputAttrs) maybeBool(name string) (bool, error) {
	v, ok := a[name]
	if ok && v.kind != 'b' {
		return false, fmt.Errorf("input attribute '%s' is not a Boolean", name)
	}
	return v.b, nil
}

func (a inputAttrs) checkInt(name string) error {
	if v, ok := a[name]; ok && v.kind != 'i' {
		return fmt.Errorf("input attribute '%s' is not an integer", name)
	}
	return nil
}

type flakeRef struct {
	input  *fetchInput
	subdir string
}

// parseFlakeRef parses a flake reference as builtins.parseFlakeRef: a
// flake ID, a URL, or an absolute path; no fragment allowed.
func (fp *flakeParser) parseFlakeRef(s string) (inputAttrs, error) {
	ref, fragment, err := fp.parseFlakeRefWithFragment(s)
	if err != nil {
		return nil, err
	}
	if fragment != "" {
		return nil, fmt.Errorf("unexpected fragment '%s' in flake reference '%s'", fragment, s)
	}
	attrs := maps.Clone(ref.input.attrs)
	if ref.subdir != "" {
		attrs["dir"] = flakeAttr{kind: 's', s: ref.subdir}
	}
	return attrs, nil
}

func (fp *flakeParser) parseFlakeRefWithFragment(s string) (*flakeRef, string, error) {
	if m := flakeIDRef.FindStringSubmatch(s); m != nil {
		in, err := fp.inputFromURL(&parsedURL{scheme: "flake", path: strings.Split(m[1], "/")}, true)
		if err != nil {
			return nil, "", err
		}
		frag, err := percentDecode(m[6])
		if err != nil {
			return nil, "", err
		}
		return &flakeRef{input: in}, frag, nil
	}
	if u, err := fp.parseURL(s, true); err == nil {
		ref, frag, err := fp.fromParsedURL(u)
		if _, bad := err.(*badURLError); !bad {
			return ref, frag, err
		}
	}
	// A path, with an optional query and fragment.
	path, query, fragment := s, "", ""
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		path = s[:i]
		if s[i] == '?' {
			query, fragment, _ = strings.Cut(s[i+1:], "#")
		} else {
			fragment = s[i+1:]
		}
	}
	q, err := fp.decodeQuery(query)
	if err != nil {
		return nil, "", err
	}
	frag, err := percentDecode(fragment)
	if err != nil {
		return nil, "", err
	}
	if !strings.HasPrefix(path, "/") {
		return nil, "", badURL("flake reference '%s' is not an absolute path", s)
	}
	u := &parsedURL{scheme: "path", auth: &urlAuthority{hostKind: 'n'}, path: pathToURLPath(path), query: q, fragment: frag}
	return fp.fromParsedURL(u)
}

func (fp *flakeParser) fromParsedURL(u *parsedURL) (*flakeRef, string, error) {
	dir := u.query["dir"]
	delete(u.query, "dir")
	frag := u.fragment
	u.fragment = ""
	in, err := fp.inputFromURL(u, true)
	if err != nil {
		return nil, "", err
	}
	return &flakeRef{input: in, subdir: dir}, frag, nil
}

// flakeRefToString is FlakeRef::fromAttrs followed by to_string.
func (fp *flakeParser) flakeRefToString(attrs inputAttrs) (string, error) {
	dir, _, err := attrs.maybeStr("dir")
	if err != nil {
		return "", err
	}
	attrs2 := maps.Clone(attrs)
	delete(attrs2, "dir")
	in, err := fp.inputFromAttrs(attrs2)
	if err != nil {
		return "", err
	}
	u, err := fp.toURL(in)
	if err != nil {
		return "", err
	}
	if dir != "" {
		if u.query == nil {
			u.query = map[string]string{}
		}
		if _, ok := u.query["dir"]; !ok {
			u.query["dir"] = dir
		}
	}
	return u.String(), nil
}
