package derivation

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// Derivation is a build recipe, as stored in a .drv file.
type Derivation struct {
	// Name is the derivation's name, the .drv file's store path name
	// without ".drv". The ATerm does not contain it, but fixed output
	// paths are computed from it.
	Name string

	// Outputs maps output names to how their paths are determined.
	Outputs map[string]Output

	// InputDrvs are the derivations whose outputs are inputs, in the
	// order read. Nix keeps them sorted by path; ATerm prints them in
	// this order, so that a file whose inputs are out of order (such as
	// Nix's own hello.drv and firefox.drv vectors, whose hashes were
	// blanked) prints back byte for byte. Canonicalize sorts them, and
	// the hashes computed here use the sorted form, as Nix does.
	InputDrvs []InputDrv

	// InputSrcs are the other store paths the build reads: sorted by
	// Compare, without duplicates.
	InputSrcs []storepath.StorePath

	Platform string
	Builder  string
	Args     []string

	// Env is the builder's environment. With structured attributes it
	// holds "__json", the JSON object as text, as in the ATerm.
	Env map[string]string
}

// StructuredAttrsVar is the environment variable that holds structured
// attributes.
const StructuredAttrsVar = "__json"

// InputDrv is an input derivation and the outputs wanted from it.
type InputDrv struct {
	Path storepath.StorePath
	OutputSet
}

// OutputSet names the outputs wanted from a derivation. DynamicOutputs is
// for dynamic derivations (the "dynamic-derivations" experimental
// feature): its keys are outputs that are themselves derivations, and the
// values the outputs wanted from those.
type OutputSet struct {
	Outputs        []string // sorted, without duplicates
	DynamicOutputs map[string]OutputSet
}

// OutputKind says how an output's path is determined.
type OutputKind uint8

const (
	// InputAddressed outputs have a path computed from the derivation.
	InputAddressed OutputKind = iota + 1
	// Deferred outputs are input-addressed but their path is not known
	// yet, because an input is content-addressed.
	Deferred
	// CAFixed outputs have a content hash given in advance.
	CAFixed
	// CAFloating outputs are content-addressed with the hash found by
	// building (the "ca-derivations" experimental feature).
	CAFloating
	// Impure outputs are content-addressed and rebuilt each time (the
	// "impure-derivations" experimental feature).
	Impure
)

func (k OutputKind) String() string {
	switch k {
	case InputAddressed:
		return "input-addressed"
	case Deferred:
		return "deferred"
	case CAFixed:
		return "fixed"
	case CAFloating:
		return "floating"
	case Impure:
		return "impure"
	}
	return fmt.Sprintf("OutputKind(%d)", uint8(k))
}

// Output is one output of a derivation. Which fields are used depends on
// Kind.
type Output struct {
	Kind OutputKind

	// Path is set for InputAddressed outputs and, as computed from the
	// content address, for CAFixed ones. ATerm recomputes it for CAFixed
	// outputs rather than trusting it, as Nix does.
	Path storepath.StorePath

	// Method and HashAlgo are set for the content-addressed kinds.
	Method   storepath.Method
	HashAlgo nixhash.Algorithm

	// Hash is the expected content hash of a CAFixed output.
	Hash nixhash.Hash
}

// ContentAddress returns a CAFixed output's content address.
func (o Output) ContentAddress() storepath.ContentAddress {
	return storepath.ContentAddress{Method: o.Method, Hash: o.Hash}
}

// methodAlgo is the ATerm's hash algorithm field, e.g. "r:sha256".
func (o Output) methodAlgo() string {
	return o.Method.Prefix() + o.HashAlgo.String()
}

// fixedPath computes a CAFixed output's path.
func (d *Derivation) fixedPath(dir storepath.Dir, outputName string, o Output) (storepath.StorePath, error) {
	name := storepath.OutputPathName(d.Name, outputName)
	p, err := dir.MakePathFromCA(name, o.ContentAddress(), storepath.References{})
	if err != nil {
		return storepath.StorePath{}, fmt.Errorf("derivation %q output %q: %w", d.Name, outputName, err)
	}
	return p, nil
}

// OutputPath returns the path of an output when it is known without
// building: for input-addressed outputs (as recorded) and fixed ones (as
// computed). ok is false for the other kinds.
func (d *Derivation) OutputPath(dir storepath.Dir, outputName string) (p storepath.StorePath, ok bool, err error) {
	o, found := d.Outputs[outputName]
	if !found {
		return storepath.StorePath{}, false, fmt.Errorf("derivation %q has no output %q", d.Name, outputName)
	}
	switch o.Kind {
	case InputAddressed:
		return o.Path, true, nil
	case CAFixed:
		p, err := d.fixedPath(dir, outputName, o)
		return p, err == nil, err
	}
	return storepath.StorePath{}, false, nil
}

// OutputNames returns the output names, sorted.
func (d *Derivation) OutputNames() []string {
	return slices.Sorted(maps.Keys(d.Outputs))
}

// appendOutputNames appends the output names, sorted, to dst; given a
// small array of the caller's, the usual few names need no allocation.
func (d *Derivation) appendOutputNames(dst []string) []string {
	n := len(dst)
	for name := range d.Outputs {
		dst = append(dst, name)
	}
	slices.Sort(dst[n:])
	return dst
}

// IsBuiltin reports whether the builder is built into Nix ("builtin:...").
func (d *Derivation) IsBuiltin() bool {
	return len(d.Builder) >= 8 && d.Builder[:8] == "builtin:"
}

// Type classifies a derivation by its outputs, which must agree.
type Type uint8

const (
	TypeInputAddressed Type = iota + 1 // all outputs InputAddressed
	TypeDeferred                       // all outputs Deferred
	TypeFixed                          // one CAFixed output named "out"
	TypeFloating                       // all outputs CAFloating, one algorithm
	TypeImpure                         // all outputs Impure
)

func (t Type) String() string {
	switch t {
	case TypeInputAddressed:
		return "input-addressed"
	case TypeDeferred:
		return "deferred"
	case TypeFixed:
		return "fixed-output"
	case TypeFloating:
		return "floating content-addressed"
	case TypeImpure:
		return "impure"
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// IsCA reports whether outputs are content-addressed.
func (t Type) IsCA() bool { return t == TypeFixed || t == TypeFloating || t == TypeImpure }

// IsFixed reports whether this is a fixed-output derivation.
func (t Type) IsFixed() bool { return t == TypeFixed }

// HasKnownOutputPaths reports whether output paths are known before
// building.
func (t Type) HasKnownOutputPaths() bool { return t == TypeInputAddressed || t == TypeFixed }

// IsSandboxed reports whether the build runs without network access.
func (t Type) IsSandboxed() bool { return t != TypeFixed && t != TypeImpure }

// IsImpure reports whether this is an impure derivation.
func (t Type) IsImpure() bool { return t == TypeImpure }

// Type returns the derivation's type, or an error when the outputs do
// not fit together (Nix's BasicDerivation::type).
func (d *Derivation) Type() (Type, error) {
	if len(d.Outputs) == 0 {
		return 0, fmt.Errorf("derivation %q must have at least one output", d.Name)
	}
	var ty Type
	var floatAlgo nixhash.Algorithm
	var names [4]string
	for _, name := range d.appendOutputNames(names[:0]) {
		o := d.Outputs[name]
		var t Type
		switch o.Kind {
		case InputAddressed:
			t = TypeInputAddressed
		case Deferred:
			t = TypeDeferred
		case CAFixed:
			t = TypeFixed
		case CAFloating:
			t = TypeFloating
		case Impure:
			t = TypeImpure
		default:
			return 0, fmt.Errorf("derivation %q output %q has no kind", d.Name, name)
		}
		switch {
		case ty == 0:
			ty = t
		case ty != t:
			return 0, fmt.Errorf("derivation %q: can't mix derivation output types", d.Name)
		case t == TypeFixed:
			return 0, fmt.Errorf("derivation %q: only one fixed output is allowed for now", d.Name)
		}
		if t == TypeFixed && name != "out" {
			return 0, fmt.Errorf("derivation %q: single fixed output must be named \"out\"", d.Name)
		}
		if t == TypeFloating {
			if floatAlgo == 0 {
				floatAlgo = o.HashAlgo
			} else if floatAlgo != o.HashAlgo {
				return 0, fmt.Errorf("derivation %q: all floating outputs must use the same hash algorithm", d.Name)
			}
		}
	}
	return ty, nil
}

// InputDrv returns the entry for path, if any.
func (d *Derivation) InputDrv(path storepath.StorePath) (*InputDrv, bool) {
	for i := range d.InputDrvs {
		if d.InputDrvs[i].Path == path {
			return &d.InputDrvs[i], true
		}
	}
	return nil, false
}

// HasDynamicInputs reports whether some input wants outputs of a
// dynamic derivation; the ATerm then needs the DrvWithVersion form.
func (d *Derivation) HasDynamicInputs() bool {
	for _, in := range d.InputDrvs {
		if len(in.DynamicOutputs) > 0 {
			return true
		}
	}
	return false
}

// Clone returns a deep copy.
func (d *Derivation) Clone() *Derivation {
	c := *d
	c.Outputs = maps.Clone(d.Outputs)
	c.InputDrvs = nil
	for _, in := range d.InputDrvs {
		c.InputDrvs = append(c.InputDrvs, InputDrv{Path: in.Path, OutputSet: in.OutputSet.clone()})
	}
	c.InputSrcs = slices.Clone(d.InputSrcs)
	c.Args = slices.Clone(d.Args)
	c.Env = maps.Clone(d.Env)
	return &c
}

func (s OutputSet) clone() OutputSet {
	c := OutputSet{Outputs: slices.Clone(s.Outputs)}
	if s.DynamicOutputs != nil {
		c.DynamicOutputs = make(map[string]OutputSet, len(s.DynamicOutputs))
		for k, v := range s.DynamicOutputs {
			c.DynamicOutputs[k] = v.clone()
		}
	}
	return c
}

// Canonicalize puts d in the form Nix would print: input derivations
// sorted by path (entries for the same path merged), output name sets
// sorted and deduplicated, empty dynamic entries dropped, input sources
// sorted and deduplicated, and a structured-attributes "__json" value
// re-encoded as Nix encodes it. It fails only if "__json" is not a JSON
// object.
func (d *Derivation) Canonicalize() error {
	if !d.inputsCanonical() {
		d.canonicalizeInputs()
	}
	if js, ok := d.Env[StructuredAttrsVar]; ok {
		v, err := parseJSONObject(js)
		if err != nil {
			return fmt.Errorf("derivation %q: %s: %w", d.Name, StructuredAttrsVar, err)
		}
		d.Env[StructuredAttrsVar] = string(appendJSON(nil, v, -1, 0))
	}
	return nil
}

// inputsCanonical reports whether the inputs are in canonical form
// already, as evaluation makes them: then they need no copying.
func (d *Derivation) inputsCanonical() bool {
	for i, in := range d.InputDrvs {
		if i > 0 && storepath.Compare(d.InputDrvs[i-1].Path, in.Path) >= 0 {
			return false
		}
		if in.DynamicOutputs != nil || !strictlySorted(in.Outputs, strings.Compare) {
			return false
		}
	}
	return strictlySorted(d.InputSrcs, storepath.Compare)
}

// strictlySorted reports whether s is sorted without duplicates.
func strictlySorted[E any](s []E, cmp func(a, b E) int) bool {
	for i := 1; i < len(s); i++ {
		if cmp(s[i-1], s[i]) >= 0 {
			return false
		}
	}
	return true
}

func (d *Derivation) canonicalizeInputs() {
	merged := make(map[storepath.StorePath]int, len(d.InputDrvs))
	var ins []InputDrv
	for _, in := range d.InputDrvs {
		if i, ok := merged[in.Path]; ok {
			ins[i].OutputSet = ins[i].OutputSet.union(in.OutputSet)
			continue
		}
		merged[in.Path] = len(ins)
		ins = append(ins, InputDrv{Path: in.Path, OutputSet: in.OutputSet.clone()})
	}
	for i := range ins {
		ins[i].OutputSet.normalize()
	}
	slices.SortFunc(ins, func(a, b InputDrv) int { return storepath.Compare(a.Path, b.Path) })
	d.InputDrvs = ins
	d.InputSrcs = sortPaths(d.InputSrcs)
}

// union merges two output sets.
func (s OutputSet) union(t OutputSet) OutputSet {
	r := OutputSet{Outputs: append(slices.Clone(s.Outputs), t.Outputs...)}
	for _, m := range []map[string]OutputSet{s.DynamicOutputs, t.DynamicOutputs} {
		for k, v := range m {
			if r.DynamicOutputs == nil {
				r.DynamicOutputs = map[string]OutputSet{}
			}
			if old, ok := r.DynamicOutputs[k]; ok {
				v = old.union(v)
			}
			r.DynamicOutputs[k] = v.clone()
		}
	}
	return r
}

// normalize sorts and deduplicates names and drops dynamic entries that
// want nothing, which Nix's set-of-derived-paths form cannot hold.
func (s *OutputSet) normalize() {
	s.Outputs = sortStrings(s.Outputs)
	for k, v := range s.DynamicOutputs {
		v.normalize()
		if v.empty() {
			delete(s.DynamicOutputs, k)
		} else {
			s.DynamicOutputs[k] = v
		}
	}
	if len(s.DynamicOutputs) == 0 {
		s.DynamicOutputs = nil
	}
}

func (s OutputSet) empty() bool { return len(s.Outputs) == 0 && len(s.DynamicOutputs) == 0 }

func sortStrings(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func sortPaths(s []storepath.StorePath) []storepath.StorePath {
	s = slices.Clone(s)
	slices.SortFunc(s, storepath.Compare)
	return slices.Compact(s)
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any, K cmp.Ordered](m map[K]V) []K {
	return slices.Sorted(maps.Keys(m))
}
