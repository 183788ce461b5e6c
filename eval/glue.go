package eval

import (
	"strings"

	"github.com/cairn-nix/cairn/syntax"
)

// Helpers for the store glue (package evalstore) and Nix's internal files.

// DerivationInternalFile is the name under which Nix evaluates its
// `derivation` wrapper (derivation.nix); positions in it print so.
const DerivationInternalFile = "«nix-internal»/derivation-internal.nix"

// posFileName is the file a position value names (unsafeGetAttrPos,
// __curPos, XML): Nix's built-in files give their path inside their own
// filesystem, "/derivation-internal.nix" or "/fetchurl.nix".
func posFileName(f *syntax.File) string {
	if rest, ok := strings.CutPrefix(f.Name, "«nix-internal»"); ok {
		return rest
	}
	return pathString(Path(f.Name))
}

// inDerivationInternal reports whether p is in the derivation wrapper,
// whose attribute selections Nix leaves out of traces.
func (ev *Evaluator) inDerivationInternal(p syntax.Pos) bool {
	f := ev.fs.File(p)
	return f != nil && f.Kind == syntax.OriginPath && f.Name == DerivationInternalFile
}

// AddCallDepth counts one more level of nesting, as Nix's addCallDepth
// does for recursive builtins (printing JSON, for one), and fails past
// max-call-depth. Call done when the level is left.
func (ev *Evaluator) AddCallDepth(pos syntax.Pos) (done func(), err error) {
	if ev.callDepth > ev.Settings.MaxCallDepth {
		return nil, ev.Errorf(StackOverflowErr, pos, "stack overflow; max-call-depth exceeded")
	}
	ev.callDepth++
	return func() { ev.callDepth-- }, nil
}

// JSONWithContext converts v to JSON as Nix's printValueAsJSON does for
// structured derivation attributes: strictly, paths copied to the store,
// the string contexts met added to ctx.
func (ev *Evaluator) JSONWithContext(v Value, pos syntax.Pos, ctx *Context) (string, error) {
	var b strings.Builder
	if err := ev.writeJSON(&b, v, pos, true, true, ctx); err != nil {
		return "", err
	}
	return b.String(), nil
}
