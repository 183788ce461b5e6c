package eval

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"unsafe"

	"github.com/cairn-nix/cairn/syntax"
)

// Attr is one attribute: its name, value (possibly a thunk) and the
// position where it was defined.
type Attr struct {
	Name  syntax.Symbol
	Pos   syntax.Pos // beside Name, so that an Attr is 24 bytes
	Value Value
}

// Attrs is an attribute set: attributes sorted by Symbol, so lookups are
// binary searches and `//` is a merge. A small right-hand side of `//` is
// layered on top of the left one instead of copying it (as Nix 2.34
// does), so chains of overlays cost what they add; All gives the merged
// view. Pos is where the set was written.
//
// Sets are numerous, so the header is 24 bytes: this layer's attributes
// are kept as a pointer and a count rather than a slice (see own).
type Attrs struct {
	ptr   *Attr // this layer's n attributes, sorted by Name
	n     int32
	Pos   syntax.Pos
	layer *layer // nil for a flat set
}

// layer is what a layered set adds; kept apart so that flat sets, the vast
// majority, stay small.
type layer struct {
	base   *Attrs  // the set this one is layered on
	merged *[]Attr // All's cached view, nil until asked for
	size   int32   // distinct names in the whole chain
	depth  uint8
}

// own returns this layer's attributes.
func (a *Attrs) own() []Attr { return unsafe.Slice(a.ptr, a.n) }

func (a *Attrs) setOwn(list []Attr) { a.ptr, a.n = unsafe.SliceData(list), int32(len(list)) }

// attrsOf makes a flat set of a sorted list.
func attrsOf(list []Attr, pos syntax.Pos) *Attrs {
	a := &Attrs{Pos: pos}
	a.setOwn(list)
	return a
}

// maxLayers bounds a chain of layers, and layerMax the size of a right
// operand of // that is layered rather than merged. Nix flattens after 8
// layers; 32 was measured to keep lookups cheap while a chain of small
// overlays (the package-set pattern) copies its big base 4 times less
// often, which is most of that pattern's memory.
const (
	maxLayers = 32
	layerMax  = 16
)

// NewAttrsSorted wraps attributes already sorted by Symbol, without
// duplicates.
func NewAttrsSorted(list []Attr, pos syntax.Pos) *Attrs { return attrsOf(list, pos) }

// All returns the attributes sorted by Symbol (not by name: see Sorted).
// The slice must not be modified.
func (a *Attrs) All() []Attr {
	if a.layer == nil {
		return a.own()
	}
	if a.layer.merged == nil {
		m := a.flatten()
		a.layer.merged = &m
	}
	return *a.layer.merged
}

// base is the set a layered set sits on, nil for a flat one.
func (a *Attrs) base() *Attrs {
	if a.layer == nil {
		return nil
	}
	return a.layer.base
}

func (a *Attrs) depth() uint8 {
	if a.layer == nil {
		return 0
	}
	return a.layer.depth
}

// flatten merges a layered set's chain in one pass: the small upper
// layers first (upper ones winning), then that with the flat bottom.
func (a *Attrs) flatten() []Attr {
	var small []Attr
	l := a
	for ; l.layer != nil && l.layer.merged == nil; l = l.layer.base {
		small = mergeAttrs(l.own(), small)
	}
	bottom := l.own()
	if l.layer != nil {
		bottom = *l.layer.merged
	}
	return mergeAttrs(bottom, small)
}

// Len is the number of attributes.
func (a *Attrs) Len() int {
	if a.layer == nil {
		return int(a.n)
	}
	return int(a.layer.size)
}

// Get finds an attribute.
func (a *Attrs) Get(name syntax.Symbol) (*Attr, bool) {
	for ; a != nil; a = a.base() {
		if at, ok := searchAttrs(a.own(), name); ok {
			return at, true
		}
	}
	return nil, false
}

func searchAttrs(l []Attr, name syntax.Symbol) (*Attr, bool) {
	lo, hi := 0, len(l)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if l[m].Name < name {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(l) && l[lo].Name == name {
		return &l[lo], true
	}
	return nil, false
}

// GetStr finds an attribute by its name's text.
func (a *Attrs) GetStr(name string) (*Attr, bool) {
	s, ok := syntax.Lookup(name)
	if !ok {
		return nil, false
	}
	return a.Get(s)
}

// Sorted returns the attributes in lexicographic order of their names,
// the order Nix shows them in (attrNames, attrValues, printing).
func (a *Attrs) Sorted() []Attr {
	out := append([]Attr(nil), a.All()...)
	slices.SortFunc(out, func(x, y Attr) int { return strings.Compare(x.Name.String(), y.Name.String()) })
	return out
}

// Names returns the attribute names in lexicographic order.
func (a *Attrs) Names() []string {
	all := a.All()
	out := make([]string, len(all))
	for i, at := range all {
		out[i] = at.Name.String()
	}
	sort.Strings(out)
	return out
}

// NewAttrs builds a set from attributes in any order; for duplicate names
// the last one wins.
func NewAttrs(list []Attr) *Attrs {
	if len(list) == 0 {
		return emptyAttrs
	}
	return sortedAttrs(&Attrs{}, list)
}

// sortedAttrs sorts a's own list (attributes in any order), dropping all
// but the last of equal names, as NewAttrs does.
func sortedAttrs(a *Attrs, list []Attr) *Attrs {
	byName := func(x, y Attr) int { return cmp.Compare(x.Name, y.Name) }
	if !slices.IsSortedFunc(list, byName) {
		slices.SortStableFunc(list, byName)
	}
	out := list[:0]
	for i, at := range list {
		if i+1 < len(list) && list[i+1].Name == at.Name {
			continue
		}
		out = append(out, at)
	}
	a.setOwn(out)
	return a
}

// AttrsBuilder collects attributes for a new set.
type AttrsBuilder struct{ list []Attr }

// NewAttrsBuilder preallocates room for n attributes.
func NewAttrsBuilder(n int) *AttrsBuilder { return &AttrsBuilder{list: make([]Attr, 0, n)} }

// Set adds (or, on Build, replaces) an attribute.
func (b *AttrsBuilder) Set(name string, v Value) *AttrsBuilder {
	b.list = append(b.list, Attr{Name: syntax.Intern(name), Value: v})
	return b
}

// SetSym adds an attribute by symbol.
func (b *AttrsBuilder) SetSym(name syntax.Symbol, v Value, pos syntax.Pos) *AttrsBuilder {
	b.list = append(b.list, Attr{Name: name, Value: v, Pos: pos})
	return b
}

// Build returns the set.
func (b *AttrsBuilder) Build() *Attrs { return NewAttrs(b.list) }

// Update returns a // b.
func Update(a, b *Attrs) *Attrs {
	if a.Len() == 0 {
		return b
	}
	if b.Len() == 0 {
		return a
	}
	if b.Len() <= layerMax {
		if a.depth() < maxLayers-1 {
			return layerOn(a, b.All(), b.Pos)
		}
		if c := a.collapse(b.All(), b.Pos); c != nil {
			return c
		}
	}
	var left []Attr
	switch {
	case a.layer == nil:
		left = a.own()
	case a.layer.merged != nil:
		left = *a.layer.merged
	default:
		left = a.flatten()
	}
	return attrsOf(mergeAttrs(left, b.All()), b.Pos)
}

// layerOn puts the sorted list top on a as a new layer.
func layerOn(a *Attrs, top []Attr, pos syntax.Pos) *Attrs {
	size := a.Len()
	for _, at := range top {
		if _, ok := a.Get(at.Name); !ok {
			size++
		}
	}
	l := attrsOf(top, pos)
	l.layer = &layer{base: a, size: int32(size), depth: a.depth() + 1}
	return l
}

// accMax bounds the layer that collapse gathers the small layers of a
// full chain into. A chain of overlays on a big set then copies the big
// set once every accMax/layerMax overlays or so, instead of every
// maxLayers.
const accMax = 4096

// collapse returns a // top for a chain a that is full: its layers (down
// to the flat set at its bottom) and top are merged into one layer on that
// set. nil when that layer would be too big: the caller flattens.
func (a *Attrs) collapse(top []Attr, pos syntax.Pos) *Attrs {
	upper := top
	l := a
	for ; l.layer != nil && l.layer.merged == nil; l = l.layer.base {
		upper = mergeAttrs(l.own(), upper)
		if len(upper) > accMax {
			return nil
		}
	}
	bottom := l
	if l.layer != nil {
		bottom = attrsOf(*l.layer.merged, l.Pos)
	}
	return layerOn(bottom, upper, pos)
}

// mergeAttrs merges two sorted lists, the second winning on equal names.
// The result is counted first: updates of a big set by one with the same
// names (mapAttrs results, overrides) would otherwise keep twice the room.
func mergeAttrs(a, b []Attr) []Attr {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		x, y := a[i].Name, b[j].Name
		if x <= y {
			i++
		}
		if y <= x {
			j++
		}
		n++
	}
	out := make([]Attr, 0, n+len(a)-i+len(b)-j)
	i, j = 0, 0
	for i < len(a) && j < len(b) {
		switch x, y := a[i], b[j]; {
		case x.Name == y.Name:
			out = append(out, y)
			i++
			j++
		case x.Name < y.Name:
			out = append(out, x)
			i++
		default:
			out = append(out, y)
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// newSmallAttrs returns a set of n attributes (to be filled in order of
// Name) allocated with its list in one object: most sets written in Nix
// code have a few attributes.
func newSmallAttrs(n int, pos syntax.Pos) *Attrs {
	switch n {
	case 1:
		return attrsWith[[1]Attr](pos)
	case 2:
		return attrsWith[[2]Attr](pos)
	case 3:
		return attrsWith[[3]Attr](pos)
	case 4:
		return attrsWith[[4]Attr](pos)
	}
	return attrsOf(make([]Attr, n), pos)
}

// attrsWith allocates a set and its attributes, an array type A of Attr,
// together.
func attrsWith[A any](pos syntax.Pos) *Attrs {
	p := new(struct {
		Attrs
		a A
	})
	p.setOwn(unsafe.Slice((*Attr)(unsafe.Pointer(&p.a)), unsafe.Sizeof(p.a)/unsafe.Sizeof(Attr{})))
	p.Pos = pos
	return &p.Attrs
}
