package syntax

import (
	"fmt"
	"strings"
	"sync"

	"github.com/cairn-nix/cairn/syntax/internal/lalr"
)

// The grammar is Nix's (parser.y of Nix 2.34), rule for rule and in the
// same order, so that the LALR tables, Bison's default reductions and thus
// the syntax error messages come out the same. Each rule has its
// semantic action; v[0] is the first right-hand symbol and loc is the
// location of the whole rule (YYLLOC_DEFAULT).

type rule struct {
	spec string
	act  func(p *parser, loc sval, v []sval) (sval, error)
}

// keep returns the first right-hand value, Bison's default action.
func keep(p *parser, loc sval, v []sval) (sval, error) { return v[0], nil }

func exprOf(e Expr) sval { return sval{e: e} }

var rules = []rule{
	{"$accept: start $end", nil},
	{"start: expr", func(p *parser, loc sval, v []sval) (sval, error) { p.result = v[0].e; return v[0], nil }},
	{"start: REPL_BINDINGS binds1", func(p *parser, loc sval, v []sval) (sval, error) { p.result = v[1].attrs; return v[1], nil }},
	{"expr: expr_function", keep},
	{"expr_function: ID ':' expr_function", func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(&Lambda{P: p.pos(loc), Arg: Intern(v[0].text), Body: v[2].e}), nil
	}},
	{"expr_function: formal_set ':' expr_function", func(p *parser, loc sval, v []sval) (sval, error) {
		if err := p.validateFormals(v[0].formals, loc, NoSymbol); err != nil {
			return sval{}, err
		}
		return exprOf(&Lambda{P: p.pos(loc), Formals: v[0].formals, Body: v[2].e}), nil
	}},
	{"expr_function: formal_set '@' ID ':' expr_function", func(p *parser, loc sval, v []sval) (sval, error) {
		arg := Intern(v[2].text)
		if err := p.validateFormals(v[0].formals, loc, arg); err != nil {
			return sval{}, err
		}
		return exprOf(&Lambda{P: p.pos(loc), Arg: arg, Formals: v[0].formals, Body: v[4].e}), nil
	}},
	{"expr_function: ID '@' formal_set ':' expr_function", func(p *parser, loc sval, v []sval) (sval, error) {
		arg := Intern(v[0].text)
		if err := p.validateFormals(v[2].formals, loc, arg); err != nil {
			return sval{}, err
		}
		return exprOf(&Lambda{P: p.pos(loc), Arg: arg, Formals: v[2].formals, Body: v[4].e}), nil
	}},
	{"expr_function: ASSERT expr ';' expr_function", func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(&Assert{P: p.pos(loc), Cond: v[1].e, Body: v[3].e}), nil
	}},
	{"expr_function: WITH expr ';' expr_function", func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(&With{P: p.pos(loc), Attrs: v[1].e, Body: v[3].e}), nil
	}},
	{"expr_function: LET binds IN_KW expr_function", func(p *parser, loc sval, v []sval) (sval, error) {
		if len(v[1].attrs.Dynamic) > 0 {
			return sval{}, p.errorAt(loc.begin, "dynamic attributes not allowed in let")
		}
		return exprOf(&Let{P: p.pos(loc), Attrs: v[1].attrs, Body: v[3].e}), nil
	}},
	{"expr_function: expr_if", keep},
	{"expr_if: IF expr THEN expr ELSE expr", func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(&If{P: p.pos(loc), Cond: v[1].e, Then: v[3].e, Else: v[5].e}), nil
	}},
	{"expr_if: expr_pipe_from", keep},
	{"expr_if: expr_pipe_into", keep},
	{"expr_if: expr_op", keep},
	{"expr_pipe_from: expr_op PIPE_FROM expr_pipe_from", func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(makeCall(p.pos(v[1]), v[0].e, v[2].e)), nil
	}},
	{"expr_pipe_from: expr_op PIPE_FROM expr_op", func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(makeCall(p.pos(v[1]), v[0].e, v[2].e)), nil
	}},
	{"expr_pipe_into: expr_pipe_into PIPE_INTO expr_op", func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(makeCall(p.pos(v[1]), v[2].e, v[0].e)), nil
	}},
	{"expr_pipe_into: expr_op PIPE_INTO expr_op", func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(makeCall(p.pos(v[1]), v[2].e, v[0].e)), nil
	}},
	{"expr_op: '!' expr_op %prec NOT", func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(&Not{E: v[1].e}), nil
	}},
	{"expr_op: '-' expr_op %prec NEGATE", func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(&Call{P: p.pos(loc), Fn: &Var{Name: symSub}, Args: []Expr{&Int{V: 0}, v[1].e}}), nil
	}},
	{"expr_op: expr_op EQ expr_op", binOp(OpEq, false)},
	{"expr_op: expr_op NEQ expr_op", binOp(OpNEq, false)},
	{"expr_op: expr_op '<' expr_op", compare(false, false)},
	{"expr_op: expr_op LEQ expr_op", compare(true, true)},
	{"expr_op: expr_op '>' expr_op", compare(true, false)},
	{"expr_op: expr_op GEQ expr_op", compare(false, true)},
	{"expr_op: expr_op AND expr_op", binOp(OpAnd, true)},
	{"expr_op: expr_op OR expr_op", binOp(OpOr, true)},
	{"expr_op: expr_op IMPL expr_op", binOp(OpImpl, true)},
	{"expr_op: expr_op UPDATE expr_op", binOp(OpUpdate, true)},
	{"expr_op: expr_op '?' attrpath", func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(&HasAttr{E: v[0].e, Path: v[2].path}), nil
	}},
	{"expr_op: expr_op '+' expr_op", func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(&ConcatStrings{P: p.pos(v[1]), Parts: []StrPart{{p.pos(v[0]), v[0].e}, {p.pos(v[2]), v[2].e}}}), nil
	}},
	{"expr_op: expr_op '-' expr_op", arith(symSub)},
	{"expr_op: expr_op '*' expr_op", arith(symMul)},
	{"expr_op: expr_op '/' expr_op", arith(symDiv)},
	{"expr_op: expr_op CONCAT expr_op", binOp(OpConcatLists, true)},
	{"expr_op: expr_app", keep},
	{"expr_app: expr_app expr_select", func(p *parser, loc sval, v []sval) (sval, error) {
		p.warnIfCursedOr(v[1])
		return exprOf(makeCall(p.pos(loc), v[0].e, v[1].e)), nil
	}},
	{"expr_app: expr_select", func(p *parser, loc sval, v []sval) (sval, error) {
		r := v[0]
		r.cursedOr = 0
		return r, nil
	}},
	{"expr_select: expr_simple '.' attrpath", func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(&Select{P: p.pos(loc), E: v[0].e, Path: v[2].path}), nil
	}},
	{"expr_select: expr_simple '.' attrpath OR_KW expr_select", func(p *parser, loc sval, v []sval) (sval, error) {
		p.warnIfCursedOr(v[4])
		return exprOf(&Select{P: p.pos(loc), E: v[0].e, Path: v[2].path, Def: v[4].e}), nil
	}},
	{"expr_select: expr_simple OR_KW", func(p *parser, loc sval, v []sval) (sval, error) {
		r := exprOf(&Call{P: p.pos(loc), Fn: v[0].e, Args: []Expr{&Var{P: p.pos(loc), Name: symOr}}})
		r.cursedOr, r.begin = loc.end, loc.begin
		return r, nil
	}},
	{"expr_select: expr_simple", keep},
	{"expr_simple: ID", func(p *parser, loc sval, v []sval) (sval, error) {
		if v[0].text == "__curPos" {
			return exprOf(&CurPos{P: p.pos(loc)}), nil
		}
		return exprOf(&Var{P: p.pos(loc), Name: Intern(v[0].text)}), nil
	}},
	{"expr_simple: INT_LIT", func(p *parser, loc sval, v []sval) (sval, error) { return exprOf(&Int{V: v[0].ival}), nil }},
	{"expr_simple: FLOAT_LIT", func(p *parser, loc sval, v []sval) (sval, error) { return exprOf(&Float{V: v[0].fval}), nil }},
	{"expr_simple: '\"' string_parts '\"'", func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(v[1].stringy()), nil
	}},
	{"expr_simple: IND_STRING_OPEN ind_string_parts IND_STRING_CLOSE", func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(p.stripIndentation(p.pos(loc), v[1].ind)), nil
	}},
	{"expr_simple: path_start PATH_END", keep},
	{"expr_simple: path_start string_parts_interpolated PATH_END", func(p *parser, loc sval, v []sval) (sval, error) {
		parts := append([]StrPart{{p.pos(v[0]), v[0].e}}, v[1].parts...)
		return exprOf(&ConcatStrings{P: p.pos(loc), Parts: parts}), nil
	}},
	{"expr_simple: SPATH", func(p *parser, loc sval, v []sval) (sval, error) {
		path := v[0].text[1 : len(v[0].text)-1]
		return exprOf(&Call{P: p.pos(loc), Fn: &Var{Name: symFindFile}, Args: []Expr{&Var{Name: symNixPath}, &String{V: path}}}), nil
	}},
	{"expr_simple: URI", func(p *parser, loc sval, v []sval) (sval, error) {
		if err := p.lint(p.opts.LintURLLiterals, loc, func(fatal bool) string {
			word := "discouraged"
			if fatal {
				word = "disallowed"
			}
			return fmt.Sprintf("URL literals are %s. Consider using a string literal \"%s\" instead", word, v[0].text)
		}); err != nil {
			return sval{}, err
		}
		return exprOf(&String{V: v[0].text}), nil
	}},
	{"expr_simple: '(' expr ')'", func(p *parser, loc sval, v []sval) (sval, error) { return exprOf(v[1].e), nil }},
	{"expr_simple: LET '{' binds '}'", func(p *parser, loc sval, v []sval) (sval, error) {
		a := v[2].attrs
		a.Rec, a.P = true, p.pos(loc)
		return exprOf(&Select{E: a, Path: []AttrName{{Sym: symBody}}}), nil
	}},
	{"expr_simple: REC '{' binds '}'", func(p *parser, loc sval, v []sval) (sval, error) {
		a := v[2].attrs
		a.Rec, a.P = true, p.pos(loc)
		return exprOf(a), nil
	}},
	{"expr_simple: '{' binds1 '}'", func(p *parser, loc sval, v []sval) (sval, error) {
		a := v[1].attrs
		a.P = p.pos(loc)
		return exprOf(a), nil
	}},
	{"expr_simple: '{' '}'", func(p *parser, loc sval, v []sval) (sval, error) { return exprOf(&Attrs{P: p.pos(loc)}), nil }},
	{"expr_simple: '[' list ']'", func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(&List{Elems: v[1].exprs}), nil
	}},
	{"string_parts: STR", func(p *parser, loc sval, v []sval) (sval, error) { return sval{text: v[0].text, isStr: true}, nil }},
	{"string_parts: string_parts_interpolated", func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(&ConcatStrings{P: p.pos(loc), ForceString: true, Parts: v[0].parts}), nil
	}},
	{"string_parts:", func(p *parser, loc sval, v []sval) (sval, error) { return sval{isStr: true}, nil }},
	{"string_parts_interpolated: string_parts_interpolated STR", func(p *parser, loc sval, v []sval) (sval, error) {
		r := v[0]
		r.parts = append(r.parts, StrPart{p.pos(v[1]), &String{V: v[1].text}})
		return r, nil
	}},
	{"string_parts_interpolated: string_parts_interpolated DOLLAR_CURLY expr '}'", func(p *parser, loc sval, v []sval) (sval, error) {
		r := v[0]
		r.parts = append(r.parts, StrPart{p.pos(v[1]), v[2].e})
		return r, nil
	}},
	{"string_parts_interpolated: DOLLAR_CURLY expr '}'", func(p *parser, loc sval, v []sval) (sval, error) {
		return sval{parts: []StrPart{{p.pos(v[0]), v[1].e}}}, nil
	}},
	{"string_parts_interpolated: STR DOLLAR_CURLY expr '}'", func(p *parser, loc sval, v []sval) (sval, error) {
		return sval{parts: []StrPart{{p.pos(v[0]), &String{V: v[0].text}}, {p.pos(v[1]), v[2].e}}}, nil
	}},
	{"path_start: PATH", func(p *parser, loc sval, v []sval) (sval, error) { return p.pathLiteral(loc, v[0].text) }},
	{"path_start: HPATH", func(p *parser, loc sval, v []sval) (sval, error) { return p.homePathLiteral(loc, v[0].text) }},
	{"ind_string_parts: ind_string_parts IND_STR", func(p *parser, loc sval, v []sval) (sval, error) {
		r := v[0]
		r.ind = append(r.ind, indPart{pos: p.pos(v[1]), text: v[1].text, indent: v[1].indent})
		return r, nil
	}},
	{"ind_string_parts: ind_string_parts DOLLAR_CURLY expr '}'", func(p *parser, loc sval, v []sval) (sval, error) {
		r := v[0]
		r.ind = append(r.ind, indPart{pos: p.pos(v[1]), e: v[2].e})
		return r, nil
	}},
	{"ind_string_parts:", func(p *parser, loc sval, v []sval) (sval, error) { return sval{}, nil }},
	{"binds: binds1", keep},
	{"binds:", func(p *parser, loc sval, v []sval) (sval, error) { return sval{attrs: &Attrs{}}, nil }},
	{"binds1: binds1 attrpath '=' expr ';'", func(p *parser, loc sval, v []sval) (sval, error) {
		return v[0], p.addAttr(v[0].attrs, v[1].path, v[1], v[3].e)
	}},
	{"binds1: binds INHERIT attrs ';'", func(p *parser, loc sval, v []sval) (sval, error) {
		a := v[0].attrs
		for _, n := range v[2].inherits {
			if old, ok := a.Find(n.sym); ok {
				return sval{}, p.dupAttr(n.sym.printIdent(), n.pos, old.P)
			}
			a.add(AttrDef{Name: n.sym, Kind: AttrInherited, E: &Var{P: n.pos, Name: n.sym}, P: n.pos})
		}
		return v[0], nil
	}},
	{"binds1: binds INHERIT '(' expr ')' attrs ';'", func(p *parser, loc sval, v []sval) (sval, error) {
		a := v[0].attrs
		a.InheritFrom = append(a.InheritFrom, v[3].e)
		from := &InheritFrom{P: p.pos(v[3]), Displ: len(a.InheritFrom) - 1}
		for _, n := range v[5].inherits {
			if old, ok := a.Find(n.sym); ok {
				return sval{}, p.dupAttr(n.sym.printIdent(), n.pos, old.P)
			}
			sel := &Select{P: n.pos, E: from, Path: []AttrName{{Sym: n.sym}}}
			a.add(AttrDef{Name: n.sym, Kind: AttrInheritedFrom, E: sel, P: n.pos})
		}
		return v[0], nil
	}},
	{"binds1: attrpath '=' expr ';'", func(p *parser, loc sval, v []sval) (sval, error) {
		a := &Attrs{}
		return sval{attrs: a}, p.addAttr(a, v[0].path, v[0], v[2].e)
	}},
	{"attrs: attrs attr", func(p *parser, loc sval, v []sval) (sval, error) {
		r := v[0]
		r.inherits = append(r.inherits, inheritName{Intern(v[1].text), p.pos(v[1])})
		return r, nil
	}},
	{"attrs: attrs string_attr", func(p *parser, loc sval, v []sval) (sval, error) {
		r := v[0]
		name, ok := v[1].staticName()
		if !ok {
			return sval{}, p.errorAt(v[1].begin, "dynamic attributes not allowed in inherit")
		}
		r.inherits = append(r.inherits, inheritName{Intern(name), p.pos(v[1])})
		return r, nil
	}},
	{"attrs:", func(p *parser, loc sval, v []sval) (sval, error) { return sval{}, nil }},
	{"attrpath: attrpath '.' attr", func(p *parser, loc sval, v []sval) (sval, error) {
		r := v[0]
		r.path = append(r.path, AttrName{Sym: Intern(v[2].text)})
		return r, nil
	}},
	{"attrpath: attrpath '.' string_attr", func(p *parser, loc sval, v []sval) (sval, error) {
		r := v[0]
		r.path = append(r.path, v[2].attrName())
		return r, nil
	}},
	{"attrpath: attr", func(p *parser, loc sval, v []sval) (sval, error) {
		return sval{path: []AttrName{{Sym: Intern(v[0].text)}}}, nil
	}},
	{"attrpath: string_attr", func(p *parser, loc sval, v []sval) (sval, error) {
		return sval{path: []AttrName{v[0].attrName()}}, nil
	}},
	{"attr: ID", keep},
	{"attr: OR_KW", func(p *parser, loc sval, v []sval) (sval, error) { return sval{text: "or"}, nil }},
	{"string_attr: '\"' string_parts '\"'", func(p *parser, loc sval, v []sval) (sval, error) { return v[1], nil }},
	{"string_attr: DOLLAR_CURLY expr '}'", func(p *parser, loc sval, v []sval) (sval, error) { return exprOf(v[1].e), nil }},
	{"list: list expr_select", func(p *parser, loc sval, v []sval) (sval, error) {
		p.warnIfCursedOr(v[1])
		r := v[0]
		r.exprs = append(r.exprs, v[1].e)
		return r, nil
	}},
	{"list:", func(p *parser, loc sval, v []sval) (sval, error) { return sval{}, nil }},
	{"formal_set: '{' formals ',' ELLIPSIS '}'", func(p *parser, loc sval, v []sval) (sval, error) {
		v[1].formals.Ellipsis = true
		return v[1], nil
	}},
	{"formal_set: '{' ELLIPSIS '}'", func(p *parser, loc sval, v []sval) (sval, error) {
		return sval{formals: &Formals{Ellipsis: true}}, nil
	}},
	{"formal_set: '{' formals ',' '}'", func(p *parser, loc sval, v []sval) (sval, error) { return v[1], nil }},
	{"formal_set: '{' formals '}'", func(p *parser, loc sval, v []sval) (sval, error) { return v[1], nil }},
	{"formal_set: '{' '}'", func(p *parser, loc sval, v []sval) (sval, error) { return sval{formals: &Formals{}}, nil }},
	{"formals: formals ',' formal", func(p *parser, loc sval, v []sval) (sval, error) {
		v[0].formals.Items = append(v[0].formals.Items, v[2].formal)
		return v[0], nil
	}},
	{"formals: formal", func(p *parser, loc sval, v []sval) (sval, error) {
		return sval{formals: &Formals{Items: []Formal{v[0].formal}}}, nil
	}},
	{"formal: ID", func(p *parser, loc sval, v []sval) (sval, error) {
		return sval{formal: Formal{P: p.pos(loc), Name: Intern(v[0].text)}}, nil
	}},
	{"formal: ID '?' expr", func(p *parser, loc sval, v []sval) (sval, error) {
		return sval{formal: Formal{P: p.pos(loc), Name: Intern(v[0].text), Def: v[2].e}}, nil
	}},
}

func binOp(op OpKind, withPos bool) func(p *parser, loc sval, v []sval) (sval, error) {
	return func(p *parser, loc sval, v []sval) (sval, error) {
		e := &BinOp{Op: op, L: v[0].e, R: v[2].e}
		if withPos {
			e.P = p.pos(v[1])
		}
		return exprOf(e), nil
	}
}

// compare builds a < b, a <= b, a > b, a >= b from __lessThan, as Nix does.
func compare(swap, negate bool) func(p *parser, loc sval, v []sval) (sval, error) {
	return func(p *parser, loc sval, v []sval) (sval, error) {
		a, b := v[0].e, v[2].e
		if swap {
			a, b = b, a
		}
		var e Expr = &Call{P: p.pos(v[1]), Fn: &Var{Name: symLessThan}, Args: []Expr{a, b}}
		if negate {
			e = &Not{E: e}
		}
		return exprOf(e), nil
	}
}

func arith(fn Symbol) func(p *parser, loc sval, v []sval) (sval, error) {
	return func(p *parser, loc sval, v []sval) (sval, error) {
		return exprOf(&Call{P: p.pos(v[1]), Fn: &Var{Name: fn}, Args: []Expr{v[0].e, v[2].e}}), nil
	}
}

// makeCall adds an argument to an existing call, as Nix's parser does
// (so `(f a) b` and `f a b` are the same node).
func makeCall(pos Pos, fn, arg Expr) Expr {
	if c, ok := fn.(*Call); ok {
		c.Args = append(c.Args, arg)
		return c
	}
	return &Call{P: pos, Fn: fn, Args: []Expr{arg}}
}

var (
	symSub      = Intern("__sub")
	symMul      = Intern("__mul")
	symDiv      = Intern("__div")
	symLessThan = Intern("__lessThan")
	symFindFile = Intern("__findFile")
	symNixPath  = Intern("__nixPath")
	symOr       = Intern("or")
	symBody     = Intern("body")
)

// grammarTables are the LALR tables with each rule's left-hand side and
// length. They are generated into tables_gen.go by
// `go test ./syntax -run TestGeneratedTables -update`, so that no process
// pays for building them.
type grammarTables struct {
	*lalr.Tables
	lhs    []int
	rhsLen []int
}

var (
	tablesOnce sync.Once
	tables     *grammarTables
)

func getTables() *grammarTables {
	tablesOnce.Do(func() { tables = generatedTables() })
	return tables
}

var tokenNames = map[string]int{
	"$end": tEOF, "ID": tID, "STR": tSTR, "IND_STR": tIndSTR, "INT_LIT": tINT,
	"FLOAT_LIT": tFLOAT, "PATH": tPATH, "HPATH": tHPATH, "SPATH": tSPATH,
	"PATH_END": tPathEnd, "URI": tURI, "IF": tIF, "THEN": tTHEN, "ELSE": tELSE,
	"ASSERT": tASSERT, "WITH": tWITH, "LET": tLET, "IN_KW": tIN, "REC": tREC,
	"INHERIT": tINHERIT, "EQ": tEQ, "NEQ": tNEQ, "LEQ": tLEQ, "GEQ": tGEQ,
	"UPDATE": tUPDATE, "CONCAT": tCONCAT, "AND": tAND, "OR": tOR, "IMPL": tIMPL,
	"OR_KW": tOrKW, "PIPE_FROM": tPipeFrom, "PIPE_INTO": tPipeInto,
	"DOLLAR_CURLY": tDollarCurly, "IND_STRING_OPEN": tIndOpen,
	"IND_STRING_CLOSE": tIndClose, "ELLIPSIS": tEllipsis,
	"REPL_BINDINGS": tReplBindings, "NOT": tNOT, "NEGATE": tNEGATE,
}

// precedences as declared in parser.y, loosest first.
var precedences = []struct {
	assoc lalr.Assoc
	toks  []int
}{
	{lalr.Right, []int{tIMPL}},
	{lalr.Left, []int{tOR}},
	{lalr.Left, []int{tAND}},
	{lalr.NonAssoc, []int{tEQ, tNEQ}},
	{lalr.NonAssoc, []int{tLT, tGT, tLEQ, tGEQ}},
	{lalr.Right, []int{tUPDATE}},
	{lalr.Left, []int{tNOT}},
	{lalr.Left, []int{tPlus, tMinus}},
	{lalr.Left, []int{tStar, tSlash}},
	{lalr.Right, []int{tCONCAT}},
	{lalr.NonAssoc, []int{tQuest}},
	{lalr.NonAssoc, []int{tNEGATE}},
}

func buildTables() (*grammarTables, error) {
	g := &lalr.Grammar{}
	for i := 0; i < numTerminals; i++ {
		g.Terminals = append(g.Terminals, lalr.Terminal{Name: terminalNames[i]})
	}
	for level, p := range precedences {
		for _, t := range p.toks {
			g.Terminals[t].Prec, g.Terminals[t].Assoc = level+1, p.assoc
		}
	}
	nonterms := map[string]int{}
	for _, r := range rules {
		lhs := strings.TrimSuffix(strings.Fields(r.spec)[0], ":")
		if _, ok := nonterms[lhs]; !ok {
			nonterms[lhs] = len(g.Nonterminals)
			g.Nonterminals = append(g.Nonterminals, lhs)
		}
	}
	gt := &grammarTables{}
	for _, r := range rules {
		f := strings.Fields(r.spec)
		lr := lalr.Rule{LHS: nonterms[strings.TrimSuffix(f[0], ":")], PrecTok: -1}
		for i := 1; i < len(f); i++ {
			s := f[i]
			if s == "%prec" {
				lr.PrecTok = tokenNames[f[i+1]]
				break
			}
			switch {
			case len(s) == 3 && s[0] == '\'':
				lr.RHS = append(lr.RHS, int(charTokens[s[1]]))
			default:
				if t, ok := tokenNames[s]; ok {
					lr.RHS = append(lr.RHS, t)
				} else if n, ok := nonterms[s]; ok {
					lr.RHS = append(lr.RHS, numTerminals+n)
				} else {
					return nil, fmt.Errorf("unknown symbol %q in %q", s, r.spec)
				}
			}
		}
		g.Rules = append(g.Rules, lr)
		gt.lhs = append(gt.lhs, lr.LHS)
		gt.rhsLen = append(gt.rhsLen, len(lr.RHS))
	}
	t, err := lalr.Build(g)
	if err != nil {
		return nil, err
	}
	gt.Tables = t
	return gt, nil
}
