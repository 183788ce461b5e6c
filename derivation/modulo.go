package derivation

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// The "hash modulo" of a derivation is what input-addressed output paths
// are computed from. It is the sha256 of the derivation's ATerm with each
// input derivation path replaced by that input's own hash modulo, so that
// derivations differing only in how a fixed-output input is fetched (its
// URL, its builder) get the same output paths. A fixed-output input is
// replaced by a hash of its content address alone.

// ModuloKind says what an input derivation contributes to the hash
// modulo of derivations that depend on it.
type ModuloKind uint8

const (
	// ModuloRegular: an input-addressed derivation with known output
	// paths, standing for itself by one hash.
	ModuloRegular ModuloKind = iota + 1
	// ModuloFixed: a fixed-output derivation, standing for each output
	// by a hash of its content address.
	ModuloFixed
	// ModuloDeferred: no hash yet, because the derivation or one of its
	// inputs is content-addressed (floating or impure), deferred, or
	// depends on a dynamic derivation.
	ModuloDeferred
)

// HashModulo is an input derivation's contribution (Nix's HashModulo).
type HashModulo struct {
	Kind ModuloKind
	// Hash is set for ModuloRegular.
	Hash nixhash.Hash
	// OutputHashes is set for ModuloFixed, keyed by output name.
	OutputHashes map[string]nixhash.Hash
}

// Hasher computes hash modulo values, reading input derivations with
// Read and remembering their results. It is safe for concurrent use.
type Hasher struct {
	// Dir is the store directory the derivations live in.
	Dir storepath.Dir
	// Read returns the derivation at a .drv path. It is only called for
	// input derivations, once per path.
	Read func(drvPath storepath.StorePath) (*Derivation, error)

	mu sync.Mutex
	// An evaluation remembers one result per derivation it instantiates,
	// nearly all regular: those are kept as a bare sha256, in chunks that
	// never move, indexed by the path's digest (which commits to its
	// name); the map's entries stay small. The other kinds are kept in
	// full.
	regular map[[storepath.DigestSize]byte]uint32
	sums    [][]sha256Sum
	other   map[storepath.StorePath]HashModulo
}

const (
	sha256Size = 32
	sumsChunk  = 1024 // sums per chunk
)

type sha256Sum = [sha256Size]byte

// HashInput computes what d contributes to the derivations that depend
// on it (Nix's hashInput): its output paths stay in the hashed text.
func (h *Hasher) HashInput(d *Derivation) (HashModulo, error) {
	buf := getATermBuf()
	defer putATermBuf(buf)
	return h.hashInput(d, buf)
}

func (h *Hasher) hashInput(d *Derivation, buf *atermBuf) (HashModulo, error) {
	ty, err := d.Type()
	if err != nil {
		return HashModulo{}, err
	}
	if ty == TypeFixed {
		hashes := make(map[string]nixhash.Hash, len(d.Outputs))
		for name, o := range d.Outputs {
			p, err := d.fixedPath(h.Dir, name, o)
			if err != nil {
				return HashModulo{}, err
			}
			s := "fixed:out:" + o.Method.Prefix() + o.Hash.Algo().String() + ":" +
				o.Hash.Encode(nixhash.Base16) + ":" + h.Dir.Print(p)
			hashes[name] = nixhash.SumString(nixhash.SHA256, s)
		}
		return HashModulo{Kind: ModuloFixed, OutputHashes: hashes}, nil
	}
	if ty != TypeInputAddressed {
		return HashModulo{Kind: ModuloDeferred}, nil
	}
	if d, err = d.hashable(); err != nil {
		return HashModulo{}, err
	}
	hash, ok, err := h.hashModulo(d, false, buf)
	if err != nil || !ok {
		return HashModulo{Kind: ModuloDeferred}, err
	}
	return HashModulo{Kind: ModuloRegular, Hash: hash}, nil
}

// Remember computes and memoizes HashInput of d, the derivation at p,
// so that derivations depending on it need not read it back (Nix's
// derivationStrict does this too, and needs it in read-only mode).
func (h *Hasher) Remember(p storepath.StorePath, d *Derivation) error {
	m, err := h.HashInput(d)
	if err != nil {
		return err
	}
	h.Memoize(p, m)
	return nil
}

// Memoize records m as the HashInput of the derivation at p, for a
// caller that computed it with Instantiate.
func (h *Hasher) Memoize(p storepath.StorePath, m HashModulo) {
	regular := m.Kind == ModuloRegular && m.Hash.Algo() == nixhash.SHA256
	var sum sha256Sum
	m.Hash.CompressInto(sum[:]) // for a sha256, folding to its size is a copy
	h.mu.Lock()
	if regular {
		if h.regular == nil {
			h.regular = map[[storepath.DigestSize]byte]uint32{}
		}
		if i, ok := h.regular[p.Digest()]; ok {
			h.sums[i/sumsChunk][i%sumsChunk] = sum
		} else {
			if n := len(h.sums); n == 0 || len(h.sums[n-1]) == sumsChunk {
				h.sums = append(h.sums, make([]sha256Sum, 0, sumsChunk))
			}
			last := &h.sums[len(h.sums)-1]
			h.regular[p.Digest()] = uint32((len(h.sums)-1)*sumsChunk + len(*last))
			*last = append(*last, sum)
		}
	} else {
		if h.other == nil {
			h.other = map[storepath.StorePath]HashModulo{}
		}
		h.other[p] = m
	}
	h.mu.Unlock()
}

func (h *Hasher) memoized(p storepath.StorePath) (HashModulo, bool) {
	var (
		m  HashModulo
		ok bool
	)
	var sum sha256Sum
	h.mu.Lock()
	i, regular := h.regular[p.Digest()]
	if regular {
		sum = h.sums[i/sumsChunk][i%sumsChunk]
	} else {
		m, ok = h.other[p]
	}
	h.mu.Unlock()
	if regular {
		hash, _ := nixhash.FromBytes(nixhash.SHA256, sum[:])
		return HashModulo{Kind: ModuloRegular, Hash: hash}, true
	}
	return m, ok
}

// inputHash returns the memoized HashInput of the derivation at p.
func (h *Hasher) inputHash(p storepath.StorePath) (HashModulo, error) {
	if m, ok := h.memoized(p); ok {
		return m, nil
	}
	if h.Read == nil {
		return HashModulo{}, fmt.Errorf("hash modulo: no way to read input derivation %s", h.Dir.Print(p))
	}
	d, err := h.Read(p)
	if err != nil {
		return HashModulo{}, fmt.Errorf("reading input derivation %s: %w", h.Dir.Print(p), err)
	}
	m, err := h.HashInput(d)
	if err != nil {
		return HashModulo{}, fmt.Errorf("input derivation %s: %w", h.Dir.Print(p), err)
	}
	h.Memoize(p, m)
	return m, nil
}

// moduloInputs replaces each input derivation by its hash, into inputs
// (reused, with the output lists of its entries). Inputs that hash alike
// are merged, their wanted outputs united: two different fetchers of the
// same content are one input modulo. ok is false when some input is
// deferred. The list is returned even then, to keep its room.
func (h *Hasher) moduloInputs(d *Derivation, inputs []atermInput) (_ []atermInput, ok bool, err error) {
	inputs = inputs[:0]
	// add unites outputs into the entry for hash k (few inputs: a scan).
	add := func(k nixhash.Hash, outs ...string) {
		for i := range inputs {
			if inputs[i].hash == k {
				inputs[i].set.Outputs = append(inputs[i].set.Outputs, outs...)
				return
			}
		}
		if n := len(inputs); n < cap(inputs) {
			inputs = inputs[:n+1]
			inputs[n] = atermInput{hash: k, set: OutputSet{Outputs: append(inputs[n].set.Outputs[:0], outs...)}}
			return
		}
		inputs = append(inputs, atermInput{hash: k, set: OutputSet{Outputs: slices.Clone(outs)}})
	}
	for _, in := range d.InputDrvs {
		if len(in.DynamicOutputs) > 0 {
			// Dynamic derivations must be built and resolved first.
			return inputs, false, nil
		}
		m, err := h.inputHash(in.Path)
		if err != nil {
			return inputs, false, err
		}
		switch m.Kind {
		case ModuloDeferred:
			return inputs, false, nil
		case ModuloRegular:
			add(m.Hash, in.Outputs...)
		case ModuloFixed:
			for _, out := range in.Outputs {
				oh, found := m.OutputHashes[out]
				if !found {
					return inputs, false, fmt.Errorf("no hash for output '%s' of derivation '%s'", out, d.Name)
				}
				// A fixed output stands for a derivation with one output "out".
				add(oh, "out")
			}
		}
	}
	slices.SortFunc(inputs, func(a, b atermInput) int { return nixhash.Compare(a.hash, b.hash) })
	for i := range inputs {
		outs := inputs[i].set.Outputs // add's own copy
		slices.Sort(outs)
		inputs[i].set.Outputs = slices.Compact(outs)
	}
	return inputs, true, nil
}

// hashModulo is the sha256 of d's modulo form, with or without its
// outputs masked, printed in buf. The inputs replaced by their hashes
// are kept in buf, for a second form of the same d to reuse. ok is false
// when some input is deferred.
func (h *Hasher) hashModulo(d *Derivation, maskOutputs bool, buf *atermBuf) (hash nixhash.Hash, ok bool, err error) {
	if !buf.haveInputs {
		buf.inputs, ok, err = h.moduloInputs(d, buf.inputs)
		if err != nil || !ok {
			return nixhash.Hash{}, false, err
		}
		buf.haveInputs = true
	}
	if !maskOutputs && buf.canUnmask(d) {
		buf.b2 = d.appendUnmasked(buf.b2[:0], buf.b, 0, len(buf.b), buf.marks, h.Dir)
		return nixhash.Sum(nixhash.SHA256, buf.b2), true, nil
	}
	opt := printOptions{maskOutputs: maskOutputs, modulo: true, inputs: buf.inputs}
	if maskOutputs {
		buf.marks = buf.marks[:0]
		opt.marks, opt.inputsAt = &buf.marks, &buf.inputsAt
	}
	buf.masked = nil
	buf.b, err = d.appendATermKeys(buf.b[:0], h.Dir, opt, &buf.keys)
	if err != nil {
		return nixhash.Hash{}, false, err
	}
	if maskOutputs {
		buf.masked, buf.envLen, buf.outLen = d, len(d.Env), len(d.Outputs)
	}
	return nixhash.Sum(nixhash.SHA256, buf.b), true, nil
}

// canUnmask reports whether d's unmasked form can be patched from the
// masked one in buf: it is of d itself, filling in has only set the
// output variables that were there (the maps have their sizes still),
// and every output now has a path.
func (buf *atermBuf) canUnmask(d *Derivation) bool {
	if buf.masked != d || len(d.Env) != buf.envLen || len(d.Outputs) != buf.outLen {
		return false
	}
	for _, o := range d.Outputs {
		if o.Kind != InputAddressed {
			return false
		}
	}
	return true
}

// UnparseModulo returns the text whose sha256 is d's own hash modulo:
// output paths and the environment variables named after outputs blank,
// input derivations replaced by their hashes. ok is false when d's
// outputs are deferred. d must be input-addressed (possibly deferred).
func (h *Hasher) UnparseModulo(d *Derivation) (text []byte, ok bool, err error) {
	if err := d.checkModuloOutputs(); err != nil {
		return nil, false, err
	}
	if d, err = d.hashable(); err != nil {
		return nil, false, err
	}
	inputs, ok, err := h.moduloInputs(d, nil)
	if err != nil || !ok {
		return nil, false, err
	}
	text, err = d.appendATerm(nil, h.Dir, printOptions{maskOutputs: true, modulo: true, inputs: inputs})
	return text, err == nil, err
}

// Hash returns d's own hash modulo, from which its input-addressed
// output paths are computed. ok is false when the outputs are deferred.
// It is the sha256 of UnparseModulo's text, printed in a reused buffer.
func (h *Hasher) Hash(d *Derivation) (hash nixhash.Hash, ok bool, err error) {
	buf := getATermBuf()
	defer putATermBuf(buf)
	return h.hash(d, buf)
}

func (h *Hasher) hash(d *Derivation, buf *atermBuf) (hash nixhash.Hash, ok bool, err error) {
	if err := d.checkModuloOutputs(); err != nil {
		return nixhash.Hash{}, false, err
	}
	if d, err = d.hashable(); err != nil {
		return nixhash.Hash{}, false, err
	}
	return h.hashModulo(d, true, buf)
}

// checkModuloOutputs fails unless all outputs are input-addressed.
func (d *Derivation) checkModuloOutputs() error {
	bad := false
	for _, o := range d.Outputs {
		bad = bad || (o.Kind != InputAddressed && o.Kind != Deferred)
	}
	if !bad {
		return nil
	}
	for _, name := range d.OutputNames() { // the first in order is named
		if k := d.Outputs[name].Kind; k != InputAddressed && k != Deferred {
			return fmt.Errorf("derivation %q: output %q is %s, but only input-addressed outputs have a hash modulo", d.Name, name, k)
		}
	}
	return nil
}

// FillInOutputPaths computes the paths of deferred outputs where the
// hash modulo is known, and sets the environment variable of each
// output with a known path if it is missing or empty; then it checks
// the result as CheckInvariants does (Nix's fillInOutputPaths).
func (h *Hasher) FillInOutputPaths(d *Derivation) error {
	buf := getATermBuf()
	defer putATermBuf(buf)
	return h.outputPaths(d, true, buf)
}

// Instantiate does what derivationStrict needs done to a derivation
// whose attributes are read: FillInOutputPaths, then Canonicalize, and
// the ATerm, appended to b. It also gives d's HashInput, to Memoize
// once d's path is known; the zero HashModulo if that fails, which
// leaves d usable. The three texts hashed or printed differ in few
// places, so the first is printed and the others patched from it.
func (h *Hasher) Instantiate(d *Derivation, b []byte) (aterm []byte, input HashModulo, err error) {
	buf := getATermBuf()
	defer putATermBuf(buf)
	if err := h.outputPaths(d, true, buf); err != nil {
		return b, HashModulo{}, err
	}
	// The inputs in buf stand for d's, which filling in left alone.
	input, err = h.hashInput(d, buf)
	if err != nil {
		input = HashModulo{}
	}
	if !d.inputsCanonical() {
		buf.masked = nil // Canonicalize will reorder what it printed
	}
	if err := d.Canonicalize(); err != nil {
		return b, HashModulo{}, err
	}
	if buf.canUnmask(d) {
		in := buf.inputsAt
		b = d.appendUnmasked(b, buf.b, 0, in[0], buf.marks, h.Dir)
		b = d.appendInputDrvs(b, h.Dir)
		return d.appendUnmasked(b, buf.b, in[1], len(buf.b), buf.marks, h.Dir), input, nil
	}
	b, err = d.appendATermKeys(b, h.Dir, printOptions{}, &buf.keys)
	return b, input, err
}

// CheckInvariants checks that input-addressed output paths are the ones
// the hash modulo gives, and that each output with a known path has it
// in its environment variable (Nix's checkInvariants).
func (h *Hasher) CheckInvariants(d *Derivation) error {
	buf := getATermBuf()
	defer putATermBuf(buf)
	return h.outputPaths(d, false, buf)
}

func (h *Hasher) outputPaths(d *Derivation, fillIn bool, buf *atermBuf) error {
	ty, err := d.Type()
	if err != nil {
		return err
	}
	// With builder-rpc-v0 the builder learns its outputs over RPC, so
	// there are no output variables to fill in or check.
	rpcOutputs := d.requiresFeature(featureBuilderRPC)
	if rpcOutputs && (ty == TypeInputAddressed || ty == TypeDeferred) {
		return fmt.Errorf("derivation %q uses the '%s' feature, which may only be used with content-addressing derivations", d.Name, featureBuilderRPC)
	}
	var (
		modulo     nixhash.Hash
		moduloOK   bool
		moduloDone bool
	)
	if d.Env == nil {
		d.Env = map[string]string{}
	}
	envHasRightPath := func(name string, actual storepath.StorePath, wasDeferred bool) error {
		if rpcOutputs {
			return nil
		}
		want := h.Dir.Print(actual)
		v, found := d.Env[name]
		if fillIn && (!found || v == "") {
			d.Env[name], v, found = want, want, true
		}
		if !found {
			return fmt.Errorf("derivation %q has missing environment variable '%s', should be '%s' but is not present", d.Name, name, want)
		}
		if v != want {
			if wasDeferred && fillIn {
				// Nix only warns here, for derivations written by older Nix.
				d.Env[name] = want
				return nil
			}
			return fmt.Errorf("derivation %q has incorrect environment variable '%s', should be '%s' but is actually '%s'", d.Name, name, want, v)
		}
		return nil
	}
	var names [4]string
	for _, name := range d.appendOutputNames(names[:0]) {
		o := d.Outputs[name]
		switch o.Kind {
		case CAFixed:
			p, err := d.fixedPath(h.Dir, name, o)
			if err != nil {
				return err
			}
			if err := envHasRightPath(name, p, false); err != nil {
				return err
			}
		case InputAddressed, Deferred:
			if !moduloDone {
				modulo, moduloOK, err = h.hash(d, buf)
				if err != nil {
					return err
				}
				moduloDone = true
			}
			if !moduloOK {
				if o.Kind == InputAddressed {
					return fmt.Errorf("derivation %q has incorrect output '%s', should be deferred", d.Name, h.Dir.Print(o.Path))
				}
				continue
			}
			want, err := h.Dir.MakeOutputPath(name, modulo, d.Name)
			if err != nil {
				return err
			}
			if o.Kind == InputAddressed {
				if o.Path != want {
					return fmt.Errorf("derivation %q has incorrect output '%s', should be '%s'", d.Name, h.Dir.Print(o.Path), h.Dir.Print(want))
				}
				if err := envHasRightPath(name, want, false); err != nil {
					return err
				}
				continue
			}
			if !fillIn {
				// Nix warns about an unfilled deferred output but accepts it.
				continue
			}
			d.Outputs[name] = Output{Kind: InputAddressed, Path: want}
			if err := envHasRightPath(name, want, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// StorePath computes the path of d's .drv file (Nix's computeStorePath):
// a text path named "<name>.drv" over the ATerm in Nix's order, whose
// references are the input sources and derivations.
func (d *Derivation) StorePath(dir storepath.Dir) (storepath.StorePath, error) {
	c := d.Clone()
	if err := c.Canonicalize(); err != nil {
		return storepath.StorePath{}, err
	}
	text, err := c.ATerm(dir)
	if err != nil {
		return storepath.StorePath{}, err
	}
	refs := slices.Clone(c.InputSrcs)
	for _, in := range c.InputDrvs {
		refs = append(refs, in.Path)
	}
	return dir.MakeTextPath(d.Name+storepath.DrvExtension, nixhash.Sum(nixhash.SHA256, text), refs)
}

// featureBuilderRPC is the system feature by which a content-addressed
// derivation asks to be told its outputs over RPC instead of in
// environment variables.
const featureBuilderRPC = "builder-rpc-v0"

// requiresFeature reports whether requiredSystemFeatures names f, from
// the structured attributes or else the whitespace-separated variable.
func (d *Derivation) requiresFeature(f string) bool {
	if js, ok := d.Env[StructuredAttrsVar]; ok {
		sa, err := parseJSONObject(js)
		if err != nil {
			return false
		}
		list, _ := sa["requiredSystemFeatures"].([]any)
		for _, v := range list {
			if v == f {
				return true
			}
		}
		return false
	}
	for _, w := range strings.Fields(d.Env["requiredSystemFeatures"]) {
		if w == f {
			return true
		}
	}
	return false
}

// hashable returns d in the form Nix hashes. Nix re-encodes structured
// attributes when it prints a derivation, so a "__json" written in
// another style (spacing, key order) must be hashed re-encoded.
func (d *Derivation) hashable() (*Derivation, error) {
	if _, ok := d.Env[StructuredAttrsVar]; !ok {
		return d, nil
	}
	c := d.Clone()
	return c, c.Canonicalize()
}
