package eval

import (
	"cmp"
	"slices"

	"github.com/cairn-nix/cairn/syntax"
)

// List builtins: map, filter, folds, indexing, sorting, grouping, and the
// conversions between lists and sets.

func init() {
	Register(&PrimOp{Name: "map", Arity: 2, Fn: primMap})
	Register(&PrimOp{Name: "filter", Arity: 2, Fn: primFilter})
	Register(&PrimOp{Name: "foldl'", Arity: 3, Fn: primFoldlStrict})
	Register(&PrimOp{Name: "elemAt", Arity: 2, Fn: primElemAt})
	Register(&PrimOp{Name: "head", Arity: 1, Fn: primHead})
	Register(&PrimOp{Name: "tail", Arity: 1, Fn: primTail})
	Register(&PrimOp{Name: "length", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		l, err := ev.forceList(args[0], pos, "while evaluating the first argument passed to builtins.length")
		if err != nil {
			return nil, err
		}
		return Int(len(l.Elems)), nil
	}})
	Register(&PrimOp{Name: "genList", Arity: 2, Fn: primGenList})
	Register(&PrimOp{Name: "sort", Arity: 2, Fn: primSort})
	Register(&PrimOp{Name: "concatLists", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		l, err := ev.forceList(args[0], pos, "while evaluating the first argument passed to builtins.concatLists")
		if err != nil {
			return nil, err
		}
		return ev.ConcatLists(l.Elems, pos, "while evaluating a value of the list passed to builtins.concatLists")
	}})
	Register(&PrimOp{Name: "concatMap", Arity: 2, Fn: primConcatMap})
	Register(&PrimOp{Name: "any", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		return ev.anyOrAll(true, pos, args)
	}})
	Register(&PrimOp{Name: "all", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		return ev.anyOrAll(false, pos, args)
	}})
	Register(&PrimOp{Name: "elem", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		l, err := ev.forceList(args[1], pos, "while evaluating the second argument passed to builtins.elem")
		if err != nil {
			return nil, err
		}
		for _, x := range l.Elems {
			eq, err := ev.EqValues(args[0], x, pos, "while searching for the presence of the given element in the list")
			if err != nil {
				return nil, err
			}
			if eq {
				return Bool(true), nil
			}
		}
		return Bool(false), nil
	}})
	Register(&PrimOp{Name: "partition", Arity: 2, Fn: primPartition})
	Register(&PrimOp{Name: "groupBy", Arity: 2, Fn: primGroupBy})
	Register(&PrimOp{Name: "listToAttrs", Arity: 1, Fn: primListToAttrs})
	Register(&PrimOp{Name: "zipAttrsWith", Arity: 2, Fn: primZipAttrsWith})
	Register(&PrimOp{Name: "catAttrs", Arity: 2, Fn: primCatAttrs})
	Register(&PrimOp{Name: "genericClosure", Arity: 1, Fn: primGenericClosure})
}

func primMap(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	l, err := ev.forceList(args[1], pos, "while evaluating the second argument passed to builtins.map")
	if err != nil {
		return nil, err
	}
	if len(l.Elems) == 0 {
		return l, nil
	}
	f, err := ev.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.map")
	if err != nil {
		return nil, err
	}
	// One allocation for all the suspended calls.
	thunks := make([]Thunk, len(l.Elems))
	argv := make([]Value, len(l.Elems))
	out := make([]Value, len(l.Elems))
	for i, x := range l.Elems {
		argv[i] = x
		thunks[i] = Thunk{fn: f, args: argv[i : i+1 : i+1]}
		out[i] = &thunks[i]
	}
	ev.Stats.Lists++
	return &List{Elems: out}, nil
}

func primFilter(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	l, err := ev.forceList(args[1], pos, "while evaluating the second argument passed to builtins.filter")
	if err != nil {
		return nil, err
	}
	if len(l.Elems) == 0 {
		return l, nil
	}
	f, err := ev.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.filter")
	if err != nil {
		return nil, err
	}
	var out []Value
	same := true
	for i, x := range l.Elems {
		r, err := ev.CallFunction(f, []Value{x}, syntax.NoPos)
		if err != nil {
			return nil, err
		}
		keep, err := ev.ForceBool(r, pos, "while evaluating the return value of the filtering function passed to builtins.filter")
		if err != nil {
			return nil, err
		}
		if keep {
			if !same {
				out = append(out, x)
			}
		} else if same {
			same = false
			out = append(make([]Value, 0, len(l.Elems)-1), l.Elems[:i]...)
		}
	}
	if same {
		return l, nil
	}
	return NewList(out), nil
}

func primFoldlStrict(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	f, err := ev.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.foldlStrict")
	if err != nil {
		return nil, err
	}
	l, err := ev.forceList(args[2], pos, "while evaluating the third argument passed to builtins.foldlStrict")
	if err != nil {
		return nil, err
	}
	if len(l.Elems) == 0 {
		return ev.Force(args[1], pos)
	}
	acc := args[1]
	var argv [2]Value
	for _, x := range l.Elems {
		argv[0], argv[1] = acc, x
		// The call's result is already in weak head normal form, so the
		// accumulator is forced at every step.
		acc, err = ev.CallFunction(f, argv[:], pos)
		if err != nil {
			return nil, err
		}
	}
	return ev.Force(acc, pos)
}

func primElemAt(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	n, err := ev.ForceInt(args[1], pos, "while evaluating the second argument passed to 'builtins.elemAt'")
	if err != nil {
		return nil, err
	}
	l, err := ev.forceList(args[0], pos, "while evaluating the first argument passed to 'builtins.elemAt'")
	if err != nil {
		return nil, err
	}
	if n < 0 || n >= int64(len(l.Elems)) {
		return nil, ev.Errorf(EvalErr, pos, "'builtins.elemAt' called with index %d on a list of size %d", n, len(l.Elems))
	}
	return ev.Force(l.Elems[n], pos)
}

func primHead(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	l, err := ev.forceList(args[0], pos, "while evaluating the first argument passed to 'builtins.head'")
	if err != nil {
		return nil, err
	}
	if len(l.Elems) == 0 {
		return nil, ev.Errorf(EvalErr, pos, "'builtins.head' called on an empty list")
	}
	return ev.Force(l.Elems[0], pos)
}

func primTail(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	l, err := ev.forceList(args[0], pos, "while evaluating the first argument passed to 'builtins.tail'")
	if err != nil {
		return nil, err
	}
	if len(l.Elems) == 0 {
		return nil, ev.Errorf(EvalErr, pos, "'builtins.tail' called on an empty list")
	}
	// Elements are never modified in place, so the tail can share them.
	return NewList(l.Elems[1:]), nil
}

func primGenList(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	n, err := ev.ForceInt(args[1], pos, "while evaluating the second argument passed to builtins.genList")
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, ev.Errorf(EvalErr, pos, "cannot create list of size %d", n)
	}
	f, err := ev.ForceFunction(args[0], syntax.NoPos, "while evaluating the first argument passed to builtins.genList")
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return emptyList, nil
	}
	if n > 1<<40 {
		return nil, ev.Errorf(EvalErr, pos, "cannot create list of size %d", n)
	}
	thunks := make([]Thunk, n)
	argv := make([]Value, n)
	out := make([]Value, n)
	for i := range out {
		argv[i] = Int(i)
		thunks[i] = Thunk{fn: f, args: argv[i : i+1 : i+1]}
		out[i] = &thunks[i]
	}
	ev.Stats.Lists++
	return &List{Elems: out}, nil
}

func primConcatMap(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	f, err := ev.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.concatMap")
	if err != nil {
		return nil, err
	}
	l, err := ev.forceList(args[1], pos, "while evaluating the second argument passed to builtins.concatMap")
	if err != nil {
		return nil, err
	}
	lists := make([]*List, len(l.Elems))
	n := 0
	for i, x := range l.Elems {
		r, err := ev.CallFunction(f, []Value{x}, pos)
		if err != nil {
			return nil, err
		}
		rl, err := ev.forceList(r, determinePos(r, determinePos(f, pos)), "while evaluating the return value of the function passed to builtins.concatMap")
		if err != nil {
			return nil, err
		}
		lists[i] = rl
		n += len(rl.Elems)
	}
	if n == 0 {
		return emptyList, nil
	}
	out := make([]Value, 0, n)
	for _, rl := range lists {
		out = append(out, rl.Elems...)
	}
	ev.Stats.Lists++
	return &List{Elems: out}, nil
}

func (ev *Evaluator) anyOrAll(any bool, pos syntax.Pos, args []Value) (Value, error) {
	name, ctx := "all", "while evaluating the return value of the function passed to builtins.all"
	if any {
		name, ctx = "any", "while evaluating the return value of the function passed to builtins.any"
	}
	f, err := ev.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins."+name)
	if err != nil {
		return nil, err
	}
	l, err := ev.forceList(args[1], pos, "while evaluating the second argument passed to builtins."+name)
	if err != nil {
		return nil, err
	}
	var argv [1]Value
	for _, x := range l.Elems {
		argv[0] = x
		r, err := ev.CallFunction(f, argv[:], pos)
		if err != nil {
			return nil, err
		}
		b, err := ev.ForceBool(r, pos, ctx)
		if err != nil {
			return nil, err
		}
		if b == any {
			return Bool(any), nil
		}
	}
	return Bool(!any), nil
}

var (
	symRight    = syntax.Intern("right")
	symWrong    = syntax.Intern("wrong")
	symName     = syntax.Intern("name")
	symValue    = syntax.Intern("value")
	symKey      = syntax.Intern("key")
	symStartSet = syntax.Intern("startSet")
	symOperator = syntax.Intern("operator")
)

func primPartition(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	f, err := ev.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.partition")
	if err != nil {
		return nil, err
	}
	l, err := ev.forceList(args[1], pos, "while evaluating the second argument passed to builtins.partition")
	if err != nil {
		return nil, err
	}
	var right, wrong []Value
	for _, x := range l.Elems {
		if _, err := ev.Force(x, pos); err != nil {
			return nil, err
		}
		r, err := ev.CallFunction(f, []Value{x}, pos)
		if err != nil {
			return nil, err
		}
		b, err := ev.ForceBool(r, pos, "while evaluating the return value of the partition function passed to builtins.partition")
		if err != nil {
			return nil, err
		}
		if b {
			right = append(right, x)
		} else {
			wrong = append(wrong, x)
		}
	}
	return NewAttrs([]Attr{{Name: symRight, Value: NewList(right)}, {Name: symWrong, Value: NewList(wrong)}}), nil
}

func primGroupBy(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	f, err := ev.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.groupBy")
	if err != nil {
		return nil, err
	}
	l, err := ev.forceList(args[1], pos, "while evaluating the second argument passed to builtins.groupBy")
	if err != nil {
		return nil, err
	}
	groups := map[syntax.Symbol]int{}
	var list []Attr
	var elems [][]Value
	for _, x := range l.Elems {
		r, err := ev.CallFunction(f, []Value{x}, pos)
		if err != nil {
			return nil, err
		}
		name, err := ev.forceStringNoCtx(r, pos, "while evaluating the return value of the grouping function passed to builtins.groupBy")
		if err != nil {
			return nil, err
		}
		sym := syntax.Intern(name)
		i, ok := groups[sym]
		if !ok {
			i = len(list)
			groups[sym] = i
			list = append(list, Attr{Name: sym})
			elems = append(elems, nil)
		}
		elems[i] = append(elems[i], x)
	}
	for i := range list {
		list[i].Value = NewList(elems[i])
	}
	return NewAttrs(list), nil
}

func primListToAttrs(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	l, err := ev.forceList(args[0], pos, "while evaluating the argument passed to builtins.listToAttrs")
	if err != nil {
		return nil, err
	}
	type entry struct {
		name syntax.Symbol
		set  *Attrs
	}
	entries := make([]entry, len(l.Elems))
	for i, x := range l.Elems {
		a, err := ev.forceAttrs(x, pos, "while evaluating an element of the list passed to builtins.listToAttrs")
		if err != nil {
			return nil, err
		}
		j, ok := a.Get(symName)
		if !ok {
			return nil, ev.missingAttr(symName, "in a {name=...; value=...;} pair")
		}
		name, err := ev.forceStringNoCtx(j.Value, j.Pos, "while evaluating the `name` attribute of an element of the list passed to builtins.listToAttrs")
		if err != nil {
			return nil, err
		}
		entries[i] = entry{syntax.Intern(name), a}
	}
	// Sort by name keeping list order among equal names, so that the
	// first occurrence wins; `value` is looked up in that order, as Nix.
	slices.SortStableFunc(entries, func(a, b entry) int { return cmp.Compare(a.name, b.name) })
	out := make([]Attr, 0, len(entries))
	for i, e := range entries {
		if i > 0 && entries[i-1].name == e.name {
			continue
		}
		v, ok := e.set.Get(symValue)
		if !ok {
			return nil, ev.missingAttr(symValue, "in a {name=...; value=...;} pair")
		}
		out = append(out, Attr{Name: e.name, Value: v.Value, Pos: v.Pos})
	}
	ev.Stats.Attrsets++
	if len(out) == 0 {
		return emptyAttrs, nil
	}
	return &Attrs{List: out}, nil
}

// missingAttr is Nix's EvalState::getAttr failure.
func (ev *Evaluator) missingAttr(name syntax.Symbol, ctx string) *Error {
	return ev.Errorf(TypeErr, syntax.NoPos, "attribute '%s' missing", name).AddTrace(syntax.NoPos, ctx)
}

func primZipAttrsWith(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	f, err := ev.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.zipAttrsWith")
	if err != nil {
		return nil, err
	}
	l, err := ev.forceList(args[1], pos, "while evaluating the second argument passed to builtins.zipAttrsWith")
	if err != nil {
		return nil, err
	}
	sets := make([]*Attrs, len(l.Elems))
	counts := map[syntax.Symbol]int{}
	for i, x := range l.Elems {
		a, err := ev.forceAttrs(x, syntax.NoPos, "while evaluating a value of the list passed as second argument to builtins.zipAttrsWith")
		if err != nil {
			return nil, err
		}
		sets[i] = a
		for _, at := range a.List {
			counts[at.Name]++
		}
	}
	list := make([]Attr, 0, len(counts))
	for name := range counts {
		list = append(list, Attr{Name: name})
	}
	slices.SortFunc(list, func(a, b Attr) int { return cmp.Compare(a.Name, b.Name) })
	vals := make([][]Value, len(list))
	idx := make(map[syntax.Symbol]int, len(list))
	for i, at := range list {
		idx[at.Name] = i
		vals[i] = make([]Value, 0, counts[at.Name])
	}
	for _, a := range sets {
		for _, at := range a.List {
			i := idx[at.Name]
			vals[i] = append(vals[i], at.Value)
		}
	}
	for i := range list {
		list[i].Value = NewApp(f, syntax.NoPos, Str(list[i].Name.String()), NewList(vals[i]))
	}
	ev.Stats.Attrsets++
	if len(list) == 0 {
		return emptyAttrs, nil
	}
	return &Attrs{List: list}, nil
}

func primCatAttrs(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	name, err := ev.forceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.catAttrs")
	if err != nil {
		return nil, err
	}
	sym := syntax.Intern(name)
	l, err := ev.forceList(args[1], pos, "while evaluating the second argument passed to builtins.catAttrs")
	if err != nil {
		return nil, err
	}
	var out []Value
	for _, x := range l.Elems {
		a, err := ev.forceAttrs(x, pos, "while evaluating an element in the list passed as second argument to builtins.catAttrs")
		if err != nil {
			return nil, err
		}
		if at, ok := a.Get(sym); ok {
			if out == nil {
				out = make([]Value, 0, len(l.Elems))
			}
			out = append(out, at.Value)
		}
	}
	return NewList(out), nil
}

func primSort(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	l, err := ev.forceList(args[1], pos, "while evaluating the second argument passed to builtins.sort")
	if err != nil {
		return nil, err
	}
	if len(l.Elems) == 0 {
		return l, nil
	}
	f, err := ev.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.sort")
	if err != nil {
		return nil, err
	}
	out := make([]Value, len(l.Elems))
	for i, x := range l.Elems {
		v, err := ev.Force(x, pos)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	s := sorter{ev: ev}
	if op, ok := f.(*PrimOp); ok && op.Name == "lessThan" {
		// Nix compares directly, without calling the builtin.
		s.less = func(a, b Value) (bool, error) {
			return ev.compareValues(a, b, "while evaluating the ordering function passed to builtins.sort")
		}
	} else {
		var argv [2]Value
		s.less = func(a, b Value) (bool, error) {
			argv[0], argv[1] = a, b
			r, err := ev.CallFunction(f, argv[:], syntax.NoPos)
			if err != nil {
				return false, err
			}
			return ev.ForceBool(r, pos, "while evaluating the return value of the sorting function passed to builtins.sort")
		}
	}
	if err := s.sort(out); err != nil {
		return nil, err
	}
	ev.Stats.Lists++
	return &List{Elems: out}, nil
}

// sorter is Nix's peeksort (a natural merge sort with insertion sort for
// short ranges). The comparator is user code whose calls, errors and
// traces are visible, so the sequence of comparisons follows Nix's.
type sorter struct {
	ev   *Evaluator
	less func(a, b Value) (bool, error)
	buf  []Value
	err  error
}

// lt calls the comparator; after a failure it answers false without
// calling again, so the algorithm winds down and the error is reported.
func (s *sorter) lt(a, b Value) bool {
	if s.err != nil {
		return false
	}
	r, err := s.less(a, b)
	if err != nil {
		s.err = err
		return false
	}
	return r
}

func (s *sorter) sort(a []Value) error {
	switch len(a) {
	case 0, 1:
		return nil
	case 2:
		if s.lt(a[1], a[0]) {
			a[0], a[1] = a[1], a[0]
		}
		return s.err
	}
	s.buf = make([]Value, len(a))
	s.peek(a, 0, len(a), 0, len(a))
	return s.err
}

// peek sorts a[b:e] given that a[b:l] and a[r:e] are sorted runs.
func (s *sorter) peek(a []Value, b, e, l, r int) {
	if s.err != nil || l == e || r == b {
		return
	}
	n := e - b
	if n <= 16 {
		s.insertion(a, b, e)
		return
	}
	m := b + n/2
	if m <= l {
		s.peek(a, l, e, l+1, r)
		s.merge(a, b, l, e)
		return
	}
	if m >= r {
		s.peek(a, b, r, l, r-1)
		s.merge(a, b, r, e)
		return
	}
	var i, j int
	if !s.lt(a[m], a[m-1]) {
		i = s.weakIncSuffix(a, l, m)
		j = s.weakIncPrefix(a, m-1, r)
	} else {
		i = s.strictDecSuffix(a, l, m)
		j = s.strictDecPrefix(a, m-1, r)
		for x, y := i, j-1; x < y; x, y = x+1, y-1 {
			a[x], a[y] = a[y], a[x]
		}
	}
	if s.err != nil || i == b && j == e {
		return
	}
	if m-i < j-m {
		s.peek(a, b, i, l, i-1)
		s.peek(a, i, e, j, r)
		s.merge(a, b, i, e)
	} else {
		s.peek(a, b, j, l, i)
		s.peek(a, j, e, j+1, r)
		s.merge(a, b, j, e)
	}
}

func (s *sorter) insertion(a []Value, b, e int) {
	for c := b + 1; c < e; c++ {
		for k := c; k > b && s.lt(a[k], a[k-1]); k-- {
			a[k], a[k-1] = a[k-1], a[k]
		}
	}
}

// merge merges the sorted a[b:m] and a[m:e], stably.
func (s *sorter) merge(a []Value, b, m, e int) {
	if s.err != nil {
		return
	}
	w := s.buf[:e-b]
	copy(w, a[b:e])
	wm := m - b
	i, j, k := 0, wm, b
	for i < wm && j < len(w) {
		if !s.lt(w[j], w[i]) {
			a[k] = w[i]
			i++
		} else {
			a[k] = w[j]
			j++
		}
		k++
	}
	k += copy(a[k:], w[i:wm])
	copy(a[k:], w[j:])
}

// strictDecPrefix is the largest i <= e with a[b:i] strictly decreasing.
func (s *sorter) strictDecPrefix(a []Value, b, e int) int {
	for b+1 != e && s.lt(a[b+1], a[b]) {
		b++
	}
	return b + 1
}

// strictDecSuffix is the smallest i >= b with a[i:e] strictly decreasing.
func (s *sorter) strictDecSuffix(a []Value, b, e int) int {
	for e-1 > b && s.lt(a[e-1], a[e-2]) {
		e--
	}
	return e - 1
}

func (s *sorter) weakIncPrefix(a []Value, b, e int) int {
	for b+1 != e && !s.lt(a[b+1], a[b]) {
		if s.err != nil {
			break
		}
		b++
	}
	return b + 1
}

func (s *sorter) weakIncSuffix(a []Value, b, e int) int {
	for e-1 > b && !s.lt(a[e-1], a[e-2]) {
		if s.err != nil {
			break
		}
		e--
	}
	return e - 1
}

func primGenericClosure(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	arg, err := ev.forceAttrs(args[0], syntax.NoPos, "while evaluating the first argument passed to builtins.genericClosure")
	if err != nil {
		return nil, err
	}
	const inArg = "in the attrset passed as argument to builtins.genericClosure"
	start, ok := arg.Get(symStartSet)
	if !ok {
		return nil, ev.missingAttr(symStartSet, inArg)
	}
	startList, err := ev.forceList(start.Value, syntax.NoPos, "while evaluating the 'startSet' attribute passed as argument to builtins.genericClosure")
	if err != nil {
		return nil, err
	}
	if len(startList.Elems) == 0 {
		return startList, nil
	}
	opAttr, ok := arg.Get(symOperator)
	if !ok {
		return nil, ev.missingAttr(symOperator, inArg)
	}
	op, err := ev.ForceFunction(opAttr.Value, syntax.NoPos, "while evaluating the 'operator' attribute passed as argument to builtins.genericClosure")
	if err != nil {
		return nil, err
	}
	work := append([]Value(nil), startList.Elems...)
	var res []Value
	seen := keyTree{ev: ev}
	var argv [1]Value
	for len(work) > 0 {
		e := work[0]
		work = work[1:]
		ea, err := ev.forceAttrs(e, syntax.NoPos, "")
		if err != nil {
			return nil, asError(ev, err).AddTracef(syntax.NoPos, "in genericClosure element %s", ev.errorValue(e))
		}
		key, ok := ea.Get(symKey)
		if !ok {
			return nil, ev.missingAttr(symKey, "").AddTracef(syntax.NoPos, "in genericClosure element %s", ev.errorValue(ea))
		}
		k, err := ev.Force(key.Value, syntax.NoPos)
		if err != nil {
			return nil, err
		}
		inserted, err := seen.insert(k, ea)
		if err != nil {
			return nil, err
		}
		if !inserted {
			continue
		}
		res = append(res, ea)
		argv[0] = ea
		r, err := ev.CallFunction(op, argv[:], syntax.NoPos)
		if err == nil {
			var rl *List
			rl, err = ev.forceList(r, syntax.NoPos, "while evaluating the return value of the `operator` passed to builtins.genericClosure")
			if err == nil {
				for _, x := range rl.Elems {
					if _, err = ev.Force(x, syntax.NoPos); err != nil {
						break
					}
					work = append(work, x)
				}
			}
		}
		if err != nil {
			return nil, asError(ev, err).AddTracef(syntax.NoPos, "while calling operator on genericClosure element %s", ev.errorValue(ea))
		}
	}
	ev.Stats.Lists++
	return &List{Elems: res}, nil
}

// keyTree is the set of keys genericClosure has seen: a red-black tree
// shaped like libstdc++'s std::map, so that the keys compared (and so
// the "cannot compare" errors) are the ones Nix compares.
type keyTree struct {
	ev    *Evaluator
	root  *keyNode
	nodes int
}

type keyNode struct {
	key, elem           Value
	left, right, parent *keyNode
	red                 bool
}

func (t *keyTree) less(a, b Value) (bool, error) { return t.ev.compareValues(a, b, "") }

// insert adds k unless an equal key is present, and reports whether it
// did.
func (t *keyTree) insert(k, elem Value) (bool, error) {
	fail := func(err error) (bool, error) {
		e := asError(t.ev, err)
		// Name the element compared against: the first one, in order,
		// whose key cannot be compared with k.
		var other *keyNode
		t.walk(t.root, func(n *keyNode) bool {
			if _, err := t.less(k, n.key); err != nil {
				other = n
				return false
			}
			return true
		})
		if other != nil {
			e.AddTracef(syntax.NoPos, "with element %s", t.ev.errorValue(other.elem))
			e.AddTracef(syntax.NoPos, "while comparing element %s", t.ev.errorValue(elem))
		} else {
			e.AddTracef(syntax.NoPos, "while checking key of element %s", t.ev.errorValue(elem))
		}
		return false, e
	}
	var parent *keyNode
	x := t.root
	goLeft := true
	for x != nil {
		parent = x
		lt, err := t.less(k, x.key)
		if err != nil {
			return fail(err)
		}
		goLeft = lt
		if lt {
			x = x.left
		} else {
			x = x.right
		}
	}
	// The candidate for an equal key is the in-order predecessor of the
	// insertion point.
	j := parent
	if goLeft {
		if parent == nil || parent == t.first() {
			j = nil
		} else {
			j = predecessor(parent)
		}
	}
	if j != nil {
		lt, err := t.less(j.key, k)
		if err != nil {
			return fail(err)
		}
		if !lt {
			return false, nil
		}
	}
	n := &keyNode{key: k, elem: elem, parent: parent, red: true}
	switch {
	case parent == nil:
		t.root = n
	case goLeft:
		parent.left = n
	default:
		parent.right = n
	}
	t.nodes++
	t.rebalance(n)
	return true, nil
}

func (t *keyTree) first() *keyNode {
	n := t.root
	for n != nil && n.left != nil {
		n = n.left
	}
	return n
}

func predecessor(n *keyNode) *keyNode {
	if n.left != nil {
		n = n.left
		for n.right != nil {
			n = n.right
		}
		return n
	}
	p := n.parent
	for p != nil && n == p.left {
		n, p = p, p.parent
	}
	return p
}

func (t *keyTree) walk(n *keyNode, f func(*keyNode) bool) bool {
	if n == nil {
		return true
	}
	return t.walk(n.left, f) && f(n) && t.walk(n.right, f)
}

func (t *keyTree) rotateLeft(x *keyNode) {
	y := x.right
	x.right = y.left
	if y.left != nil {
		y.left.parent = x
	}
	y.parent = x.parent
	switch {
	case x.parent == nil:
		t.root = y
	case x == x.parent.left:
		x.parent.left = y
	default:
		x.parent.right = y
	}
	y.left = x
	x.parent = y
}

func (t *keyTree) rotateRight(x *keyNode) {
	y := x.left
	x.left = y.right
	if y.right != nil {
		y.right.parent = x
	}
	y.parent = x.parent
	switch {
	case x.parent == nil:
		t.root = y
	case x == x.parent.right:
		x.parent.right = y
	default:
		x.parent.left = y
	}
	y.right = x
	x.parent = y
}

func (t *keyTree) rebalance(x *keyNode) {
	for x != t.root && x.parent.red {
		p := x.parent
		g := p.parent
		if p == g.left {
			if u := g.right; u != nil && u.red {
				p.red, u.red, g.red = false, false, true
				x = g
				continue
			}
			if x == p.right {
				x = p
				t.rotateLeft(x)
			}
			x.parent.red, g.red = false, true
			t.rotateRight(g)
		} else {
			if u := g.left; u != nil && u.red {
				p.red, u.red, g.red = false, false, true
				x = g
				continue
			}
			if x == p.left {
				x = p
				t.rotateRight(x)
			}
			x.parent.red, g.red = false, true
			t.rotateLeft(g)
		}
	}
	t.root.red = false
}
