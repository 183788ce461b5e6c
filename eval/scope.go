package eval

import "github.com/cairn-nix/cairn/syntax"

// BaseScope returns the static scope of the outermost environment, for
// binding parsed expressions (as `nix-instantiate --parse` does).
func BaseScope() *syntax.Scope {
	syms := make([]syntax.Symbol, len(globalNames))
	for i, n := range globalNames {
		syms[i] = syntax.Intern(n)
	}
	return syntax.NewBaseScope(syms)
}
