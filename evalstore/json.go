package evalstore

import (
	"encoding/json"
	"strconv"

	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/syntax"
)

// toJSON converts a value for structured attributes as Nix's
// printValueAsJSON does (strict, copying paths to the store), collecting
// string contexts into ctx. The result is what encoding/json decodes into
// `any` with UseNumber, so that the derivation package can print it the
// way Nix's JSON library does.
func toJSON(ev *eval.Evaluator, v eval.Value, pos syntax.Pos, ctx *eval.Context) (any, error) {
	done, err := ev.AddCallDepth(pos)
	if err != nil {
		return nil, err
	}
	defer done()
	v, err = ev.Force(v, pos)
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case eval.Int:
		return json.Number(strconv.FormatInt(int64(x), 10)), nil
	case eval.Float:
		return json.Number(strconv.FormatFloat(float64(x), 'g', -1, 64)), nil
	case eval.Bool:
		return bool(x), nil
	case eval.Null:
		return nil, nil
	case *eval.String:
		*ctx = ctx.Union(x.Ctx)
		return x.S, nil
	case eval.Path:
		sp, err := ev.CopyPathToStore(string(x), pos)
		if err != nil {
			return nil, err
		}
		*ctx = ctx.Union(eval.Context{sp})
		return sp, nil
	case *eval.Attrs:
		if _, ok := x.GetStr("__toString"); ok {
			s, c, err := ev.CoerceToString(pos, x, "", false, false)
			if err != nil {
				return nil, err
			}
			*ctx = ctx.Union(c)
			return s, nil
		}
		if o, ok := x.GetStr("outPath"); ok {
			return toJSON(ev, o.Value, o.Pos, ctx)
		}
		out := make(map[string]any, x.Len())
		for _, at := range x.Sorted() {
			j, err := toJSON(ev, at.Value, at.Pos, ctx)
			if err != nil {
				return nil, asErr(ev, err).AddTracef(at.Pos, "while evaluating attribute '%s'", at.Name)
			}
			out[at.Name.String()] = j
		}
		return out, nil
	case *eval.List:
		out := make([]any, len(x.Elems))
		for i, el := range x.Elems {
			j, err := toJSON(ev, el, pos, ctx)
			if err != nil {
				return nil, asErr(ev, err).AddTracef(pos, "while evaluating list element at index %d", i)
			}
			out[i] = j
		}
		return out, nil
	}
	at := pos
	if c, ok := v.(*eval.Closure); ok {
		at = c.Fn.P
	}
	return nil, ev.Errorf(eval.TypeErr, at, "cannot convert %s to JSON", eval.ShowType(v))
}
