package eval

import (
	"slices"
	"unsafe"

	"github.com/cairn-nix/cairn/syntax"
)

// Value is a Nix value. The set of implementations is closed:
// Int, Float, Bool, Null, *String, Path, *Attrs, *List, *Closure, *PrimOp,
// *PrimOpApp, and *Thunk for values not yet evaluated. Values reached
// through attribute sets, lists and environments may be thunks; use
// Evaluator.Force before switching on the type.
type Value interface {
	Type() Type
}

// Type is Nix's value type, as `builtins.typeOf` reports it.
type Type uint8

const (
	TThunk Type = iota
	TInt
	TFloat
	TBool
	TString
	TPath
	TNull
	TAttrs
	TList
	TFunction
)

var typeNames = [...]string{
	TThunk: "thunk", TInt: "int", TFloat: "float", TBool: "bool", TString: "string",
	TPath: "path", TNull: "null", TAttrs: "set", TList: "list", TFunction: "lambda",
}

// TypeOf is the name builtins.typeOf gives.
func (t Type) TypeOf() string { return typeNames[t] }

// Int is a 64-bit integer.
type Int int64

// Float is a double.
type Float float64

// Bool is true or false.
type Bool bool

// Null is null.
type Null struct{}

// Path is an absolute, canonical filesystem path.
type Path string

// String is a string with its context: the store paths it refers to, each
// element in Nix's encoding ("/nix/store/…" for a plain path, "=/nix/store/
// x.drv" for a derivation with all its outputs, "!out!/nix/store/x.drv"
// for one output).
type String struct {
	S   string
	ctx *Context // nil when empty: most strings have none, so the
	// context costs a word instead of a slice header
	// sym remembers the symbol of S once a lookup needed it: attribute
	// names read back as strings and used again (merged.${name}) then cost
	// no symbol-table lookup. It fits in the struct's padding.
	sym syntax.Symbol
}

// symbol returns the symbol for s's text.
func (s *String) symbol() syntax.Symbol {
	if s.sym == syntax.NoSymbol {
		if s == emptyString {
			return syntax.Intern("")
		}
		s.sym = syntax.Intern(s.S)
	}
	return s.sym
}

// Context is a sorted set of context elements; nil when empty.
type Context []string

// List is a list of values.
type List struct {
	Elems []Value
}

// Closure is a function written in Nix: the lambda and its environment.
type Closure struct {
	Fn  *syntax.Lambda
	Env *Env
}

// PrimOpFunc implements a builtin. args has exactly Arity elements, not
// forced; the slice is only lent for the call (keep its values, never the
// slice itself). pos is always unknown, as in Nix (the call site appears in
// the "while calling" frame).
type PrimOpFunc func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error)

// PrimOp is a builtin function.
type PrimOp struct {
	Name  string // as in builtins, without "__"
	Arity int
	Fn    PrimOpFunc
	// NoTrace suppresses Nix's "while calling the 'x' builtin" frame
	// (Nix's addTrace = false, used by throw, abort and friends).
	NoTrace bool
	Doc     string
	// intFast computes the builtin on two integers when that cannot fail
	// (see callStrictArgs); nil for other builtins.
	intFast func(x, y int64) (Value, bool)
	// forcesArg is set for builtins of one argument that force it before
	// anything else, adding no context of their own (see callForcing1).
	forcesArg bool
}

// PrimOpApp is a builtin applied to fewer arguments than its arity.
type PrimOpApp struct {
	Op   *PrimOp
	Args []Value
}

func (Int) Type() Type        { return TInt }
func (Float) Type() Type      { return TFloat }
func (Bool) Type() Type       { return TBool }
func (Null) Type() Type       { return TNull }
func (Path) Type() Type       { return TPath }
func (*String) Type() Type    { return TString }
func (*Attrs) Type() Type     { return TAttrs }
func (*List) Type() Type      { return TList }
func (*Closure) Type() Type   { return TFunction }
func (*PrimOp) Type() Type    { return TFunction }
func (*PrimOpApp) Type() Type { return TFunction }
func (*Thunk) Type() Type     { return TThunk }

// Shared values, so that common results do not allocate.
var (
	emptyList   = &List{}
	emptyString = &String{}
	emptyAttrs  = &Attrs{}
)

// Str makes a string without context.
func Str(s string) *String {
	if s == "" {
		return emptyString
	}
	return &String{S: s}
}

// StrCtx makes a string with a context.
func StrCtx(s string, ctx Context) *String {
	if len(ctx) == 0 {
		return &String{S: s}
	}
	return &String{S: s, ctx: &ctx}
}

// Ctx returns the string's context, nil when it has none.
func (s *String) Ctx() Context {
	if s.ctx == nil {
		return nil
	}
	return *s.ctx
}

// newSmallList returns a list of n elements (to be filled), allocated
// with its elements in one object when it is short, as most list literals
// are.
func newSmallList(n int) *List {
	switch n {
	case 1:
		return listWith[[1]Value]()
	case 2:
		return listWith[[2]Value]()
	case 3:
		return listWith[[3]Value]()
	}
	return &List{Elems: make([]Value, n)}
}

// newListOfThunks returns a list of n elements and n thunks to fill it
// with, in one object when the list is short (a thunk kept longer than
// its list then keeps at most a few more words alive).
func newListOfThunks(n int) (*List, []Thunk) {
	switch n {
	case 1:
		return listOfThunks[[1]Value, [1]Thunk]()
	case 2:
		return listOfThunks[[2]Value, [2]Thunk]()
	case 3:
		return listOfThunks[[3]Value, [3]Thunk]()
	case 4:
		return listOfThunks[[4]Value, [4]Thunk]()
	}
	return &List{Elems: make([]Value, n)}, make([]Thunk, n)
}

func listOfThunks[A, T any]() (*List, []Thunk) {
	p := new(struct {
		List
		a A
		t T
	})
	n := unsafe.Sizeof(p.a) / valueSize
	p.Elems = unsafe.Slice((*Value)(unsafe.Pointer(&p.a)), n)
	return &p.List, unsafe.Slice((*Thunk)(unsafe.Pointer(&p.t)), n)
}

// listWith allocates a list and its elements, an array type A of Value,
// together.
func listWith[A any]() *List {
	p := new(struct {
		List
		a A
	})
	p.Elems = unsafe.Slice((*Value)(unsafe.Pointer(&p.a)), unsafe.Sizeof(p.a)/valueSize)
	return &p.List
}

// NewList makes a list.
func NewList(elems []Value) *List {
	if len(elems) == 0 {
		return emptyList
	}
	return &List{Elems: elems}
}

// Union returns the union of contexts, sorted and without duplicates.
// Both are sorted, so this is a merge; to gather many contexts use
// ContextBuilder, which is not quadratic.
func (c Context) Union(o Context) Context {
	if len(o) == 0 {
		return c
	}
	if len(c) == 0 {
		return o
	}
	out := make(Context, 0, len(c)+len(o))
	i, j := 0, 0
	for i < len(c) && j < len(o) {
		switch {
		case c[i] == o[j]:
			out = append(out, c[i])
			i++
			j++
		case c[i] < o[j]:
			out = append(out, c[i])
			i++
		default:
			out = append(out, o[j])
			j++
		}
	}
	out = append(out, c[i:]...)
	out = append(out, o[j:]...)
	if len(out) == len(c) {
		return c
	}
	return out
}

// ContextBuilder gathers the contexts of many strings.
type ContextBuilder struct {
	first Context  // the only context added so far, kept as it is
	elems []string // everything added, once there is more than one
	clean int      // elems[:clean] is sorted and without duplicates
}

// Add adds a context.
func (b *ContextBuilder) Add(c Context) {
	switch {
	case len(c) == 0:
		return
	case b.elems == nil && b.first == nil:
		b.first = c
		return
	case b.elems == nil:
		b.elems = append(make([]string, 0, 2*(len(b.first)+len(c))), b.first...)
		b.clean = len(b.first)
	}
	b.elems = append(b.elems, c...)
	// Sorting now and then keeps repeated elements from piling up.
	if len(b.elems) > 2*max(b.clean, 32) {
		b.normalize()
	}
}

func (b *ContextBuilder) normalize() {
	slices.Sort(b.elems)
	b.elems = slices.Compact(b.elems)
	b.clean = len(b.elems)
}

// Context returns the gathered context, sorted.
func (b *ContextBuilder) Context() Context {
	if b.elems == nil {
		return b.first
	}
	if b.clean != len(b.elems) {
		b.normalize()
	}
	// The result is handed out: later Adds must not sort it in place.
	out := Context(b.elems)
	b.first, b.elems, b.clean = out, nil, 0
	return out
}

// NewContext builds a context from elements in any order.
func NewContext(elems ...string) Context {
	if len(elems) == 0 {
		return nil
	}
	return Context(nil).Union(Context(elems))
}

// Thunk is a suspended computation: an expression in an environment, or a
// function application. Forcing it overwrites it with its value, so each
// thunk is evaluated at most once; while it is being evaluated it is a
// black hole, and reaching it again is infinite recursion.
//
// Thunks are the most numerous objects, so the layout is kept to 24 bytes:
// w holds the two words of one interface value, which the state says how
// to read: the expression (syntax.Expr, pending), the function (Value, an
// application), the result (Value, done or computed ahead) or the
// *failure (failed). p holds the state with what it needs: the
// environment of a pending thunk, or the argument(s) of an application (a
// *Value, a *[2]Value, an *appArgs or an *Attr), tagged in the pointer's
// low bits; the states that need no pointer point into stateMarks. The
// words of w are only ever read back as the interface type they were
// written as.
type Thunk struct {
	w [2]unsafe.Pointer
	p unsafe.Pointer
}

type thunkState uint8

const (
	thunkPending   thunkState = iota // w is an expression, p its *Env
	thunkApp1                        // w applied to *(*Value)(p)
	thunkApp2                        // w applied to the two of *[2]Value
	thunkAppN                        // w applied to the args of an *appArgs
	thunkAppAttr                     // w applied to the name and value of the *Attr (mapAttrs)
	thunkBlackhole                   // being evaluated
	thunkDone                        // w is the value
	thunkFailed                      // w is a *failure
	thunkPoisoned                    // a variable of a released environment (see poisonReleasedEnvs)
	// w is the value, computed ahead (see Evaluator.cheapStrictCall),
	// but the thunk shows as not yet evaluated until it is forced, as
	// Nix's would.
	thunkEager
)

// stateMarks gives the states without a pointer something to point at:
// p = &stateMarks[state]. Static data, so the collector ignores it.
var stateMarks [thunkEager + 1]byte

// appArgs are the arguments of an application of any arity, with the
// position to report it at.
type appArgs struct {
	args []Value
	pos  syntax.Pos
}

// The pointers tagged in p are at least 8-byte aligned.
const tagMask = 7

func (t *Thunk) state() thunkState {
	if off := uintptr(t.p) - uintptr(unsafe.Pointer(&stateMarks)); off < uintptr(len(stateMarks)) {
		return thunkState(off)
	}
	return thunkState(uintptr(t.p) & tagMask) // pending, app1, app2, appN, appAttr
}

// setState puts t in one of the states that hold no pointer.
func (t *Thunk) setState(s thunkState) { t.p = unsafe.Pointer(&stateMarks[s]) }

// ptr is the pointer of a pending thunk or an application, untagged.
func (t *Thunk) ptr() unsafe.Pointer { return unsafe.Add(t.p, -int(uintptr(t.p)&tagMask)) }

func (t *Thunk) isApp() bool {
	s := t.state()
	return s >= thunkApp1 && s <= thunkAppAttr
}

// pos is where an application reports errors, NoPos for most.
func (t *Thunk) pos() syntax.Pos {
	if t.state() == thunkAppN {
		return (*appArgs)(t.ptr()).pos
	}
	return syntax.NoPos
}

// val reads w as a Value: the result, the function of an application or
// the failure.
func (t *Thunk) val() Value { return *(*Value)(unsafe.Pointer(&t.w)) }

func (t *Thunk) setVal(v Value) { *(*Value)(unsafe.Pointer(&t.w)) = v }

// expr reads w as the expression of a pending thunk.
func (t *Thunk) expr() syntax.Expr { return *(*syntax.Expr)(unsafe.Pointer(&t.w)) }

func (t *Thunk) env() *Env { return (*Env)(t.p) }

// failure is a failed thunk's error, kept in its val.
type failure struct{ err *Error }

func (*failure) Type() Type { return TThunk }

// NewThunk suspends the evaluation of e in env.
func NewThunk(e syntax.Expr, env *Env) *Thunk {
	t := &Thunk{p: unsafe.Pointer(env)}
	*(*syntax.Expr)(unsafe.Pointer(&t.w)) = e
	return t
}

// NewApp suspends the application of fn to args (at pos, for errors).
func NewApp(fn Value, pos syntax.Pos, args ...Value) *Thunk {
	t := &Thunk{}
	t.setApp(fn, pos, args)
	return t
}

// setApp makes t a suspended application. Builtins that suspend many
// calls allocate their thunks (and argument arrays) in one slice each and
// initialise them with setApp; the thunk keeps a pointer into args.
func (t *Thunk) setApp(fn Value, pos syntax.Pos, args []Value) {
	t.setVal(fn)
	switch {
	case len(args) == 1 && !pos.IsValid():
		t.p = unsafe.Add(unsafe.Pointer(&args[0]), thunkApp1)
	case len(args) == 2 && !pos.IsValid():
		t.p = unsafe.Add(unsafe.Pointer((*[2]Value)(args)), thunkApp2)
	default:
		t.p = unsafe.Add(unsafe.Pointer(&appArgs{args, pos}), thunkAppN)
	}
}

// setAttrApp makes t the suspended application of fn to the name and
// value of at, which must stay unchanged (it is an element of a set).
func (t *Thunk) setAttrApp(fn Value, at *Attr) {
	t.setVal(fn)
	t.p = unsafe.Add(unsafe.Pointer(at), thunkAppAttr)
}

// appArgsOf returns the arguments of a pending application of two or more
// arguments (forceThunk reads the others directly).
func appArgsOf(t *Thunk) []Value {
	if t.state() == thunkApp2 {
		return (*[2]Value)(t.ptr())[:]
	}
	return (*appArgs)(t.ptr()).args
}
