package evalstore

import (
	"fmt"
	"strings"

	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
	"github.com/cairn-nix/cairn/syntax"
)

// toFile and storePath: store paths made from a string, or named
// directly.

func init() {
	eval.Register(&eval.PrimOp{Name: "toFile", Arity: 2, Fn: primToFile})
	eval.Register(&eval.PrimOp{Name: "storePath", Arity: 1, Fn: primStorePath})
}

// contextElemString shows a context element as Nix's to_string does:
// its encoding, with store paths by base name.
func (g *IO) contextElemString(e string) string {
	prefix := g.dir.Path() + "/"
	switch {
	case strings.HasPrefix(e, "="):
		return "=" + strings.TrimPrefix(e[1:], prefix)
	case strings.HasPrefix(e, "!"):
		if i := strings.IndexByte(e[1:], '!'); i >= 0 {
			return e[:i+2] + strings.TrimPrefix(e[i+2:], prefix)
		}
	}
	return strings.TrimPrefix(e, prefix)
}

func primToFile(ev *eval.Evaluator, pos syntax.Pos, args []eval.Value) (eval.Value, error) {
	g := ioOf(ev)
	name, err := ev.ForceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.toFile")
	if err != nil {
		return nil, err
	}
	contents, err := ev.ForceString(args[1], pos, "while evaluating the second argument passed to builtins.toFile")
	if err != nil {
		return nil, err
	}
	var refs []storepath.StorePath
	for _, e := range eval.SortContextNixOrder(contents.Ctx()) {
		if strings.HasPrefix(e, "=") || strings.HasPrefix(e, "!") {
			return nil, ev.Errorf(eval.EvalErr, pos, "files created by %s may not reference derivations, but %s references %s", "builtins.toFile", name, g.contextElemString(e))
		}
		sp, err := g.dir.Parse(e)
		if err != nil {
			return nil, g.wrap(ev, err)
		}
		refs = append(refs, sp)
	}
	sp, err := g.addText(name, contents.S, refs)
	if err != nil {
		return nil, g.wrap(ev, err)
	}
	full := g.dir.Print(sp)
	ev.AllowPath(full)
	return eval.StrCtx(full, eval.Context{full}), nil
}

// addText computes (and unless read-only, adds) the path of a text
// object such as a toFile result or a .drv file.
func (g *IO) addText(name, text string, refs []storepath.StorePath) (storepath.StorePath, error) {
	h := nixhash.SumString(nixhash.SHA256, text)
	sp, err := g.dir.MakeTextPath(name, h, refs)
	if err != nil {
		return sp, err
	}
	if !g.readOnly && g.store != nil {
		got, err := g.store.AddText(name, text, refs)
		if err == nil && got != sp {
			err = fmt.Errorf("store added text '%s' as '%s', not as the computed '%s'", name, g.dir.Print(got), g.dir.Print(sp))
		}
		return sp, err
	}
	return sp, err
}

func primStorePath(ev *eval.Evaluator, pos syntax.Pos, args []eval.Value) (eval.Value, error) {
	g := ioOf(ev)
	if ev.Settings.PureEval {
		return nil, ev.Errorf(eval.EvalErr, pos, "'%s' is not allowed in pure evaluation mode", "builtins.storePath")
	}
	p, ctx, err := ev.CoerceToPath(pos, args[0], "while evaluating the first argument passed to 'builtins.storePath'")
	if err != nil {
		return nil, err
	}
	p = canon(p)
	// Resolve symlinks, unless the path is itself a store path (which
	// may be a symlink to be kept as it is).
	if !g.dir.IsStorePath(p) {
		if p, err = ev.ResolveSymlinks(p, true); err != nil {
			return nil, err
		}
	}
	if !g.dir.IsInStore(p) {
		return nil, ev.Errorf(eval.EvalErr, pos, "path '%s' is not in the Nix store", p)
	}
	sp, _, err := g.dir.SplitPath(p)
	if err != nil {
		return nil, g.wrap(ev, err)
	}
	full := g.dir.Print(sp)
	return eval.StrCtx(p, ctx.Union(eval.Context{full})), nil
}
