package eval

import (
	"github.com/cairn-nix/cairn/syntax"
)

// builtins.match and builtins.split, and the regular expression engine
// behind them.
//
// Nix compiles its regexes with libstdc++'s std::regex in POSIX extended
// mode, and that implementation is not the textbook POSIX matcher: it
// builds an NFA and walks it depth first, greedy repetition first and the
// left alternative first; at an alternation it tries both branches and
// keeps the longer match, but once a repetition has led to a match the
// shorter repetitions are not tried. Users see these quirks (which match
// split finds, which captures are null), so the engine below reproduces
// that automaton and that walk, state for state, rather than using Go's
// regexp. Compilation errors follow the same grammar, including the
// state limit behind "memory limit exceeded by regular expression".

func init() {
	Register(&PrimOp{Name: "match", Arity: 2, Fn: primMatch})
	Register(&PrimOp{Name: "split", Arity: 2, Fn: primSplit})
}

// reSub is one capture group: libstdc++'s sub_match.
type reSub struct {
	first, second int
	matched       bool
}

type reExec struct {
	prog      *regexProg
	s         string
	begin     int
	cur       int
	exact     bool
	notNull   bool
	prevAvail bool
	hasSol    bool
	solPos    int // -1: no solution yet
	results   []reSub
	curRes    []reSub
	rep       []reRepCount
}

// reRepCount guards a repetition against looping on empty matches: at
// most two entries at the same input position.
type reRepCount struct{ pos, count int }

func newReExec(prog *regexProg, s string, begin int) *reExec {
	return &reExec{
		prog:    prog,
		s:       s,
		begin:   begin,
		results: make([]reSub, prog.nsub),
		curRes:  make([]reSub, prog.nsub),
		rep:     make([]reRepCount, len(prog.states)),
	}
}

func (x *reExec) run() bool {
	x.cur = x.begin
	x.hasSol = false
	x.solPos = -1
	copy(x.curRes, x.results)
	x.dfs(0)
	return x.hasSol
}

func (x *reExec) dfs(i int32) {
	st := &x.prog.states[i]
	switch st.op {
	case reRepeat:
		x.repOnceMore(i)
		if !x.hasSol {
			x.dfs(st.next)
		}
	case reSubBegin:
		r := &x.curRes[st.sub]
		back := r.first
		r.first = x.cur
		x.dfs(st.next)
		x.curRes[st.sub].first = back
	case reSubEnd:
		r := &x.curRes[st.sub]
		back := *r
		r.second, r.matched = x.cur, true
		x.dfs(st.next)
		x.curRes[st.sub] = back
	case reLineBegin:
		if x.cur == x.begin && !x.prevAvail {
			x.dfs(st.next)
		}
	case reLineEnd:
		if x.cur == len(x.s) {
			x.dfs(st.next)
		}
	case reMatch:
		if x.cur < len(x.s) && st.set.has(x.s[x.cur]) {
			x.cur++
			x.dfs(st.next)
			x.cur--
		}
	case reAccept:
		x.hasSol = !x.exact || x.cur == len(x.s)
		if x.cur == x.begin && x.notNull {
			x.hasSol = false
		}
		// POSIX flavour: keep the longest match found, the first of
		// equal ones.
		if x.hasSol && (x.solPos < 0 || x.solPos < x.cur) {
			x.solPos = x.cur
			copy(x.results, x.curRes)
		}
	case reAlt:
		x.dfs(st.alt)
		had := x.hasSol
		x.hasSol = false
		x.dfs(st.next)
		x.hasSol = x.hasSol || had
	case reDummy:
		x.dfs(st.next)
	}
}

func (x *reExec) repOnceMore(i int32) {
	alt := x.prog.states[i].alt
	rc := &x.rep[i]
	if rc.count == 0 || rc.pos != x.cur {
		back := *rc
		rc.pos, rc.count = x.cur, 1
		x.dfs(alt)
		x.rep[i] = back
	} else if rc.count < 2 {
		rc.count++
		x.dfs(alt)
		x.rep[i].count--
	}
}

// regexMatch reports whether re matches all of s, with the groups.
func regexMatch(prog *regexProg, s string) ([]reSub, bool) {
	x := newReExec(prog, s, 0)
	x.exact = true
	if !x.run() {
		return nil, false
	}
	return x.results, true
}

// regexSearch finds the first match in s[start:], as std::regex_search.
func regexSearch(prog *regexProg, s string, start int, prevAvail, notNull, continuous bool) ([]reSub, bool) {
	x := newReExec(prog, s, start)
	x.prevAvail, x.notNull = prevAvail, notNull
	if x.run() {
		return x.results, true
	}
	if continuous {
		return nil, false
	}
	x.prevAvail = true
	for x.begin < len(s) {
		x.begin++
		if x.run() {
			return x.results, true
		}
	}
	return nil, false
}

// regexFindAll lists the matches as std::cregex_iterator visits them:
// after an empty match it first looks for a non-empty one at the same
// place, then moves on by one byte.
func regexFindAll(prog *regexProg, s string) [][]reSub {
	var out [][]reSub
	m, ok := regexSearch(prog, s, 0, false, false, false)
	prevAvail := false
	for ok {
		m = append([]reSub(nil), m...)
		out = append(out, m)
		start := m[0].second
		if m[0].first == m[0].second {
			if start == len(s) {
				break
			}
			if m2, ok2 := regexSearch(prog, s, start, prevAvail, true, true); ok2 {
				m = m2
				continue
			}
			start++
		}
		prevAvail = true
		m, ok = regexSearch(prog, s, start, true, false, false)
	}
	return out
}

func (ev *Evaluator) regex(re string, pos syntax.Pos) (*regexProg, error) {
	cache, _ := ev.Extra["regexCache"].(map[string]*regexProg)
	if cache == nil {
		cache = map[string]*regexProg{}
		ev.Extra["regexCache"] = cache
	}
	if p, ok := cache[re]; ok {
		return p, nil
	}
	p, err := compileRegex(re)
	if err != nil {
		if err.space {
			return nil, ev.Errorf(EvalErr, pos, "memory limit exceeded by regular expression '%s'", re)
		}
		return nil, ev.Errorf(EvalErr, pos, "invalid regular expression '%s'", re)
	}
	cache[re] = p
	return p, nil
}

// groupValues turns the capture groups (not the whole match) into Nix
// values, null for a group that did not take part.
func groupValues(m []reSub, s string) []Value {
	out := make([]Value, len(m)-1)
	for i, g := range m[1:] {
		if g.matched {
			out[i] = Str(s[g.first:g.second])
		} else {
			out[i] = Null{}
		}
	}
	return out
}

func primMatch(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	re, err := ev.forceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.match")
	if err != nil {
		return nil, err
	}
	prog, err := ev.regex(re, pos)
	if err != nil {
		return nil, err
	}
	s, err := ev.ForceString(args[1], pos, "while evaluating the second argument passed to builtins.match")
	if err != nil {
		return nil, err
	}
	m, ok := regexMatch(prog, s.S)
	if !ok {
		return Null{}, nil
	}
	return NewList(groupValues(m, s.S)), nil
}

func primSplit(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	re, err := ev.forceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.split")
	if err != nil {
		return nil, err
	}
	prog, err := ev.regex(re, pos)
	if err != nil {
		return nil, err
	}
	s, err := ev.ForceString(args[1], pos, "while evaluating the second argument passed to builtins.split")
	if err != nil {
		return nil, err
	}
	all := regexFindAll(prog, s.S)
	if len(all) == 0 {
		return NewList([]Value{args[1]}), nil
	}
	out := make([]Value, 0, 2*len(all)+1)
	prev := 0
	for _, m := range all {
		out = append(out, Str(s.S[prev:m[0].first]), NewList(groupValues(m, s.S)))
		prev = m[0].second
	}
	out = append(out, Str(s.S[prev:]))
	return NewList(out), nil
}
