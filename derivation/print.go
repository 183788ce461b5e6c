package derivation

import (
	"slices"
	"sync"

	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// Nix writes some ATerm strings with escapes ("quoted": builder,
// arguments, environment) and others verbatim ("raw": output names,
// paths, hash fields, platform, input output names). The printer keeps
// that split exactly, since derivation paths are hashes of these bytes;
// a raw string containing '"' or '\' therefore prints unparsable, in
// Nix as here.

// escaped marks the bytes appendQuoted escapes: one lookup a byte in
// the scan for them.
var escaped = [256]bool{'"': true, '\\': true, '\n': true, '\r': true, '\t': true}

func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendEscaped(b, s)
	return append(b, '"')
}

// appendEscaped appends s escaped, without the quotes around it.
func appendEscaped(b []byte, s string) []byte {
	i := 0
	for i < len(s) && !escaped[s[i]] {
		i++
	}
	b = append(b, s[:i]...) // the part needing no escapes, at once
	for ; i < len(s); i++ {
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
	return b
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

// atermInput is one entry of the input derivations list in the modulo
// form: the hash standing for one or more input derivations.
type atermInput struct {
	hash nixhash.Hash
	set  OutputSet
}

// printOptions are the variations of the ATerm that Nix prints.
type printOptions struct {
	// maskOutputs blanks output paths and the environment variables
	// named after outputs, for the hash of a derivation's own outputs.
	maskOutputs bool
	// modulo prints inputs in place of the input derivations (the
	// modulo form, keyed by hash).
	modulo bool
	inputs []atermInput
	// marks, if set, gets where maskOutputs left values out, and
	// inputsAt where the inputs are.
	marks    *[]maskMark
	inputsAt *[2]int
}

// maskMark is a place where a masked print left out an output's path,
// in the outputs or in the output's environment variable: the offset
// between the empty quotes, and the output's name.
type maskMark struct {
	off  int
	name string
	env  bool
}

// ATerm returns the .drv text, as Nix writes it for the same derivation,
// except that input derivations keep the order of d.InputDrvs (call
// Canonicalize first for Nix's order). The store directory is needed to
// print paths; the zero Dir is /nix/store.
func (d *Derivation) ATerm(dir storepath.Dir) ([]byte, error) {
	return d.appendATerm(nil, dir, printOptions{})
}

// AppendATerm appends the ATerm text to b, as ATerm, so that a caller
// that only hashes the text can reuse a buffer.
func (d *Derivation) AppendATerm(b []byte, dir storepath.Dir) ([]byte, error) {
	buf := getATermBuf() // for its sorting room
	defer putATermBuf(buf)
	return d.appendATermKeys(b, dir, printOptions{}, &buf.keys)
}

// atermBuf is a reusable print buffer, with room for sorting keys and
// for the inputs of the modulo form.
type atermBuf struct {
	b      []byte
	keys   []string
	inputs []atermInput
	// haveInputs says inputs are those of the derivation being hashed.
	haveInputs bool
	// masked is the derivation whose masked modulo form b holds, with
	// marks where it left values out and the sizes of its maps then.
	masked         *Derivation
	marks          []maskMark
	inputsAt       [2]int
	envLen, outLen int
	b2             []byte // for the unmasked form patched from b
}

var atermPool = sync.Pool{New: func() any { return new(atermBuf) }}

// getATermBuf takes a buffer from the pool, with no inputs computed.
func getATermBuf() *atermBuf {
	buf := atermPool.Get().(*atermBuf)
	buf.haveInputs = false
	return buf
}

// putATermBuf gives a buffer back, not keeping the derivation it saw.
func putATermBuf(buf *atermBuf) {
	buf.masked = nil
	atermPool.Put(buf)
}

func (d *Derivation) appendATerm(b []byte, dir storepath.Dir, opt printOptions) ([]byte, error) {
	var keys []string
	return d.appendATermKeys(b, dir, opt, &keys)
}

// appendRawPath appends a store path as a raw string.
func appendRawPath(b []byte, dir storepath.Dir, p storepath.StorePath) []byte {
	b = append(b, '"')
	b = dir.AppendPrint(b, p)
	return append(b, '"')
}

// sortedKeysInto puts m's keys, sorted, into *keys (reused).
func sortedKeysInto[V any](m map[string]V, keys *[]string) []string {
	k := (*keys)[:0]
	for name := range m {
		k = append(k, name)
	}
	slices.Sort(k)
	*keys = k
	return k
}

func (d *Derivation) appendATermKeys(b []byte, dir storepath.Dir, opt printOptions, keys *[]string) ([]byte, error) {
	dynamic := false
	if opt.modulo {
		for _, in := range opt.inputs {
			dynamic = dynamic || len(in.set.DynamicOutputs) > 0
		}
	} else {
		for _, in := range d.InputDrvs {
			dynamic = dynamic || len(in.DynamicOutputs) > 0
		}
	}
	if dynamic {
		b = append(b, "DrvWithVersion("...)
		b = appendRaw(b, dynamicVersionTag)
		b = append(b, ',')
	} else {
		b = append(b, "Derive("...)
	}

	b = append(b, '[')
	for i, name := range sortedKeysInto(d.Outputs, keys) {
		if i > 0 {
			b = append(b, ',')
		}
		o := d.Outputs[name]
		var (
			path       storepath.StorePath
			hasPath    bool
			algo, hash string
		)
		switch o.Kind {
		case InputAddressed:
			path, hasPath = o.Path, true
		case CAFixed:
			sp, err := d.fixedPath(dir, name, o)
			if err != nil {
				return nil, err
			}
			path, hasPath, algo, hash = sp, true, o.methodAlgo(), o.Hash.Encode(nixhash.Base16)
		case CAFloating:
			algo = o.methodAlgo()
		case Impure:
			algo, hash = o.methodAlgo(), "impure"
		}
		b = append(b, '(')
		b = appendRaw(b, name)
		b = append(b, ',')
		if opt.maskOutputs || !hasPath {
			if opt.marks != nil {
				*opt.marks = append(*opt.marks, maskMark{off: len(b) + 1, name: name})
			}
			b = append(b, `""`...)
		} else {
			b = appendRawPath(b, dir, path)
		}
		b = append(b, ',')
		b = appendRaw(b, algo)
		b = append(b, ',')
		b = appendRaw(b, hash)
		b = append(b, ')')
	}

	b = append(b, "],["...)
	inStart := len(b)
	if opt.modulo {
		for i, in := range opt.inputs {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `("`...)
			b = in.hash.AppendEncode(b, nixhash.Base16)
			b = append(b, `",`...)
			b = appendOutputSet(b, in.set)
			b = append(b, ')')
		}
	} else {
		b = d.appendInputDrvs(b, dir)
	}
	if opt.inputsAt != nil {
		opt.inputsAt[0], opt.inputsAt[1] = inStart, len(b)
	}

	b = append(b, "],["...)
	for i, src := range d.InputSrcs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRawPath(b, dir, src)
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
	for i, k := range sortedKeysInto(d.Env, keys) {
		if i > 0 {
			b = append(b, ',')
		}
		v := d.Env[k]
		masked := false
		if opt.maskOutputs {
			if _, isOutput := d.Outputs[k]; isOutput {
				v, masked = "", true
			}
		}
		b = append(b, '(')
		b = appendQuoted(b, k)
		b = append(b, ',')
		if masked && opt.marks != nil {
			*opt.marks = append(*opt.marks, maskMark{off: len(b) + 1, name: k, env: true})
		}
		b = appendQuoted(b, v)
		b = append(b, ')')
	}
	return append(b, "])"...), nil
}

// appendInputDrvs appends the input derivations, as the ATerm has them.
func (d *Derivation) appendInputDrvs(b []byte, dir storepath.Dir) []byte {
	for i, in := range d.InputDrvs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '(')
		b = appendRawPath(b, dir, in.Path)
		b = append(b, ',')
		b = appendOutputSet(b, in.OutputSet)
		b = append(b, ')')
	}
	return b
}

// appendUnmasked appends masked[lo:hi] from d's masked modulo form,
// unmasked: the masked and unmasked forms differ only at the marks,
// where the masked one has empty strings and the other output paths.
func (d *Derivation) appendUnmasked(b, masked []byte, lo, hi int, marks []maskMark, dir storepath.Dir) []byte {
	last := lo
	for _, m := range marks {
		if m.off < lo || m.off > hi {
			continue
		}
		b = append(b, masked[last:m.off]...)
		last = m.off
		if m.env {
			b = appendEscaped(b, d.Env[m.name])
		} else {
			b = dir.AppendPrint(b, d.Outputs[m.name].Path)
		}
	}
	return append(b, masked[last:hi]...)
}
