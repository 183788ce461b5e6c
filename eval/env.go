package eval

import (
	"os"
	"reflect"
	"sync"
	"unsafe"
)

// Env is a runtime environment: one slot per variable of its static scope
// (see syntax.Scope), and the enclosing environment. Environments are the
// second most numerous objects after thunks, so the slots are stored
// inline after the header in one allocation (a one-slot environment is
// 24 bytes); use Get and Set.
type Env struct {
	Up *Env
	v0 Value // slot 0; slots 1.. follow in the same allocation
}

const valueSize = unsafe.Sizeof(Value(nil))

func (e *Env) slot(i int) *Value {
	return (*Value)(unsafe.Add(unsafe.Pointer(&e.v0), uintptr(i)*valueSize))
}

// Get returns slot i.
func (e *Env) Get(i int) Value { return *e.slot(i) }

// Set stores v in slot i.
func (e *Env) Set(i int, v Value) { *e.slot(i) = v }

// envTypes caches, per slot count, a struct type of an Env followed by the
// extra slots, for environments larger than the fixed cases below.
var envTypes sync.Map

// newEnv allocates an environment with n empty slots.
func newEnv(up *Env, n int) *Env {
	switch n {
	case 0, 1:
		return &Env{Up: up}
	case 2:
		return envWith[[1]Value](up)
	case 3:
		return envWith[[2]Value](up)
	case 4:
		return envWith[[3]Value](up)
	case 5:
		return envWith[[4]Value](up)
	}
	t, ok := envTypes.Load(n)
	if !ok {
		t, _ = envTypes.LoadOrStore(n, reflect.StructOf([]reflect.StructField{
			{Name: "E", Type: reflect.TypeFor[Env]()},
			{Name: "A", Type: reflect.ArrayOf(n-1, reflect.TypeFor[Value]())},
		}))
	}
	e := (*Env)(reflect.New(t.(reflect.Type)).UnsafePointer())
	e.Up = up
	return e
}

// envWith allocates an environment with the slots after the first, an
// array type A of Value, in the same object.
func envWith[A any](up *Env) *Env {
	e := new(struct {
		Env
		a A
	})
	e.Up = up
	return &e.Env
}

// envOf builds an environment holding vals.
func envOf(up *Env, vals []Value) *Env {
	e := newEnv(up, len(vals))
	for i, v := range vals {
		e.Set(i, v)
	}
	return e
}

// poisonReleasedEnvs (CAIRN_POISON_ENVS=1) makes released call
// environments unusable instead of reusing them: any later read of one of
// their variables panics. It checks syntax.Lambda.KeepsEnv's analysis on
// real code (the language suite, nixpkgs lib).
var poisonReleasedEnvs = os.Getenv("CAIRN_POISON_ENVS") == "1"

var poisoned = func() *Thunk {
	t := &Thunk{}
	t.setState(thunkPoisoned)
	return t
}()

func poisonEnv(e *Env, n int) {
	e.Up = nil
	for i := range n {
		e.Set(i, poisoned)
	}
}

// newEnvWithThunks returns an environment of n slots and, for up to 4,
// room for n thunks in the same object.
func newEnvWithThunks(up *Env, n int) (*Env, []Thunk) {
	switch n {
	case 1:
		return envWithThunks[[0]Value, [1]Thunk](up)
	case 2:
		return envWithThunks[[1]Value, [2]Thunk](up)
	case 3:
		return envWithThunks[[2]Value, [3]Thunk](up)
	case 4:
		return envWithThunks[[3]Value, [4]Thunk](up)
	}
	return newEnv(up, n), nil
}

// envWithThunks allocates an environment with the slots after the first
// (an array type A of Value) and room for its thunks (T, of Thunk).
func envWithThunks[A, T any](up *Env) (*Env, []Thunk) {
	e := new(struct {
		Env
		a A
		t T
	})
	e.Up = up
	return &e.Env, unsafe.Slice((*Thunk)(unsafe.Pointer(&e.t)), unsafe.Sizeof(e.t)/unsafe.Sizeof(Thunk{}))
}
