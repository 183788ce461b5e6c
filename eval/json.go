package eval

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cairn-nix/cairn/syntax"
)

// Values to JSON, as builtins.toJSON and `--json` write them (Nix uses
// nlohmann::json, whose number and escaping rules are reproduced here).

func init() {
	Register(&PrimOp{Name: "toJSON", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		var b strings.Builder
		var ctx Context
		if err := ev.writeJSON(&b, args[0], pos, true, true, &ctx); err != nil {
			return nil, err
		}
		return StrCtx(b.String(), ctx), nil
	}})
}

// ToJSON returns v as JSON, as `nix-instantiate --eval --json` prints it.
// Without strict, values not yet evaluated are an error, as in Nix.
func (ev *Evaluator) ToJSON(v Value, strict bool) (string, error) {
	var b strings.Builder
	var ctx Context
	if err := ev.writeJSON(&b, v, syntax.NoPos, strict, true, &ctx); err != nil {
		return "", err
	}
	return b.String(), nil
}

func (ev *Evaluator) writeJSON(b *strings.Builder, v Value, pos syntax.Pos, strict, copyToStore bool, ctx *Context) error {
	if ev.callDepth > ev.Settings.MaxCallDepth {
		return ev.Errorf(StackOverflowErr, pos, "stack overflow; max-call-depth exceeded")
	}
	ev.callDepth++
	err := ev.writeJSONIn(b, v, pos, strict, copyToStore, ctx)
	ev.callDepth--
	return err
}

func (ev *Evaluator) writeJSONIn(b *strings.Builder, v Value, pos syntax.Pos, strict, copyToStore bool, ctx *Context) error {
	if strict {
		fv, err := ev.Force(v, pos)
		if err != nil {
			return err
		}
		v = fv
	} else if t, ok := v.(*Thunk); ok && t.state() == thunkDone {
		v = t.val()
	}
	switch x := v.(type) {
	case Int:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case Bool:
		b.WriteString(strconv.FormatBool(bool(x)))
	case *String:
		*ctx = ctx.Union(x.Ctx())
		return ev.writeJSONString(b, x.S)
	case Path:
		if copyToStore {
			sp, err := ev.CopyPathToStore(string(x), pos)
			if err != nil {
				return err
			}
			*ctx = ctx.Union(Context{sp})
			return ev.writeJSONString(b, sp)
		}
		return ev.writeJSONString(b, string(x))
	case Null:
		b.WriteString("null")
	case *Attrs:
		if s, c, ok, err := ev.tryAttrsToString(pos, x, false, false); err != nil {
			return err
		} else if ok {
			*ctx = ctx.Union(c)
			return ev.writeJSONString(b, s)
		}
		if o, ok := x.Get(symOutPath); ok {
			return ev.writeJSON(b, o.Value, o.Pos, strict, copyToStore, ctx)
		}
		b.WriteByte('{')
		for i, at := range x.Sorted() {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := ev.writeJSONString(b, at.Name.String()); err != nil {
				return err
			}
			b.WriteByte(':')
			if err := ev.writeJSON(b, at.Value, at.Pos, strict, copyToStore, ctx); err != nil {
				return asError(ev, err).AddTracef(at.Pos, "while evaluating attribute '%s'", syntax.PrintIdentifier(at.Name.String()))
			}
		}
		b.WriteByte('}')
	case *List:
		b.WriteByte('[')
		for i, el := range x.Elems {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := ev.writeJSON(b, el, pos, strict, copyToStore, ctx); err != nil {
				return asError(ev, err).AddTracef(pos, "while evaluating list element at index %d", i)
			}
		}
		b.WriteByte(']')
	case Float:
		b.WriteString(formatJSONFloat(float64(x)))
	default:
		return ev.Errorf(TypeErr, determinePos(v, pos), "cannot convert %s to JSON", ShowType(v))
	}
	return nil
}

// writeJSONString escapes s as nlohmann's dump does (UTF-8 kept as is,
// control characters as \u00XX); invalid UTF-8 is an error.
func (ev *Evaluator) writeJSONString(b *strings.Builder, s string) error {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return ev.Errorf(EvalErr, syntax.NoPos, "JSON serialization error: [json.exception.type_error.316] invalid UTF-8 byte at index %d: 0x%02X", i, s[i])
		}
		i += size
	}
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte("0123456789abcdef"[c>>4])
				b.WriteByte("0123456789abcdef"[c&15])
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return nil
}

// formatJSONFloat prints the shortest round-tripping digits laid out as
// nlohmann does: plain notation with at least one decimal for decimal
// exponents in (-4, 15], scientific otherwise.
func formatJSONFloat(f float64) string {
	if f != f || f > 1.7976931348623157e308 || f < -1.7976931348623157e308 {
		return "null"
	}
	if f == 0 {
		if 1/f < 0 {
			return "-0.0"
		}
		return "0.0"
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddddde±XX
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	x, _ := strconv.Atoi(exp)
	k := len(digits)
	n := x + 1 // position of the decimal point after the first n digits
	switch {
	case k <= n && n <= 15:
		return sign + digits + strings.Repeat("0", n-k) + ".0"
	case 0 < n && n <= 15:
		return sign + digits[:n] + "." + digits[n:]
	case -4 < n && n <= 0:
		return sign + "0." + strings.Repeat("0", -n) + digits
	}
	m := digits[:1]
	if k > 1 {
		m += "." + digits[1:]
	}
	ex := n - 1
	es := "+"
	if ex < 0 {
		es, ex = "-", -ex
	}
	xs := strconv.Itoa(ex)
	if len(xs) < 2 {
		xs = "0" + xs
	}
	return sign + m + "e" + es + xs
}
