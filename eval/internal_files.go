package eval

import "github.com/cairn-nix/cairn/syntax"

// DerivationInternalFile is the name under which Nix evaluates its
// `derivation` wrapper (derivation.nix); positions in it print so.
const DerivationInternalFile = "«nix-internal»/derivation-internal.nix"

// inDerivationInternal reports whether p is in the derivation wrapper,
// whose attribute selections Nix leaves out of traces.
func (ev *Evaluator) inDerivationInternal(p syntax.Pos) bool {
	f := ev.fs.File(p)
	return f != nil && f.Kind == syntax.OriginPath && f.Name == DerivationInternalFile
}
