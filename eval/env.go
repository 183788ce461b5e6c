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
		e := &struct {
			Env
			a [1]Value
		}{}
		e.Up = up
		return &e.Env
	case 3:
		e := &struct {
			Env
			a [2]Value
		}{}
		e.Up = up
		return &e.Env
	case 4:
		e := &struct {
			Env
			a [3]Value
		}{}
		e.Up = up
		return &e.Env
	case 5:
		e := &struct {
			Env
			a [4]Value
		}{}
		e.Up = up
		return &e.Env
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
