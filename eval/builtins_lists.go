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
			eq, err := ev.eqValues(args[0], x, pos, "while searching for the presence of the given element in the list", true)
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
	// One allocation for all the suspended calls, and for a short list
	// one with the list itself. The calls take their argument from the
	// list they map (lists never change).
	out, thunks := newListOfThunks(len(l.Elems))
	for i := range l.Elems {
		thunks[i].setApp(f, syntax.NoPos, l.Elems[i:i+1:i+1])
		out.Elems[i] = &thunks[i]
	}
	ev.Stats.Lists++
	return out, nil
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
	rc := newRepeatedCall(f, 1)
	for i, x := range l.Elems {
		r, err := rc.call(ev, l.Elems[i:i+1], syntax.NoPos)
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
	rc.done(ev)
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
	rc := newRepeatedCall(f, 2)
	for _, x := range l.Elems {
		argv[0], argv[1] = acc, x
		// The call's result is already in weak head normal form, so the
		// accumulator is forced at every step.
		acc, err = rc.call(ev, argv[:], pos)
		if err != nil {
			return nil, err
		}
	}
	rc.done(ev)
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
	if n > 1<<40 || ev.Settings.MaxListSize > 0 && n > ev.Settings.MaxListSize {
		return nil, ev.Errorf(EvalErr, pos, "cannot create list of size %d", n)
	}
	thunks := make([]Thunk, n)
	out := make([]Value, n)
	var argv []Value // for indices beyond the preboxed integers
	if n > maxCachedInt {
		argv = make([]Value, n-maxCachedInt)
	}
	for i := range out {
		if i < maxCachedInt {
			c := i - minCachedInt
			thunks[i].setApp(f, syntax.NoPos, cachedInts[c:c+1:c+1])
		} else {
			c := i - maxCachedInt
			argv[c] = Int(i)
			thunks[i].setApp(f, syntax.NoPos, argv[c:c+1:c+1])
		}
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
	rc := newRepeatedCall(f, 1)
	for i := range l.Elems {
		r, err := rc.call(ev, l.Elems[i:i+1], pos)
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
	rc.done(ev)
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

// The error contexts of builtins.all and builtins.any: first and second
// argument, return value.
var (
	allContexts = [3]string{"while evaluating the first argument passed to builtins.all", "while evaluating the second argument passed to builtins.all", "while evaluating the return value of the function passed to builtins.all"}
	anyContexts = [3]string{"while evaluating the first argument passed to builtins.any", "while evaluating the second argument passed to builtins.any", "while evaluating the return value of the function passed to builtins.any"}
)

func (ev *Evaluator) anyOrAll(any bool, pos syntax.Pos, args []Value) (Value, error) {
	ctx := &allContexts
	if any {
		ctx = &anyContexts
	}
	f, err := ev.ForceFunction(args[0], pos, ctx[0])
	if err != nil {
		return nil, err
	}
	l, err := ev.forceList(args[1], pos, ctx[1])
	if err != nil {
		return nil, err
	}
	rc := newRepeatedCall(f, 1)
	for i := range l.Elems {
		r, err := rc.call(ev, l.Elems[i:i+1], pos)
		if err != nil {
			return nil, err
		}
		b, err := ev.ForceBool(r, pos, ctx[2])
		if err != nil {
			return nil, err
		}
		if b == any {
			rc.done(ev)
			return Bool(any), nil
		}
	}
	rc.done(ev)
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
	rc := newRepeatedCall(f, 1)
	for i, x := range l.Elems {
		if _, err := ev.Force(x, pos); err != nil {
			return nil, err
		}
		r, err := rc.call(ev, l.Elems[i:i+1], pos)
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
	rc.done(ev)
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
	rc := newRepeatedCall(f, 1)
	for i, x := range l.Elems {
		r, err := rc.call(ev, l.Elems[i:i+1], pos)
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
	rc.done(ev)
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
		name, err := ev.forceStringNoCtxValue(j.Value, j.Pos, "while evaluating the `name` attribute of an element of the list passed to builtins.listToAttrs")
		if err != nil {
			return nil, err
		}
		entries[i] = entry{name.symbol(), a}
	}
	// Sort by name keeping list order among equal names, so that the
	// first occurrence wins; `value` is looked up in that order, as Nix.
	byName := func(a, b entry) int { return cmp.Compare(a.name, b.name) }
	if !slices.IsSortedFunc(entries, byName) {
		slices.SortStableFunc(entries, byName)
	}
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
	return attrsOf(out, 0), nil
}

// missingAttr is Nix's EvalState::getAttr failure.
func (ev *Evaluator) missingAttr(name syntax.Symbol, ctx string) *Error {
	return ev.Errorf(TypeErr, syntax.NoPos, "attribute '%s' missing", syntax.PrintIdentifier(name.String())).AddTrace(syntax.NoPos, ctx)
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
	for _, x := range l.Elems {
		if _, err := ev.forceAttrs(x, syntax.NoPos, "while evaluating a value of the list passed as second argument to builtins.zipAttrsWith"); err != nil {
			return nil, err
		}
	}
	// The sets are evaluated now: set reads them again without a check.
	set := func(x Value) *Attrs {
		if t, ok := x.(*Thunk); ok {
			x = t.val()
		}
		return x.(*Attrs)
	}
	// Per name: its count, then its place in the result; kept in a table
	// indexed by symbol instead of a map.
	slot := ev.symTable() // nothing is evaluated while it is in use
	var namesBuf [16]syntax.Symbol
	names := namesBuf[:0]
	total := 0
	for _, x := range l.Elems {
		for _, at := range set(x).All() {
			if slot[at.Name] == 0 {
				names = append(names, at.Name)
			}
			slot[at.Name]++
			total++
		}
	}
	if len(names) == 0 {
		return emptyAttrs, nil
	}
	slices.Sort(names)
	// One array for all the values, one for the calls (each with its
	// arguments and list) and one for the result.
	all := make([]Value, total)
	type zipped struct {
		t    Thunk
		argv [2]Value
		l    List
	}
	calls := make([]zipped, len(names))
	list := make([]Attr, len(names))
	start := 0
	for i, name := range names {
		n := int(slot[name])
		calls[i].l.Elems = all[start : start : start+n]
		slot[name] = int32(i)
		start += n
	}
	for _, x := range l.Elems {
		for _, at := range set(x).All() {
			li := &calls[slot[at.Name]].l
			li.Elems = append(li.Elems, at.Value)
		}
	}
	ev.clearSymTable(names)
	for i, name := range names {
		c := &calls[i]
		c.argv[0], c.argv[1] = ev.symString(name), &c.l
		c.t.setApp(f, syntax.NoPos, c.argv[:])
		list[i] = Attr{Name: name, Value: &c.t}
	}
	ev.Stats.Attrsets++
	return attrsOf(list, 0), nil
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
