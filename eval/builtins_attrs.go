package eval

import (
	"cmp"
	"encoding/binary"
	"slices"
	"strings"

	"github.com/cairn-nix/cairn/syntax"
)

// Attribute set builtins: names and values, dynamic selection, removal,
// intersection, mapping, and function argument introspection.

func init() {
	Register(&PrimOp{Name: "attrNames", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		return ev.attrsInOrder(pos, args[0], "while evaluating the argument passed to builtins.attrNames", func(at *Attr) Value { return ev.symString(at.Name) })
	}})
	Register(&PrimOp{Name: "attrValues", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		return ev.attrsInOrder(pos, args[0], "while evaluating the argument passed to builtins.attrValues", func(at *Attr) Value { return at.Value })
	}})
	Register(&PrimOp{Name: "getAttr", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		name, err := ev.forceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.getAttr")
		if err != nil {
			return nil, err
		}
		a, err := ev.forceAttrs(args[1], pos, "while evaluating the second argument passed to builtins.getAttr")
		if err != nil {
			return nil, err
		}
		at, ok := a.GetStr(name)
		if !ok {
			return nil, ev.Errorf(TypeErr, syntax.NoPos, "attribute '%s' missing", syntax.PrintIdentifier(name)).AddTrace(syntax.NoPos, "in the attribute set under consideration")
		}
		return ev.Force(at.Value, pos)
	}})
	Register(&PrimOp{Name: "hasAttr", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		name, err := ev.forceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.hasAttr")
		if err != nil {
			return nil, err
		}
		a, err := ev.forceAttrs(args[1], pos, "while evaluating the second argument passed to builtins.hasAttr")
		if err != nil {
			return nil, err
		}
		_, ok := a.GetStr(name)
		return Bool(ok), nil
	}})
	Register(&PrimOp{Name: "unsafeGetAttrPos", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		name, err := ev.forceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.unsafeGetAttrPos")
		if err != nil {
			return nil, err
		}
		a, err := ev.forceAttrs(args[1], pos, "while evaluating the second argument passed to builtins.unsafeGetAttrPos")
		if err != nil {
			return nil, err
		}
		at, ok := a.GetStr(name)
		if !ok {
			return Null{}, nil
		}
		return ev.posValue(at.Pos), nil
	}})
	Register(&PrimOp{Name: "removeAttrs", Arity: 2, Fn: primRemoveAttrs})
	Register(&PrimOp{Name: "intersectAttrs", Arity: 2, Fn: primIntersectAttrs})
	Register(&PrimOp{Name: "mapAttrs", Arity: 2, Fn: primMapAttrs})
	Register(&PrimOp{Name: "functionArgs", Arity: 1, Fn: primFunctionArgs})
}

// attrsInOrder is attrNames and attrValues: the set's attributes in
// lexicographic order of their names, each turned into a list element.
func (ev *Evaluator) attrsInOrder(pos syntax.Pos, v Value, ctx string, elem func(*Attr) Value) (Value, error) {
	a, err := ev.forceAttrs(v, pos, ctx)
	if err != nil {
		return nil, err
	}
	if a.Len() == 0 {
		return emptyList, nil
	}
	order := ev.lexOrder(a)
	out := make([]Value, len(order))
	for i, at := range order {
		out[i] = elem(at)
	}
	ev.Stats.Lists++
	return &List{Elems: out}, nil
}

// lexOrder returns a's attributes in lexicographic order of their names
// (sets are sorted by symbol, which is not that order).
func (ev *Evaluator) lexOrder(a *Attrs) []*Attr {
	all := ev.visibleAttrs(a)
	keys := make([]prefixed, len(all))
	sorted := true
	for i, at := range all {
		keys[i] = prefixed{namePrefix(at.Name.String()), int32(i)}
		if i > 0 && keys[i].prefix < keys[i-1].prefix {
			sorted = false
		}
	}
	if !sorted {
		keys = radixSort(keys)
	}
	// Names sharing their first 8 bytes are ordered by the rest.
	for lo := 0; lo < len(keys); {
		hi := lo + 1
		for hi < len(keys) && keys[hi].prefix == keys[lo].prefix {
			hi++
		}
		if hi-lo > 1 {
			slices.SortStableFunc(keys[lo:hi], func(x, y prefixed) int {
				return strings.Compare(all[x.i].Name.String(), all[y.i].Name.String())
			})
		}
		lo = hi
	}
	order := make([]*Attr, len(keys))
	for i, k := range keys {
		order[i] = all[k.i]
	}
	return order
}

// visibleAttrs returns the set's attributes in no particular order. A
// layered set is not flattened for it (the merged copy of a big set is
// large and may never be needed): its layers are read top down, each name
// taken from the first layer that has it.
func (ev *Evaluator) visibleAttrs(a *Attrs) []*Attr {
	if a.layer == nil || a.layer.merged != nil {
		all := a.All()
		out := make([]*Attr, len(all))
		for i := range all {
			out[i] = &all[i]
		}
		return out
	}
	seen := ev.symTable()
	out := make([]*Attr, 0, a.Len())
	for l := a; l != nil; l = l.base() {
		list := l.own()
		if l.layer != nil && l.layer.merged != nil {
			list = *l.layer.merged
		}
		for i := range list {
			if seen[list[i].Name] == 0 {
				seen[list[i].Name] = 1
				out = append(out, &list[i])
			}
		}
		if l.layer != nil && l.layer.merged != nil {
			break
		}
	}
	for _, at := range out {
		seen[at.Name] = 0
	}
	return out
}

// prefixed is an attribute's index with its name's first 8 bytes as a
// number (see namePrefix).
type prefixed struct {
	prefix uint64
	i      int32
}

// radixSort sorts keys by prefix (stable, least significant byte first):
// attrNames of large sets sorts hundreds of thousands of names, where
// comparison sorts spend most of their time moving and comparing.
func radixSort(keys []prefixed) []prefixed {
	if len(keys) < 256 {
		slices.SortStableFunc(keys, func(x, y prefixed) int { return cmp.Compare(x.prefix, y.prefix) })
		return keys
	}
	tmp := make([]prefixed, len(keys))
	var all uint64 // bits that differ somewhere: passes over equal bytes are skipped
	for _, k := range keys {
		all |= k.prefix ^ keys[0].prefix
	}
	for shift := uint(0); shift < 64; shift += 8 {
		if (all>>shift)&0xff == 0 {
			continue
		}
		var count [257]int
		for _, k := range keys {
			count[(k.prefix>>shift)&0xff+1]++
		}
		for b := 1; b < 257; b++ {
			count[b] += count[b-1]
		}
		for _, k := range keys {
			d := (k.prefix >> shift) & 0xff
			tmp[count[d]] = k
			count[d]++
		}
		keys, tmp = tmp, keys
	}
	return keys
}

// namePrefix is s's first 8 bytes as a big-endian number, zero-padded:
// when two prefixes differ they order as the strings do.
func namePrefix(s string) uint64 {
	var b [8]byte
	copy(b[:], s)
	return binary.BigEndian.Uint64(b[:])
}

func primRemoveAttrs(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	a, err := ev.forceAttrs(args[0], pos, "while evaluating the first argument passed to builtins.removeAttrs")
	if err != nil {
		return nil, err
	}
	l, err := ev.forceList(args[1], pos, "while evaluating the second argument passed to builtins.removeAttrs")
	if err != nil {
		return nil, err
	}
	var small [16]syntax.Symbol
	names := small[:0]
	for _, x := range l.Elems {
		s, err := ev.forceStringNoCtx(x, pos, "while evaluating the values of the second argument passed to builtins.removeAttrs")
		if err != nil {
			return nil, err
		}
		// A name never interned cannot be in any set.
		if sym, ok := syntax.Lookup(s); ok {
			names = append(names, sym)
		}
	}
	if len(names) == 0 || a.Len() == 0 {
		return sameAttrs(a), nil
	}
	slices.Sort(names)
	out := make([]Attr, 0, a.Len())
	j := 0
	for _, at := range a.All() {
		for j < len(names) && names[j] < at.Name {
			j++
		}
		if j < len(names) && names[j] == at.Name {
			continue
		}
		out = append(out, at)
	}
	if len(out) == a.Len() {
		return sameAttrs(a), nil
	}
	ev.Stats.Attrsets++
	if len(out) == 0 {
		return emptyAttrs, nil
	}
	return attrsOf(out, 0), nil
}

// sameAttrs is a builtin's result with the same attributes as a: a
// itself, unless a carries a position, which a new set does not have.
func sameAttrs(a *Attrs) *Attrs {
	if !a.Pos.IsValid() {
		return a
	}
	return attrsOf(a.All(), 0)
}

func primIntersectAttrs(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	l, err := ev.forceAttrs(args[0], pos, "while evaluating the first argument passed to builtins.intersectAttrs")
	if err != nil {
		return nil, err
	}
	r, err := ev.forceAttrs(args[1], pos, "while evaluating the second argument passed to builtins.intersectAttrs")
	if err != nil {
		return nil, err
	}
	var out []Attr
	if l.Len() < r.Len() {
		for _, at := range l.All() {
			if ra, ok := r.Get(at.Name); ok {
				if out == nil {
					out = make([]Attr, 0, l.Len())
				}
				out = append(out, *ra)
			}
		}
	} else {
		for _, at := range r.All() {
			if _, ok := l.Get(at.Name); ok {
				if out == nil {
					out = make([]Attr, 0, r.Len())
				}
				out = append(out, at)
			}
		}
	}
	if len(out) == 0 {
		return emptyAttrs, nil
	}
	if len(out) == r.Len() {
		return sameAttrs(r), nil
	}
	ev.Stats.Attrsets++
	return attrsOf(out, 0), nil
}

func primMapAttrs(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	a, err := ev.forceAttrs(args[1], pos, "while evaluating the second argument passed to builtins.mapAttrs")
	if err != nil {
		return nil, err
	}
	if a.Len() == 0 {
		return emptyAttrs, nil
	}
	f := args[0]
	if c, ok := f.(*Closure); ok {
		// In Nix a lambda argument is a thunk until first called, and a
		// thunk carries no position: the first error from a mapped
		// value has none.
		f = NewThunk(c.Fn, c.Env)
	}
	n := a.Len()
	out := make([]Attr, n)
	thunks := make([]Thunk, n)
	all := a.All()
	for i := range all {
		thunks[i].setAttrApp(f, &all[i])
		out[i] = Attr{Name: all[i].Name, Value: &thunks[i]}
	}
	ev.Stats.Attrsets++
	return attrsOf(out, 0), nil
}

func primFunctionArgs(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	f, err := ev.Force(args[0], pos)
	if err != nil {
		return nil, err
	}
	switch f := f.(type) {
	case *PrimOp, *PrimOpApp:
		return emptyAttrs, nil
	case *Closure:
		if f.Fn.Formals == nil || len(f.Fn.Formals.Items) == 0 {
			return emptyAttrs, nil
		}
		items := f.Fn.Formals.Items
		out := make([]Attr, len(items))
		for i, it := range items {
			out[i] = Attr{Name: it.Name, Value: Bool(it.Def != nil), Pos: it.P}
		}
		ev.Stats.Attrsets++
		return attrsOf(out, 0), nil
	}
	return nil, ev.Errorf(TypeErr, pos, "'functionArgs' requires a function")
}
