// Package lalr builds LALR(1) parse tables the way GNU Bison does for a
// deterministic grammar: precedence and associativity settle shift/reduce
// conflicts, each state gets Bison's default reduction (the reduction with
// the most lookahead tokens), and states whose only action is that default
// need no lookahead. Matching Bison's choices matters because Nix's syntax
// error messages ("unexpected X, expecting Y or Z") are read off its tables.
//
// It is used at generation time only (go generate in package syntax) and
// imports nothing from Cairn.
package lalr

import (
	"fmt"
	"sort"
)

// Assoc is a precedence associativity.
type Assoc uint8

const (
	NoAssoc Assoc = iota
	Left
	Right
	NonAssoc
)

// Terminal is a token; its index is its Bison symbol number.
type Terminal struct {
	Name  string
	Prec  int // 0: none; higher binds tighter
	Assoc Assoc
}

// Rule is a production. Symbols below len(Terminals) are terminals, the
// others nonterminals (index - len(Terminals)).
type Rule struct {
	LHS     int
	RHS     []int
	PrecTok int // %prec token, or -1
}

// Grammar is the input. Rule 0 must be the augmented $accept -> start $end.
type Grammar struct {
	Terminals    []Terminal
	Nonterminals []string
	Rules        []Rule
}

// Action encoding in Tables.Action: 0 means "use the default action",
// s > 0 means shift to state s-1, r < 0 means reduce by rule -r, and
// ErrorAction an explicit error from a %nonassoc operator.
const ErrorAction = -32768

// Tables is the result.
type Tables struct {
	Action   [][]int16 // [state][terminal]
	Default  []int16   // default reduction rule per state, 0 for error
	Goto     [][]int16 // [state][nonterminal] -> state, -1 for none
	Final    int       // state in which the parser accepts
	Explicit []bool    // whether a state has any explicit token action
}

type item struct{ rule, dot int }

type state struct {
	kernel []item
	la     []bitset // lookaheads per kernel item
	trans  map[int]int
}

type bitset []uint64

func newBitset(n int) bitset    { return make(bitset, (n+63)/64) }
func (b bitset) has(i int) bool { return b[i/64]&(1<<(i%64)) != 0 }
func (b bitset) set(i int)      { b[i/64] |= 1 << (i % 64) }
func (b bitset) or(o bitset) bool {
	changed := false
	for i := range b {
		n := b[i] | o[i]
		if n != b[i] {
			b[i], changed = n, true
		}
	}
	return changed
}

type builder struct {
	g        *Grammar
	nt       int // number of terminals
	nullable []bool
	first    []bitset // per nonterminal
	byLHS    [][]int
	states   []*state
	index    map[string]int
}

// Build computes the tables, or reports unresolved conflicts.
func Build(g *Grammar) (*Tables, error) {
	b := &builder{g: g, nt: len(g.Terminals), index: map[string]int{}}
	b.byLHS = make([][]int, len(g.Nonterminals))
	for i, r := range g.Rules {
		b.byLHS[r.LHS] = append(b.byLHS[r.LHS], i)
	}
	b.computeFirst()
	b.buildLR0()
	b.computeLookaheads()
	return b.tables()
}

func (b *builder) isTerm(sym int) bool { return sym < b.nt }

func (b *builder) computeFirst() {
	n := len(b.g.Nonterminals)
	b.nullable = make([]bool, n)
	b.first = make([]bitset, n)
	for i := range b.first {
		b.first[i] = newBitset(b.nt)
	}
	for changed := true; changed; {
		changed = false
		for _, r := range b.g.Rules {
			allNull := true
			for _, s := range r.RHS {
				if b.isTerm(s) {
					if !b.first[r.LHS].has(s) {
						b.first[r.LHS].set(s)
						changed = true
					}
					allNull = false
					break
				}
				if b.first[r.LHS].or(b.first[s-b.nt]) {
					changed = true
				}
				if !b.nullable[s-b.nt] {
					allNull = false
					break
				}
			}
			if allNull && !b.nullable[r.LHS] {
				b.nullable[r.LHS] = true
				changed = true
			}
		}
	}
}

func key(items []item) string {
	return fmt.Sprint(items)
}

// closure0 returns the LR(0) closure of a kernel, sorted by rule and dot.
func (b *builder) closure0(kernel []item) []item {
	seen := map[item]bool{}
	var out []item
	var add func(it item)
	add = func(it item) {
		if seen[it] {
			return
		}
		seen[it] = true
		out = append(out, it)
		rhs := b.g.Rules[it.rule].RHS
		if it.dot < len(rhs) && !b.isTerm(rhs[it.dot]) {
			for _, r := range b.byLHS[rhs[it.dot]-b.nt] {
				add(item{r, 0})
			}
		}
	}
	for _, it := range kernel {
		add(it)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].rule != out[j].rule {
			return out[i].rule < out[j].rule
		}
		return out[i].dot < out[j].dot
	})
	return out
}

func (b *builder) addState(kernel []item) int {
	k := key(kernel)
	if i, ok := b.index[k]; ok {
		return i
	}
	st := &state{kernel: kernel, trans: map[int]int{}}
	st.la = make([]bitset, len(kernel))
	for i := range st.la {
		st.la[i] = newBitset(b.nt)
	}
	b.states = append(b.states, st)
	b.index[k] = len(b.states) - 1
	return len(b.states) - 1
}

// buildLR0 makes the LR(0) automaton, numbering states breadth first with
// transitions taken in symbol order, as Bison does.
func (b *builder) buildLR0() {
	b.addState([]item{{0, 0}})
	for i := 0; i < len(b.states); i++ {
		st := b.states[i]
		closure := b.closure0(st.kernel)
		next := map[int][]item{}
		var syms []int
		for _, it := range closure {
			rhs := b.g.Rules[it.rule].RHS
			if it.dot < len(rhs) {
				x := rhs[it.dot]
				if _, ok := next[x]; !ok {
					syms = append(syms, x)
				}
				next[x] = append(next[x], item{it.rule, it.dot + 1})
			}
		}
		sort.Ints(syms)
		for _, x := range syms {
			st.trans[x] = b.addState(next[x])
		}
	}
}

// closure1 returns the closure of a state with a lookahead set per item.
func (b *builder) closure1(st *state) map[item]bitset {
	out := map[item]bitset{}
	var work []item
	for i, it := range st.kernel {
		s := newBitset(b.nt)
		s.or(st.la[i])
		out[it] = s
		work = append(work, it)
	}
	for len(work) > 0 {
		it := work[len(work)-1]
		work = work[:len(work)-1]
		rhs := b.g.Rules[it.rule].RHS
		if it.dot >= len(rhs) || b.isTerm(rhs[it.dot]) {
			continue
		}
		// lookahead for B -> .γ is FIRST(β L)
		la := newBitset(b.nt)
		nullRest := true
		for _, s := range rhs[it.dot+1:] {
			if b.isTerm(s) {
				la.set(s)
				nullRest = false
				break
			}
			la.or(b.first[s-b.nt])
			if !b.nullable[s-b.nt] {
				nullRest = false
				break
			}
		}
		if nullRest {
			la.or(out[it])
		}
		for _, r := range b.byLHS[rhs[it.dot]-b.nt] {
			ni := item{r, 0}
			cur, ok := out[ni]
			if !ok {
				cur = newBitset(b.nt)
				out[ni] = cur
				work = append(work, ni)
				cur.or(la)
				continue
			}
			if cur.or(la) {
				work = append(work, ni)
			}
		}
	}
	return out
}

func (b *builder) computeLookaheads() {
	for changed := true; changed; {
		changed = false
		for _, st := range b.states {
			for it, la := range b.closure1(st) {
				rhs := b.g.Rules[it.rule].RHS
				if it.dot >= len(rhs) {
					continue
				}
				to := b.states[st.trans[rhs[it.dot]]]
				adv := item{it.rule, it.dot + 1}
				for k, kit := range to.kernel {
					if kit == adv && to.la[k].or(la) {
						changed = true
					}
				}
			}
		}
	}
}

func (b *builder) rulePrec(r int) (int, Assoc) {
	rule := b.g.Rules[r]
	if rule.PrecTok >= 0 {
		t := b.g.Terminals[rule.PrecTok]
		return t.Prec, t.Assoc
	}
	for i := len(rule.RHS) - 1; i >= 0; i-- {
		if s := rule.RHS[i]; b.isTerm(s) && b.g.Terminals[s].Prec > 0 {
			t := b.g.Terminals[s]
			return t.Prec, t.Assoc
		}
	}
	return 0, NoAssoc
}

func (b *builder) tables() (*Tables, error) {
	ns := len(b.states)
	t := &Tables{
		Action:   make([][]int16, ns),
		Default:  make([]int16, ns),
		Goto:     make([][]int16, ns),
		Explicit: make([]bool, ns),
		Final:    -1,
	}
	var conflicts []string
	for si, st := range b.states {
		row := make([]int16, b.nt)
		t.Goto[si] = make([]int16, len(b.g.Nonterminals))
		for i := range t.Goto[si] {
			t.Goto[si][i] = -1
		}
		shifts := false
		for x, to := range st.trans {
			if b.isTerm(x) {
				row[x] = int16(to + 1)
				shifts = true
				if x == 0 && st.kernel[0].rule == 0 {
					t.Final = to
				}
			} else {
				t.Goto[si][x-b.nt] = int16(to)
			}
		}
		// Reductions in rule order, each with its lookahead set.
		type red struct {
			rule int
			la   bitset
		}
		var reds []red
		for it, la := range b.closure1(st) {
			if it.dot == len(b.g.Rules[it.rule].RHS) && it.rule != 0 {
				reds = append(reds, red{it.rule, la})
			}
		}
		sort.Slice(reds, func(i, j int) bool { return reds[i].rule < reds[j].rule })
		if len(reds) == 1 && !shifts {
			// A consistent state: reduce without looking ahead.
			t.Default[si] = int16(reds[0].rule)
			t.Action[si] = row
			continue
		}
		for _, r := range reds {
			for tok := 0; tok < b.nt; tok++ {
				if !r.la.has(tok) {
					continue
				}
				switch cur := row[tok]; {
				case cur == 0:
					row[tok] = int16(-r.rule)
				case cur > 0: // shift/reduce
					rp, _ := b.rulePrec(r.rule)
					tp, ta := b.g.Terminals[tok].Prec, b.g.Terminals[tok].Assoc
					if rp == 0 || tp == 0 {
						conflicts = append(conflicts, fmt.Sprintf("state %d: shift/reduce on %s (rule %d)", si, b.g.Terminals[tok].Name, r.rule))
						continue
					}
					switch {
					case rp > tp:
						row[tok] = int16(-r.rule)
					case rp < tp:
					case ta == Left:
						row[tok] = int16(-r.rule)
					case ta == Right:
					default:
						row[tok] = ErrorAction
					}
				case cur == ErrorAction:
				default:
					conflicts = append(conflicts, fmt.Sprintf("state %d: reduce/reduce on %s (rules %d, %d)", si, b.g.Terminals[tok].Name, -cur, r.rule))
				}
			}
		}
		best, max := 0, 0
		for _, r := range reds {
			n := 0
			for _, a := range row {
				if int(a) == -r.rule {
					n++
				}
			}
			if n > max {
				best, max = r.rule, n
			}
		}
		if best != 0 {
			t.Default[si] = int16(best)
			for i, a := range row {
				if int(a) == -best {
					row[i] = 0
				}
			}
		} else {
			for i, a := range row {
				if a == ErrorAction {
					row[i] = 0
				}
			}
		}
		t.Action[si] = row
	}
	for si, row := range t.Action {
		for _, a := range row {
			if a != 0 {
				t.Explicit[si] = true
				break
			}
		}
	}
	if len(conflicts) > 0 {
		return t, fmt.Errorf("%d conflicts: %v", len(conflicts), conflicts)
	}
	if t.Final < 0 {
		return t, fmt.Errorf("no accepting state")
	}
	return t, nil
}
