package eval

// newEnv allocates an environment with n empty slots. Small environments
// (the common case: one function argument, a few let bindings) come in a
// single allocation with their slots inline.
func newEnv(up *Env, n int) *Env {
	switch n {
	case 0:
		return &Env{Up: up}
	case 1:
		e := &struct {
			Env
			a [1]Value
		}{}
		e.Env = Env{Up: up, Vals: e.a[:]}
		return &e.Env
	case 2:
		e := &struct {
			Env
			a [2]Value
		}{}
		e.Env = Env{Up: up, Vals: e.a[:]}
		return &e.Env
	case 3:
		e := &struct {
			Env
			a [3]Value
		}{}
		e.Env = Env{Up: up, Vals: e.a[:]}
		return &e.Env
	case 4:
		e := &struct {
			Env
			a [4]Value
		}{}
		e.Env = Env{Up: up, Vals: e.a[:]}
		return &e.Env
	}
	return &Env{Up: up, Vals: make([]Value, n)}
}
