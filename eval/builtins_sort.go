package eval

import (
	"github.com/cairn-nix/cairn/syntax"
)

// builtins.sort and builtins.genericClosure: both compare values in the
// same sequence as Nix, since the comparisons run user code and can fail
// visibly.

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
		rc := newRepeatedCall(f, 2)
		s.less = func(a, b Value) (bool, error) {
			argv[0], argv[1] = a, b
			r, err := rc.call(ev, argv[:], syntax.NoPos)
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
