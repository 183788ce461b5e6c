package eval

import (
	"fmt"
	"strings"
)

// The scanning layer of the TOML reader behind builtins.fromTOML: input
// locations, regions, and scanner combinators for the TOML 1.0 grammar.
// Nix uses toml11 (version 4), whose error messages quote what its
// scanners expected ("expected digit [0-9]") and where; the combinators
// here describe themselves the same way, so those messages come out the
// same.

// tomlLoc is a position in the input, with its line and column (both
// from 1) kept up to date as toml11's location does.
type tomlLoc struct {
	src  []byte
	name string // "fromTOML", or "internal temporary" for escapes
	pos  int
	line int
	col  int
}

func (l *tomlLoc) eof() bool { return l.pos >= len(l.src) }

// cur is the current byte, or 0 at the end.
func (l *tomlLoc) cur() byte {
	if l.eof() {
		return 0
	}
	return l.src[l.pos]
}

func (l *tomlLoc) advance(n int) {
	if l.pos+n > len(l.src) {
		n = len(l.src) - l.pos
	}
	for i := 0; i < n; i++ {
		if l.src[l.pos] == '\n' {
			l.line++
			l.col = 1
		} else {
			l.col++
		}
		l.pos++
	}
}

// retrace steps back one byte. Like toml11, the column is only
// recomputed when stepping back onto a newline.
func (l *tomlLoc) retrace() {
	if l.pos == 0 {
		l.line, l.col = 1, 1
		return
	}
	l.pos--
	if l.src[l.pos] == '\n' {
		l.line--
		l.col = l.pos - strings.LastIndexByte(string(l.src[:l.pos]), '\n')
	}
}

// tomlRegion is a range of the input: [first, last).
type tomlRegion struct {
	ok                  bool
	src                 []byte
	name                string
	first, last         int
	firstLine, firstCol int
	lastLine, lastCol   int
	length              int
}

func regionBetween(first, last tomlLoc) tomlRegion {
	return tomlRegion{ok: true, src: first.src, name: first.name, first: first.pos, last: last.pos,
		firstLine: first.line, firstCol: first.col, lastLine: last.line, lastCol: last.col,
		length: last.pos - first.pos}
}

// regionAt is the one byte at l; at the end of the input, the byte before.
func regionAt(l tomlLoc) tomlRegion {
	r := tomlRegion{ok: true, src: l.src, name: l.name}
	if l.eof() {
		if l.pos == 0 {
			return r
		}
		p := l
		p.retrace()
		r.first, r.firstLine, r.firstCol = p.pos, p.line, p.col
		r.last, r.lastLine, r.lastCol = l.pos, l.line, l.col
		r.length = 1
		return r
	}
	r.first, r.firstLine, r.firstCol = l.pos, l.line, l.col
	r.last, r.lastLine, r.lastCol = l.pos+1, l.line, l.col+1
	r.length = 1
	return r
}

func (r tomlRegion) str() string {
	if !r.ok {
		return ""
	}
	return string(r.src[r.first:r.last])
}

// tomlScanner is one of toml11's scanners: it matches at a location
// (advancing it on success, leaving it on failure) and says what it
// expected.
type tomlScanner interface {
	scan(l *tomlLoc) bool
	expected(l *tomlLoc) string
}

// scanRegion runs s and returns the region it matched.
func scanRegion(s tomlScanner, l *tomlLoc) (tomlRegion, bool) {
	first := *l
	if !s.scan(l) {
		return tomlRegion{}, false
	}
	return regionBetween(first, *l), true
}

// showChar prints a byte as toml11 does in messages.
func showChar(c byte) string {
	if c > ' ' && c < 0x7f {
		return string(rune(c))
	}
	s := fmt.Sprintf("0x%02x", c)
	switch c {
	case 0:
		s += "(NUL)"
	case ' ':
		s += "(SPACE)"
	case '\n':
		s += "(LINE FEED)"
	case '\r':
		s += "(CARRIAGE RETURN)"
	case '\t':
		s += "(TAB)"
	case '\v':
		s += "(VERTICAL TAB)"
	case '\f':
		s += "(FORM FEED)"
	case 0x1b:
		s += "(ESCAPE)"
	}
	return s
}

type tChar byte

func (c tChar) scan(l *tomlLoc) bool {
	if !l.eof() && l.cur() == byte(c) {
		l.advance(1)
		return true
	}
	return false
}
func (c tChar) expected(*tomlLoc) string { return showChar(byte(c)) }

// tOneOf is character_either.
type tOneOf string

func (s tOneOf) scan(l *tomlLoc) bool {
	if !l.eof() && strings.IndexByte(string(s), l.cur()) >= 0 {
		l.advance(1)
		return true
	}
	return false
}
func (s tOneOf) expected(*tomlLoc) string {
	switch len(s) {
	case 1:
		return showChar(s[0])
	case 2:
		return showChar(s[0]) + " or " + showChar(s[1])
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i != 0 {
			b.WriteString(", ")
		}
		if i+1 == len(s) {
			b.WriteString("or ")
		}
		b.WriteString(showChar(s[i]))
	}
	return b.String()
}

type tRange struct{ from, to byte }

func (r tRange) scan(l *tomlLoc) bool {
	if !l.eof() && l.cur() >= r.from && l.cur() <= r.to {
		l.advance(1)
		return true
	}
	return false
}
func (r tRange) expected(*tomlLoc) string {
	return "from `" + showChar(r.from) + "` to `" + showChar(r.to) + "`"
}

type tLit string

func (s tLit) scan(l *tomlLoc) bool {
	first := *l
	for i := 0; i < len(s); i++ {
		if l.eof() || l.cur() != s[i] {
			*l = first
			return false
		}
		l.advance(1)
	}
	return true
}
func (s tLit) expected(*tomlLoc) string { return string(s) }

type tSeq []tomlScanner

func (q tSeq) scan(l *tomlLoc) bool {
	first := *l
	for _, s := range q {
		if !s.scan(l) {
			*l = first
			return false
		}
	}
	return true
}

// expected advances l up to the element that fails, so the error points
// there.
func (q tSeq) expected(l *tomlLoc) string {
	for _, s := range q {
		if !s.scan(l) {
			return s.expected(l)
		}
	}
	return ""
}

// tAlt is toml11's either: the first alternative that matches.
type tAlt []tomlScanner

func (a tAlt) scan(l *tomlLoc) bool {
	for _, s := range a {
		if s.scan(l) {
			return true
		}
	}
	return false
}
func (a tAlt) expected(l *tomlLoc) string {
	e := a[0].expected(l)
	if len(a) == 2 {
		return e + " or " + a[1].expected(l)
	}
	for i := 1; i < len(a); i++ {
		e += ", "
		if i+1 == len(a) {
			e += "or "
		}
		e += a[i].expected(l)
	}
	return e
}

type tRepeat struct {
	n     int
	exact bool
	s     tomlScanner
}

func (r tRepeat) scan(l *tomlLoc) bool {
	first := *l
	for i := 0; i < r.n; i++ {
		if !r.s.scan(l) {
			*l = first
			return false
		}
	}
	if !r.exact {
		for !l.eof() && r.s.scan(l) {
		}
	}
	return true
}
func (r tRepeat) expected(l *tomlLoc) string {
	for i := 0; i < r.n; i++ {
		if !r.s.scan(l) {
			return r.s.expected(l)
		}
	}
	return ""
}

func atLeast(n int, s tomlScanner) tomlScanner { return tRepeat{n: n, s: s} }
func exactly(n int, s tomlScanner) tomlScanner { return tRepeat{n: n, exact: true, s: s} }

type tMaybe struct{ s tomlScanner }

func (m tMaybe) scan(l *tomlLoc) bool {
	m.s.scan(l)
	return true
}
func (m tMaybe) expected(*tomlLoc) string { return "" }

// tNamed is a scanner that describes itself by name (digit, alpha, ...).
type tNamed struct {
	s    tomlScanner
	name string
}

func (n tNamed) scan(l *tomlLoc) bool         { return n.s.scan(l) }
func (n tNamed) expected(*tomlLoc) string     { return n.name }
func named(name string, s tomlScanner) tNamed { return tNamed{s, name} }

// The TOML 1.0 grammar, as toml11 spells it.
var (
	tsDigit    = named("digit [0-9]", tRange{'0', '9'})
	tsAlpha    = named("alpha [a-zA-Z]", tAlt{tRange{'a', 'z'}, tRange{'A', 'Z'}})
	tsHexdig   = named("hex [0-9a-fA-F]", tAlt{tRange{'0', '9'}, tRange{'a', 'f'}, tRange{'A', 'F'}})
	tsNonASCII = named("non-ascii utf-8 bytes", tAlt{
		tSeq{tRange{0xC2, 0xDF}, tRange{0x80, 0xBF}},
		tSeq{tAlt{
			tSeq{tChar(0xE0), tRange{0xA0, 0xBF}},
			tSeq{tRange{0xE1, 0xEC}, tRange{0x80, 0xBF}},
			tSeq{tChar(0xED), tRange{0x80, 0x9F}},
			tSeq{tRange{0xEE, 0xEF}, tRange{0x80, 0xBF}},
		}, tRange{0x80, 0xBF}},
		tSeq{tAlt{
			tSeq{tChar(0xF0), tRange{0x90, 0xBF}},
			tSeq{tRange{0xF1, 0xF3}, tRange{0x80, 0xBF}},
			tSeq{tChar(0xF4), tRange{0x80, 0x8F}},
		}, tRange{0x80, 0xBF}, tRange{0x80, 0xBF}},
	})
	tsWschar  = tOneOf(" \t")
	tsWs      = atLeast(0, tsWschar)
	tsNewline = tAlt{tChar('\n'), tLit("\r\n")}
	tsComment = tSeq{tChar('#'), atLeast(0, tAlt{tChar(0x09), tRange{0x20, 0x7E}, tsNonASCII})}
	tsBoolean = tAlt{tLit("true"), tLit("false")}

	tsDecInt = tSeq{tMaybe{tOneOf("+-")}, tAlt{
		tSeq{tRange{'1', '9'}, atLeast(1, tAlt{tsDigit, tSeq{tChar('_'), tsDigit}})},
		tsDigit,
	}}
	tsHexInt = tSeq{tLit("0x"), tsHexdig, atLeast(0, tAlt{tsHexdig, tSeq{tChar('_'), tsHexdig}})}
	tsOctInt = tSeq{tLit("0o"), tRange{'0', '7'}, atLeast(0, tAlt{tRange{'0', '7'}, tSeq{tChar('_'), tRange{'0', '7'}}})}
	tsBinInt = tSeq{tLit("0b"), tOneOf("01"), atLeast(0, tAlt{tOneOf("01"), tSeq{tChar('_'), tOneOf("01")}})}
	tsInt    = tAlt{tsHexInt, tsOctInt, tsBinInt, tsDecInt}

	tsZeroPrefixable = tSeq{tsDigit, atLeast(0, tAlt{tsDigit, tSeq{tChar('_'), tsDigit}})}
	tsFrac           = tSeq{tChar('.'), tsZeroPrefixable}
	tsExp            = tSeq{tOneOf("eE"), tMaybe{tOneOf("+-")}, tsZeroPrefixable}
	tsFloat          = tAlt{
		tSeq{tsDecInt, tAlt{tsExp, tSeq{tsFrac, tMaybe{tsExp}}}},
		tSeq{tMaybe{tOneOf("+-")}, tAlt{tLit("inf"), tLit("nan")}},
	}

	tsLocalDate  = tSeq{exactly(4, tsDigit), tChar('-'), exactly(2, tsDigit), tChar('-'), exactly(2, tsDigit)}
	tsLocalTime  = tSeq{exactly(2, tsDigit), tChar(':'), exactly(2, tsDigit), tChar(':'), exactly(2, tsDigit), tMaybe{tSeq{tChar('.'), atLeast(1, tsDigit)}}}
	tsTimeOffset = tAlt{tOneOf("zZ"), tSeq{tOneOf("+-"), exactly(2, tsDigit), tChar(':'), exactly(2, tsDigit)}}
	tsLocalDT    = tSeq{tsLocalDate, tOneOf("Tt "), tsLocalTime}
	tsOffsetDT   = tSeq{tsLocalDate, tOneOf("Tt "), tSeq{tsLocalTime, tsTimeOffset}}

	tsEscapedU4 = tSeq{tChar('u'), exactly(4, tsHexdig)}
	tsEscapedU8 = tSeq{tChar('U'), exactly(8, tsHexdig)}
	tsEscaped   = tSeq{tChar('\\'), tAlt{tOneOf("\"\\bfnrt"), tsEscapedU4, tsEscapedU8}}
	tsBasicChar = tAlt{
		tAlt{tsWschar, tChar(0x21), tRange{0x23, 0x5B}, tRange{0x5D, 0x7E}, tsNonASCII},
		tsEscaped,
	}
	tsBasicString   = tSeq{tChar('"'), atLeast(0, tsBasicChar), tChar('"')}
	tsEscapedNL     = tSeq{tChar('\\'), tsWs, tsNewline, atLeast(0, tAlt{tsWschar, tsNewline})}
	tsMLBContent    = tAlt{tsBasicChar, tsNewline, tsEscapedNL}
	tsMLBQuotes     = tAlt{tLit(`""`), tChar('"')}
	tsMLBasicString = tSeq{tLit(`"""`), tMaybe{tsNewline}, atLeast(0, tsMLBContent),
		atLeast(0, tSeq{tsMLBQuotes, atLeast(1, tsMLBContent)}), tLit(`"""`), tMaybe{tsMLBQuotes}}
	tsLiteralChar     = tAlt{tChar(0x09), tRange{0x20, 0x26}, tRange{0x28, 0x7E}, tsNonASCII}
	tsLiteralString   = tSeq{tChar('\''), atLeast(0, tsLiteralChar), tChar('\'')}
	tsMLLContent      = tAlt{tsLiteralChar, tsNewline}
	tsMLLQuotes       = tAlt{tLit("''"), tChar('\'')}
	tsMLLiteralString = tSeq{tLit("'''"), tMaybe{tsNewline}, atLeast(0, tsMLLContent),
		atLeast(0, tSeq{tsMLLQuotes, atLeast(1, tsMLLContent)}), tLit("'''"), tMaybe{tsMLLQuotes}}

	tsUnquotedKey = atLeast(1, tAlt{tsAlpha, tsDigit, tChar(0x2D), tChar(0x5F)})
	tsSimpleKey   = tAlt{tsUnquotedKey, tAlt{tsBasicString, tsLiteralString}}
	tsDotSep      = tSeq{tsWs, tChar('.'), tsWs}
	tsKey         = named(`basic key([a-zA-Z0-9_-]) or quoted key(" or ')`,
		tAlt{tSeq{tsSimpleKey, atLeast(1, tSeq{tsDotSep, tsSimpleKey})}, tsSimpleKey})
	tsKeyvalSep  = tSeq{tsWs, tChar('='), tsWs}
	tsStdTable   = tSeq{tChar('['), tsWs, tsKey, tsWs, tChar(']')}
	tsArrayTable = tSeq{tLit("[["), tsWs, tsKey, tsWs, tLit("]]")}
)
