package derivation

import (
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// Nix writes some ATerm strings with escapes ("quoted": builder,
// arguments, environment) and others verbatim ("raw": output names,
// paths, hash fields, platform, input output names). The printer keeps
// that split exactly, since derivation paths are hashes of these bytes;
// a raw string containing '"' or '\' therefore prints unparsable, in
// Nix as here.

func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

func appendRaw(b []byte, s string) []byte {
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendRawList(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRaw(b, s)
	}
	return append(b, ']')
}

func appendOutputSet(b []byte, s OutputSet) []byte {
	if len(s.DynamicOutputs) == 0 {
		return appendRawList(b, s.Outputs)
	}
	b = append(b, '(')
	b = appendRawList(b, s.Outputs)
	b = append(b, ",["...)
	for i, k := range sortedKeys(s.DynamicOutputs) {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '(')
		b = appendRaw(b, k)
		b = append(b, ',')
		b = appendOutputSet(b, s.DynamicOutputs[k])
		b = append(b, ')')
	}
	return append(b, "])"...)
}

// atermInput is one entry of the input derivations list as printed: a
// store path normally, a hash in the modulo form.
type atermInput struct {
	key string
	set OutputSet
}

// printOptions are the variations of the ATerm that Nix prints.
type printOptions struct {
	// maskOutputs blanks output paths and the environment variables
	// named after outputs, for the hash of a derivation's own outputs.
	maskOutputs bool
	// inputs, when not nil, replaces the input derivations (the modulo
	// form, keyed by hash).
	inputs []atermInput
}

// ATerm returns the .drv text, as Nix writes it for the same derivation,
// except that input derivations keep the order of d.InputDrvs (call
// Canonicalize first for Nix's order). The store directory is needed to
// print paths; the zero Dir is /nix/store.
func (d *Derivation) ATerm(dir storepath.Dir) ([]byte, error) {
	return d.appendATerm(nil, dir, printOptions{})
}

func (d *Derivation) appendATerm(b []byte, dir storepath.Dir, opt printOptions) ([]byte, error) {
	inputs := opt.inputs
	if inputs == nil {
		inputs = make([]atermInput, len(d.InputDrvs))
		for i, in := range d.InputDrvs {
			inputs[i] = atermInput{key: dir.Print(in.Path), set: in.OutputSet}
		}
	}
	dynamic := false
	for _, in := range inputs {
		dynamic = dynamic || len(in.set.DynamicOutputs) > 0
	}
	if dynamic {
		b = append(b, "DrvWithVersion("...)
		b = appendRaw(b, dynamicVersionTag)
		b = append(b, ',')
	} else {
		b = append(b, "Derive("...)
	}

	b = append(b, '[')
	for i, name := range d.OutputNames() {
		if i > 0 {
			b = append(b, ',')
		}
		o := d.Outputs[name]
		var path, algo, hash string
		switch o.Kind {
		case InputAddressed:
			path = dir.Print(o.Path)
		case CAFixed:
			sp, err := d.fixedPath(dir, name, o)
			if err != nil {
				return nil, err
			}
			path, algo, hash = dir.Print(sp), o.methodAlgo(), o.Hash.Encode(nixhash.Base16)
		case CAFloating:
			algo = o.methodAlgo()
		case Impure:
			algo, hash = o.methodAlgo(), "impure"
		}
		if opt.maskOutputs {
			path = ""
		}
		b = append(b, '(')
		b = appendRaw(b, name)
		b = append(b, ',')
		b = appendRaw(b, path)
		b = append(b, ',')
		b = appendRaw(b, algo)
		b = append(b, ',')
		b = appendRaw(b, hash)
		b = append(b, ')')
	}

	b = append(b, "],["...)
	for i, in := range inputs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '(')
		b = appendRaw(b, in.key)
		b = append(b, ',')
		b = appendOutputSet(b, in.set)
		b = append(b, ')')
	}

	b = append(b, "],["...)
	for i, src := range d.InputSrcs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRaw(b, dir.Print(src))
	}
	b = append(b, "],"...)
	b = appendRaw(b, d.Platform)
	b = append(b, ',')
	b = appendQuoted(b, d.Builder)
	b = append(b, ",["...)
	for i, a := range d.Args {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendQuoted(b, a)
	}
	b = append(b, "],["...)
	for i, k := range sortedKeys(d.Env) {
		if i > 0 {
			b = append(b, ',')
		}
		v := d.Env[k]
		if _, isOutput := d.Outputs[k]; isOutput && opt.maskOutputs {
			v = ""
		}
		b = append(b, '(')
		b = appendQuoted(b, k)
		b = append(b, ',')
		b = appendQuoted(b, v)
		b = append(b, ')')
	}
	return append(b, "])"...), nil
}
