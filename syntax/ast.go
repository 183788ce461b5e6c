package syntax

// Expr is a node of the abstract syntax tree. The set of node types is
// closed: the evaluator switches on them.
type Expr interface {
	Pos() Pos
	exprNode()
}

// Int is an integer literal.
type Int struct {
	P Pos
	V int64
}

// Float is a floating-point literal.
type Float struct {
	P Pos
	V float64
}

// String is a string without interpolation.
type String struct {
	P Pos
	V string
	// Value is the evaluator's value for the literal, made on first use
	// so that evaluating the literal again allocates nothing. It belongs
	// to the evaluator that parsed the expression.
	Value any
}

// Path is a path literal, already made absolute.
type Path struct {
	P Pos
	V string
}

// Var is a variable reference. Bind resolves it: Level counts static
// scopes outwards and Displ indexes the slot in that scope. When FromWith
// is set the name was not bound lexically: it is looked up in the
// attributes of that innermost `with`, whose scope is at Level, then in
// the enclosing withs (With.Parent, With.PrevWith scopes further out).
type Var struct {
	P        Pos
	Name     Symbol
	Level    int
	Displ    int
	FromWith *With
}

// AttrName is one element of an attribute path: a static Symbol, or a
// dynamic name computed by Expr.
type AttrName struct {
	Sym  Symbol
	Expr Expr
}

// Select is `e.a.b` or `e.a.b or def`.
type Select struct {
	P    Pos
	E    Expr
	Path []AttrName
	Def  Expr
}

// HasAttr is `e ? a.b`.
type HasAttr struct {
	P    Pos
	E    Expr
	Path []AttrName
}

// AttrKind says how an attribute was written.
type AttrKind uint8

const (
	AttrPlain AttrKind = iota
	AttrInherited
	AttrInheritedFrom
)

// AttrDef is one static attribute. Displ is its slot in the scope a
// `rec` set or `let` creates.
type AttrDef struct {
	Name  Symbol
	Kind  AttrKind
	E     Expr
	P     Pos
	Displ int
}

// DynamicAttr is `"${name}" = value;`.
type DynamicAttr struct {
	Name  Expr
	Value Expr
	P     Pos
}

// Attrs is an attribute set literal, also the bindings of a `let`. Attrs
// are sorted by Symbol once Bind has run; InheritFrom holds the source
// expressions of `inherit (e) ...`, referred to by InheritFrom nodes.
type Attrs struct {
	P           Pos
	Rec         bool
	Attrs       []AttrDef
	Dynamic     []DynamicAttr
	InheritFrom []Expr

	index map[Symbol]int // during parsing: name -> position in Attrs
}

// Find returns the static attribute named s.
func (a *Attrs) Find(s Symbol) (*AttrDef, bool) {
	if a.index != nil {
		i, ok := a.index[s]
		if !ok {
			return nil, false
		}
		return &a.Attrs[i], true
	}
	lo, hi := 0, len(a.Attrs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if a.Attrs[m].Name < s {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(a.Attrs) && a.Attrs[lo].Name == s {
		return &a.Attrs[lo], true
	}
	return nil, false
}

func (a *Attrs) add(d AttrDef) {
	if a.index == nil {
		a.index = map[Symbol]int{}
	}
	a.index[d.Name] = len(a.Attrs)
	a.Attrs = append(a.Attrs, d)
}

// InheritFrom stands for the source of `inherit (e) x`; Displ indexes the
// enclosing Attrs' InheritFrom list, whose values live in a scope of their own.
type InheritFrom struct {
	P     Pos
	Displ int
}

// List is `[ a b c ]`.
type List struct {
	P     Pos
	Elems []Expr
}

// Formal is one `name` or `name ? default` of a pattern.
type Formal struct {
	P    Pos
	Name Symbol
	Def  Expr
}

// Formals is a `{ a, b ? 1, ... }` pattern; sorted by Symbol after Bind.
type Formals struct {
	Items    []Formal
	Ellipsis bool
}

// Has reports whether the pattern names s.
func (f *Formals) Has(s Symbol) bool {
	for _, it := range f.Items {
		if it.Name == s {
			return true
		}
	}
	return false
}

// Lambda is a function. Arg is the plain argument name (or the `@` name),
// NoSymbol if absent; Formals is nil for `x: body`. Name is the attribute
// the function was bound to, for error messages.
type Lambda struct {
	P       Pos
	Arg     Symbol
	Formals *Formals
	Body    Expr
	Name    Symbol
	// KeepsEnv is set by Bind when a call's environment may outlive the
	// call: the body or a formal's default can build a thunk, a function
	// or a scope over it. When it is false the evaluator may reuse the
	// environment once the body has been evaluated.
	KeepsEnv bool
	// ArgKept is set by Bind for a function of a plain argument (x: ...)
	// whose body may keep the argument itself, not only its value: it
	// passes x on unevaluated (in a list, a set, a call). When both this
	// and KeepsEnv are false, a suspended argument made for one call is
	// unreachable once the call returns.
	ArgKept bool
}

// Call is a function application with one or more arguments.
type Call struct {
	P    Pos
	Fn   Expr
	Args []Expr
	// StrictArgs is set by Bind when Fn is one of the arithmetic builtins
	// the parser calls for -, *, / and < (__sub, __mul, __div,
	// __lessThan) as found in the base scope: they force both arguments
	// at once, so the evaluator may evaluate the arguments instead of
	// suspending them.
	StrictArgs bool
}

// Let is `let binds in body`.
type Let struct {
	P     Pos
	Attrs *Attrs
	Body  Expr
}

// With is `with attrs; body`. Parent is the enclosing with, if any, and
// PrevWith the number of scopes from this with's own scope out to the
// Parent's scope.
type With struct {
	P        Pos
	Attrs    Expr
	Body     Expr
	Parent   *With
	PrevWith int
}

// If is `if c then a else b`.
type If struct {
	P                Pos
	Cond, Then, Else Expr
}

// Assert is `assert c; body`.
type Assert struct {
	P          Pos
	Cond, Body Expr
}

// Not is `!e`.
type Not struct {
	P Pos
	E Expr
}

// OpKind names the binary operators that have nodes of their own; the
// arithmetic and comparison operators become calls of builtins, as in Nix.
type OpKind uint8

const (
	OpEq OpKind = iota
	OpNEq
	OpAnd
	OpOr
	OpImpl
	OpUpdate
	OpConcatLists
)

// BinOp is one of the OpKind operators.
type BinOp struct {
	P    Pos
	Op   OpKind
	L, R Expr
}

// StrPart is one piece of an interpolated string or path.
type StrPart struct {
	P Pos
	E Expr
}

// ConcatStrings is `a + b` (ForceString false) or an interpolated string
// (ForceString true).
type ConcatStrings struct {
	P           Pos
	ForceString bool
	Parts       []StrPart
}

// CurPos is `__curPos`.
type CurPos struct {
	P Pos
}

func (e *Int) Pos() Pos           { return e.P }
func (e *Float) Pos() Pos         { return e.P }
func (e *String) Pos() Pos        { return e.P }
func (e *Path) Pos() Pos          { return e.P }
func (e *Var) Pos() Pos           { return e.P }
func (e *Select) Pos() Pos        { return e.P }
func (e *HasAttr) Pos() Pos       { return e.P }
func (e *Attrs) Pos() Pos         { return e.P }
func (e *InheritFrom) Pos() Pos   { return e.P }
func (e *List) Pos() Pos          { return e.P }
func (e *Lambda) Pos() Pos        { return e.P }
func (e *Call) Pos() Pos          { return e.P }
func (e *Let) Pos() Pos           { return e.P }
func (e *With) Pos() Pos          { return e.P }
func (e *If) Pos() Pos            { return e.P }
func (e *Assert) Pos() Pos        { return e.P }
func (e *Not) Pos() Pos           { return e.P }
func (e *BinOp) Pos() Pos         { return e.P }
func (e *ConcatStrings) Pos() Pos { return e.P }
func (e *CurPos) Pos() Pos        { return e.P }

func (*Int) exprNode()           {}
func (*Float) exprNode()         {}
func (*String) exprNode()        {}
func (*Path) exprNode()          {}
func (*Var) exprNode()           {}
func (*Select) exprNode()        {}
func (*HasAttr) exprNode()       {}
func (*Attrs) exprNode()         {}
func (*InheritFrom) exprNode()   {}
func (*List) exprNode()          {}
func (*Lambda) exprNode()        {}
func (*Call) exprNode()          {}
func (*Let) exprNode()           {}
func (*With) exprNode()          {}
func (*If) exprNode()            {}
func (*Assert) exprNode()        {}
func (*Not) exprNode()           {}
func (*BinOp) exprNode()         {}
func (*ConcatStrings) exprNode() {}
func (*CurPos) exprNode()        {}

// ItemsOrNil returns the formals, or nil for a nil pattern.
func (f *Formals) ItemsOrNil() []Formal {
	if f == nil {
		return nil
	}
	return f.Items
}
