package eval

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/cairn-nix/cairn/syntax"
)

// builtins.fromJSON. Nix parses JSON with nlohmann::json's SAX parser;
// its error messages (with line, column and the "last read" text) are
// part of what users see, so the lexer and parser below follow its
// state machine and bookkeeping. (toJSON is in json.go.)

func init() {
	Register(&PrimOp{Name: "fromJSON", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		s, err := ev.forceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.fromJSON")
		if err != nil {
			return nil, err
		}
		v, perr := parseJSON(s)
		if perr != nil {
			e := ev.Errorf(EvalErr, syntax.NoPos, "%s", perr.msg)
			if perr.syntax {
				e.AddTrace(pos, "while decoding a JSON string")
			}
			return nil, e
		}
		return v, nil
	}})
}

// jsonError is a failed parse; syntax errors are nlohmann's (and get
// Nix's "while decoding" frame), the others Nix's own checks.
type jsonError struct {
	msg    string
	syntax bool
}

type jsonToken uint8

const (
	jtUninitialized jsonToken = iota
	jtTrue
	jtFalse
	jtNull
	jtString
	jtUnsigned
	jtInteger
	jtFloat
	jtBeginArray
	jtBeginObject
	jtEndArray
	jtEndObject
	jtNameSep
	jtValueSep
	jtParseError
	jtEOF
	jtLiteralOrValue
)

var jsonTokenNames = [...]string{
	jtUninitialized: "<uninitialized>", jtTrue: "true literal", jtFalse: "false literal",
	jtNull: "null literal", jtString: "string literal", jtUnsigned: "number literal",
	jtInteger: "number literal", jtFloat: "number literal", jtBeginArray: "'['",
	jtBeginObject: "'{'", jtEndArray: "']'", jtEndObject: "'}'", jtNameSep: "':'",
	jtValueSep: "','", jtParseError: "<parse error>", jtEOF: "end of input",
	jtLiteralOrValue: "'[', '{', or a literal",
}

const jsonEOF = -1

type jsonLexer struct {
	in        string
	i         int
	cur       int // current character, or jsonEOF
	unget     bool
	total     int // characters read in all
	line      int // lines read
	col       int // characters read on the current line
	tokStr    []byte
	buf       []byte
	errMsg    string
	vInt      int64
	vUnsigned uint64
	vFloat    float64
}

func (l *jsonLexer) get() int {
	l.total++
	l.col++
	if l.unget {
		l.unget = false
	} else if l.i < len(l.in) {
		l.cur = int(l.in[l.i])
		l.i++
	} else {
		l.cur = jsonEOF
	}
	if l.cur != jsonEOF {
		l.tokStr = append(l.tokStr, byte(l.cur))
	}
	if l.cur == '\n' {
		l.line++
		l.col = 0
	}
	return l.cur
}

func (l *jsonLexer) ungetc() {
	l.unget = true
	l.total--
	if l.col == 0 {
		if l.line > 0 {
			l.line--
		}
	} else {
		l.col--
	}
	if l.cur != jsonEOF {
		l.tokStr = l.tokStr[:len(l.tokStr)-1]
	}
}

func (l *jsonLexer) reset() {
	l.buf = l.buf[:0]
	l.tokStr = append(l.tokStr[:0], byte(l.cur))
}

// tokenString is the text read for the current token, control
// characters shown as <U+XXXX>.
func (l *jsonLexer) tokenString() string {
	var b strings.Builder
	for _, c := range l.tokStr {
		if c <= 0x1f {
			fmt.Fprintf(&b, "<U+%04X>", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func (l *jsonLexer) scan() jsonToken {
	if l.total == 0 {
		if l.get() == 0xEF {
			if !(l.get() == 0xBB && l.get() == 0xBF) {
				l.errMsg = "invalid BOM; must be 0xEF 0xBB 0xBF if given"
				return jtParseError
			}
		} else {
			l.ungetc()
		}
	}
	for {
		l.get()
		if l.cur != ' ' && l.cur != '\t' && l.cur != '\n' && l.cur != '\r' {
			break
		}
	}
	switch l.cur {
	case '[':
		return jtBeginArray
	case ']':
		return jtEndArray
	case '{':
		return jtBeginObject
	case '}':
		return jtEndObject
	case ':':
		return jtNameSep
	case ',':
		return jtValueSep
	case 't':
		return l.scanLiteral("true", jtTrue)
	case 'f':
		return l.scanLiteral("false", jtFalse)
	case 'n':
		return l.scanLiteral("null", jtNull)
	case '"':
		return l.scanString()
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return l.scanNumber()
	case 0, jsonEOF:
		return jtEOF
	}
	l.errMsg = "invalid literal"
	return jtParseError
}

func (l *jsonLexer) scanLiteral(text string, t jsonToken) jsonToken {
	for i := 1; i < len(text); i++ {
		if l.get() != int(text[i]) {
			l.errMsg = "invalid literal"
			return jtParseError
		}
	}
	return t
}

// controlNames name the control characters in nlohmann's messages.
var controlNames = [32]string{"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF",
	"VT", "FF", "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
	"SUB", "ESC", "FS", "GS", "RS", "US"}

var controlShort = map[int]string{0x08: "b", 0x09: "t", 0x0A: "n", 0x0C: "f", 0x0D: "r"}

func (l *jsonLexer) codepoint() int {
	cp := 0
	for _, shift := range []uint{12, 8, 4, 0} {
		c := l.get()
		switch {
		case c >= '0' && c <= '9':
			cp += (c - '0') << shift
		case c >= 'A' && c <= 'F':
			cp += (c - 'A' + 10) << shift
		case c >= 'a' && c <= 'f':
			cp += (c - 'a' + 10) << shift
		default:
			return -1
		}
	}
	return cp
}

// utf8Ranges gives, for a UTF-8 lead byte, the allowed ranges of the
// continuation bytes (nlohmann's well-formedness table).
func utf8Ranges(c int) []int {
	switch {
	case c >= 0xC2 && c <= 0xDF:
		return []int{0x80, 0xBF}
	case c == 0xE0:
		return []int{0xA0, 0xBF, 0x80, 0xBF}
	case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
		return []int{0x80, 0xBF, 0x80, 0xBF}
	case c == 0xED:
		return []int{0x80, 0x9F, 0x80, 0xBF}
	case c == 0xF0:
		return []int{0x90, 0xBF, 0x80, 0xBF, 0x80, 0xBF}
	case c >= 0xF1 && c <= 0xF3:
		return []int{0x80, 0xBF, 0x80, 0xBF, 0x80, 0xBF}
	case c == 0xF4:
		return []int{0x80, 0x8F, 0x80, 0xBF, 0x80, 0xBF}
	}
	return nil
}

func (l *jsonLexer) scanString() jsonToken {
	l.reset()
	for {
		c := l.get()
		switch {
		case c == jsonEOF:
			l.errMsg = "invalid string: missing closing quote"
			return jtParseError
		case c == '"':
			return jtString
		case c == '\\':
			if !l.scanEscape() {
				return jtParseError
			}
		case c < 0x20:
			l.errMsg = fmt.Sprintf("invalid string: control character U+%04X (%s) must be escaped to \\u%04X", c, controlNames[c], c)
			if s, ok := controlShort[c]; ok {
				l.errMsg += " or \\" + s
			}
			return jtParseError
		case c < 0x80:
			l.buf = append(l.buf, byte(c))
		default:
			ranges := utf8Ranges(c)
			if ranges == nil {
				l.errMsg = "invalid string: ill-formed UTF-8 byte"
				return jtParseError
			}
			l.buf = append(l.buf, byte(c))
			for k := 0; k < len(ranges); k += 2 {
				n := l.get()
				if n < ranges[k] || n > ranges[k+1] {
					l.errMsg = "invalid string: ill-formed UTF-8 byte"
					return jtParseError
				}
				l.buf = append(l.buf, byte(n))
			}
		}
	}
}

func (l *jsonLexer) scanEscape() bool {
	switch c := l.get(); c {
	case '"', '\\', '/':
		l.buf = append(l.buf, byte(c))
	case 'b':
		l.buf = append(l.buf, '\b')
	case 'f':
		l.buf = append(l.buf, '\f')
	case 'n':
		l.buf = append(l.buf, '\n')
	case 'r':
		l.buf = append(l.buf, '\r')
	case 't':
		l.buf = append(l.buf, '\t')
	case 'u':
		cp := l.codepoint()
		if cp == -1 {
			l.errMsg = "invalid string: '\\u' must be followed by 4 hex digits"
			return false
		}
		switch {
		case cp >= 0xD800 && cp <= 0xDBFF:
			if !(l.get() == '\\' && l.get() == 'u') {
				l.errMsg = "invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF"
				return false
			}
			cp2 := l.codepoint()
			if cp2 == -1 {
				l.errMsg = "invalid string: '\\u' must be followed by 4 hex digits"
				return false
			}
			if cp2 < 0xDC00 || cp2 > 0xDFFF {
				l.errMsg = "invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF"
				return false
			}
			cp = (cp-0xD800)<<10 + (cp2 - 0xDC00) + 0x10000
		case cp >= 0xDC00 && cp <= 0xDFFF:
			l.errMsg = "invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF"
			return false
		}
		l.buf = appendUTF8(l.buf, cp)
	default:
		l.errMsg = "invalid string: forbidden character after backslash"
		return false
	}
	return true
}

// appendUTF8 encodes any code point up to 0x10FFFF, as nlohmann does
// (no replacement of invalid ones).
func appendUTF8(b []byte, cp int) []byte {
	switch {
	case cp < 0x80:
		return append(b, byte(cp))
	case cp <= 0x7FF:
		return append(b, byte(0xC0|cp>>6), byte(0x80|cp&0x3F))
	case cp <= 0xFFFF:
		return append(b, byte(0xE0|cp>>12), byte(0x80|cp>>6&0x3F), byte(0x80|cp&0x3F))
	}
	return append(b, byte(0xF0|cp>>18), byte(0x80|cp>>12&0x3F), byte(0x80|cp>>6&0x3F), byte(0x80|cp&0x3F))
}

func isDigitInt(c int) bool { return c >= '0' && c <= '9' }

func (l *jsonLexer) scanNumber() jsonToken {
	l.reset()
	kind := jtUnsigned
	l.buf = append(l.buf, byte(l.cur))
	digits := func() {
		for isDigitInt(l.get()) {
			l.buf = append(l.buf, byte(l.cur))
		}
	}
	c := l.cur
	if c == '-' {
		kind = jtInteger
		c = l.get()
		if !isDigitInt(c) {
			l.errMsg = "invalid number; expected digit after '-'"
			return jtParseError
		}
		l.buf = append(l.buf, byte(c))
	}
	if c == '0' {
		l.get()
	} else {
		digits()
	}
	if l.cur == '.' {
		kind = jtFloat
		l.buf = append(l.buf, '.')
		if !isDigitInt(l.get()) {
			l.errMsg = "invalid number; expected digit after '.'"
			return jtParseError
		}
		l.buf = append(l.buf, byte(l.cur))
		digits()
	}
	if l.cur == 'e' || l.cur == 'E' {
		kind = jtFloat
		l.buf = append(l.buf, byte(l.cur))
		c := l.get()
		if c == '+' || c == '-' {
			l.buf = append(l.buf, byte(c))
			if !isDigitInt(l.get()) {
				l.errMsg = "invalid number; expected digit after exponent sign"
				return jtParseError
			}
		} else if !isDigitInt(c) {
			l.errMsg = "invalid number; expected '+', '-', or digit after exponent"
			return jtParseError
		}
		l.buf = append(l.buf, byte(l.cur))
		digits()
	}
	l.ungetc()
	text := string(l.buf)
	switch kind {
	case jtUnsigned:
		if n, err := strconv.ParseUint(text, 10, 64); err == nil {
			l.vUnsigned = n
			return jtUnsigned
		}
	case jtInteger:
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			l.vInt = n
			return jtInteger
		}
	}
	// Out-of-range integers become floats, as strtod reads them.
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !math.IsInf(f, 0) {
		f = 0
	}
	l.vFloat = f
	return jtFloat
}

type jsonParser struct {
	lex  jsonLexer
	last jsonToken
	// The members of the objects and arrays being read, innermost last:
	// each is copied out at its end into a value of the right size.
	attrStack []Attr
	elemStack []Value
}

func (p *jsonParser) next() jsonToken {
	p.last = p.lex.scan()
	return p.last
}

func (p *jsonParser) syntaxError(expected jsonToken, context string) *jsonError {
	msg := "syntax error "
	if context != "" {
		msg += "while parsing " + context + " "
	}
	msg += "- "
	if p.last == jtParseError {
		msg += p.lex.errMsg + "; last read: '" + p.lex.tokenString() + "'"
	} else {
		msg += "unexpected " + jsonTokenNames[p.last]
	}
	if expected != jtUninitialized {
		msg += "; expected " + jsonTokenNames[expected]
	}
	return p.parseError(msg)
}

func (p *jsonParser) parseError(what string) *jsonError {
	return &jsonError{syntax: true, msg: fmt.Sprintf("[json.exception.parse_error.101] parse error at line %d, column %d: %s", p.lex.line+1, p.lex.col, what)}
}

func noNullByte(s string) *jsonError {
	if strings.IndexByte(s, 0) >= 0 {
		return &jsonError{msg: fmt.Sprintf("input string '%s' cannot be represented as Nix string because it contains null bytes", strings.ReplaceAll(s, "\x00", "␀"))}
	}
	return nil
}

// parseJSON turns a JSON text into a Nix value.
func parseJSON(s string) (Value, *jsonError) {
	p := &jsonParser{lex: jsonLexer{in: s, cur: jsonEOF}}
	p.next()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	if p.next() != jtEOF {
		return nil, p.syntaxError(jtEOF, "value")
	}
	return v, nil
}

// value parses the value starting at the current token. Nesting is
// recursive here where nlohmann keeps an explicit stack; the order of
// checks, and so the first error found, is the same.
func (p *jsonParser) value() (Value, *jsonError) {
	switch p.last {
	case jtBeginObject:
		if p.next() == jtEndObject {
			return NewAttrs(nil), nil
		}
		base := len(p.attrStack)
		for {
			if p.last != jtString {
				return nil, p.syntaxError(jtString, "object key")
			}
			// Most keys repeat: look the name up without copying it.
			key := unsafe.String(unsafe.SliceData(p.lex.buf), len(p.lex.buf))
			if err := noNullByte(key); err != nil {
				return nil, err
			}
			sym, known := syntax.Lookup(key)
			if !known {
				sym = syntax.Intern(strings.Clone(key))
			}
			if p.next() != jtNameSep {
				return nil, p.syntaxError(jtNameSep, "object separator")
			}
			p.next()
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			p.attrStack = append(p.attrStack, Attr{Name: sym, Value: v})
			switch p.next() {
			case jtValueSep:
				p.next()
				continue
			case jtEndObject:
				top := p.attrStack[base:]
				a := newSmallAttrs(len(top), syntax.NoPos)
				list := a.own()
				copy(list, top)
				clear(top)
				p.attrStack = p.attrStack[:base]
				return sortedAttrs(a, list), nil
			}
			return nil, p.syntaxError(jtEndObject, "object")
		}
	case jtBeginArray:
		if p.next() == jtEndArray {
			return NewList(nil), nil
		}
		base := len(p.elemStack)
		for {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			p.elemStack = append(p.elemStack, v)
			switch p.next() {
			case jtValueSep:
				p.next()
				continue
			case jtEndArray:
				top := p.elemStack[base:]
				l := newSmallList(len(top))
				copy(l.Elems, top)
				clear(top)
				p.elemStack = p.elemStack[:base]
				return l, nil
			}
			return nil, p.syntaxError(jtEndArray, "array")
		}
	case jtFloat:
		if math.IsInf(p.lex.vFloat, 0) {
			return nil, &jsonError{syntax: true, msg: "[json.exception.out_of_range.406] number overflow parsing '" + p.lex.tokenString() + "'"}
		}
		return Float(p.lex.vFloat), nil
	case jtFalse:
		return Bool(false), nil
	case jtTrue:
		return Bool(true), nil
	case jtNull:
		return Null{}, nil
	case jtInteger:
		return Int(p.lex.vInt), nil
	case jtUnsigned:
		if p.lex.vUnsigned > math.MaxInt64 {
			return nil, &jsonError{msg: fmt.Sprintf("unsigned json number %d outside of Nix integer range", p.lex.vUnsigned)}
		}
		return Int(int64(p.lex.vUnsigned)), nil
	case jtString:
		s := string(p.lex.buf)
		if err := noNullByte(s); err != nil {
			return nil, err
		}
		return Str(s), nil
	case jtParseError:
		return nil, p.syntaxError(jtUninitialized, "value")
	case jtEOF:
		if p.lex.total == 1 {
			return nil, p.parseError("attempting to parse an empty input; check that your input string or stream contains the expected JSON")
		}
	}
	return nil, p.syntaxError(jtLiteralOrValue, "value")
}
