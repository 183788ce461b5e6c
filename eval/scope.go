package eval

import "github.com/cairn-nix/cairn/syntax"

// BaseScope returns the static scope of the outermost environment, for
// binding expressions parsed outside the evaluator (Parse binds with it).
func (ev *Evaluator) BaseScope() *syntax.Scope { return ev.baseScope }
