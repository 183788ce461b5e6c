package eval

import (
	"strings"

	"github.com/cairn-nix/cairn/syntax"
)

// String builtins: replaceStrings. (toString, substring, stringLength and
// concatStringsSep are in builtins_strings_basic.go.)

func init() {
	Register(&PrimOp{Name: "replaceStrings", Arity: 3, Fn: primReplaceStrings})
}

// strCtx makes a string with a context, sharing the empty string.
func strCtx(s string, ctx Context) *String {
	if len(ctx) == 0 {
		return Str(s)
	}
	return StrCtx(s, ctx)
}

func primReplaceStrings(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	fromList, err := ev.forceList(args[0], pos, "while evaluating the first argument passed to builtins.replaceStrings")
	if err != nil {
		return nil, err
	}
	toList, err := ev.forceList(args[1], pos, "while evaluating the second argument passed to builtins.replaceStrings")
	if err != nil {
		return nil, err
	}
	if len(fromList.Elems) != len(toList.Elems) {
		return nil, ev.Errorf(EvalErr, pos, "'from' and 'to' arguments passed to builtins.replaceStrings have different lengths")
	}
	from := make([]string, len(fromList.Elems))
	for i, el := range fromList.Elems {
		s, err := ev.ForceString(el, pos, "while evaluating one of the strings to replace passed to builtins.replaceStrings")
		if err != nil {
			return nil, err
		}
		from[i] = s.S
	}
	s, err := ev.ForceString(args[2], pos, "while evaluating the third argument passed to builtins.replaceStrings")
	if err != nil {
		return nil, err
	}
	ctx := s.Ctx()
	// Replacements are forced only when their pattern is found.
	to := make([]*string, len(from))
	var b strings.Builder
	str := s.S
	for p := 0; p <= len(str); {
		found := false
		for i, f := range from {
			if !strings.HasPrefix(str[p:], f) {
				continue
			}
			found = true
			if to[i] == nil {
				t, err := ev.ForceString(toList.Elems[i], pos, "while evaluating one of the replacement strings passed to builtins.replaceStrings")
				if err != nil {
					return nil, err
				}
				ctx = ctx.Union(t.Ctx())
				to[i] = &t.S
			}
			b.WriteString(*to[i])
			if f == "" {
				if p < len(str) {
					b.WriteByte(str[p])
				}
				p++
			} else {
				p += len(f)
			}
			break
		}
		if !found {
			if p < len(str) {
				b.WriteByte(str[p])
			}
			p++
		}
	}
	return strCtx(b.String(), ctx), nil
}
