package eval

import (
	"sort"

	"github.com/cairn-nix/cairn/syntax"
)

// Attr is one attribute: its name, value (possibly a thunk) and the
// position where it was defined.
type Attr struct {
	Name  syntax.Symbol
	Value Value
	Pos   syntax.Pos
}

// Attrs is an attribute set: attributes sorted by Symbol, so lookups are
// binary searches and `//` is a merge. Pos is where the set was written.
type Attrs struct {
	List []Attr
	Pos  syntax.Pos
}

// Len is the number of attributes.
func (a *Attrs) Len() int { return len(a.List) }

// Get finds an attribute.
func (a *Attrs) Get(name syntax.Symbol) (*Attr, bool) {
	l := a.List
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
	out := append([]Attr(nil), a.List...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name.String() < out[j].Name.String() })
	return out
}

// Names returns the attribute names in lexicographic order.
func (a *Attrs) Names() []string {
	out := make([]string, len(a.List))
	for i, at := range a.List {
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
	sort.SliceStable(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	out := list[:0]
	for i, at := range list {
		if i+1 < len(list) && list[i+1].Name == at.Name {
			continue
		}
		out = append(out, at)
	}
	return &Attrs{List: out}
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
	if len(a.List) == 0 {
		return b
	}
	if len(b.List) == 0 {
		return a
	}
	out := make([]Attr, 0, len(a.List)+len(b.List))
	i, j := 0, 0
	for i < len(a.List) && j < len(b.List) {
		switch x, y := a.List[i], b.List[j]; {
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
	out = append(out, a.List[i:]...)
	out = append(out, b.List[j:]...)
	return &Attrs{List: out, Pos: b.Pos}
}
