package evalstore

import (
	_ "embed"
	"strings"

	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/storepath"
	"github.com/cairn-nix/cairn/syntax"
)

// Importing a .drv file from the store gives a derivation value, as
// Nix's derivationToValue does, through imported-drv-to-derivation.nix
// (whose text Nix's traces show, so it is Nix's).

//go:embed imported-drv-to-derivation.nix
var importedDrvNix string

// importDerivation is the evaluator's hook for import: a valid .drv in
// the store becomes a derivation; anything else is imported as usual.
func importDerivation(ev *eval.Evaluator, pos syntax.Pos, path string) (eval.Value, bool, error) {
	g := ioOf(ev)
	if !strings.HasSuffix(path, storepath.DrvExtension) || !g.dir.IsStorePath(path) {
		return nil, false, nil
	}
	sp, err := g.dir.Parse(path)
	if err != nil || !g.isValid(sp) {
		return nil, false, nil
	}
	d, err := g.store.ReadDerivation(sp)
	if err != nil {
		return nil, true, g.wrap(ev, err)
	}
	full := g.dir.Print(sp)
	names := d.OutputNames()
	b := eval.NewAttrsBuilder(3 + len(names))
	b.Set("drvPath", eval.StrCtx(path, eval.Context{"=" + full}))
	b.Set("name", eval.Str(d.Env["name"]))
	outs := make([]eval.Value, len(names))
	for i, o := range names {
		s, err := g.outputString(ev, d, sp, o)
		if err != nil {
			return nil, true, err
		}
		b.Set(o, eval.StrCtx(s, eval.Context{"!" + o + "!" + full}))
		outs[i] = eval.Str(o)
	}
	b.Set("outputs", eval.NewList(outs))
	if g.importedDrvFn == nil {
		// Nix parses it as a string (so positions say «string»), with
		// the newline its build puts in front.
		e, err := ev.Parse([]byte("\n"+importedDrvNix), syntax.OriginString, "", "/", nil)
		if err != nil {
			return nil, true, err
		}
		if g.importedDrvFn, err = ev.Eval(e); err != nil {
			return nil, true, err
		}
	}
	fn, err := ev.ForceFunction(g.importedDrvFn, pos, "while evaluating imported-drv-to-derivation.nix.gen.hh")
	if err != nil {
		return nil, true, err
	}
	v, err := ev.ForceAttrs(eval.NewApp(fn, pos, b.Build()), pos, "while calling imported-drv-to-derivation.nix.gen.hh")
	return v, true, err
}
