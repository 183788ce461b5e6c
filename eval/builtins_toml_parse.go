package eval

import (
	"math"
	"strconv"
	"strings"
)

// The parser of the TOML reader behind builtins.fromTOML. It follows
// toml11 4's parser (TOML 1.0, no extensions) step for step: the same
// order of checks, the same error recovery (several errors may be
// reported at once), and the same messages.

type tomlKind uint8

const (
	tkTable tomlKind = iota
	tkArray
	tkBool
	tkInt
	tkFloat
	tkString
	tkOffsetDT
	tkLocalDT
	tkLocalDate
	tkLocalTime
)

// Table and array layouts, which decide what may be extended later.
const (
	tfMultiline uint8 = iota
	tfOneline
	tfDotted
	tfImplicit
	afOneline
	afArrayOfTables
)

type tomlValue struct {
	kind tomlKind
	reg  tomlRegion
	fmt  uint8
	tbl  map[string]*tomlValue
	arr  []*tomlValue
	b    bool
	i    int64
	f    float64
	s    string
	dt   tomlDateTime
}

type tomlDateTime struct {
	year, month, day                 int
	hour, minute, second, ms, us, ns int
	offMinutes                       int
}

type tomlErrLoc struct {
	reg tomlRegion
	msg string
}

type tomlError struct {
	title  string
	locs   []tomlErrLoc
	suffix string
}

func tomlErr(title string, reg tomlRegion, msg string, more ...any) *tomlError {
	e := &tomlError{title: title, locs: []tomlErrLoc{{reg, msg}}}
	for i := 0; i+1 < len(more); i += 2 {
		e.locs = append(e.locs, tomlErrLoc{more[i].(tomlRegion), more[i+1].(string)})
	}
	if len(more)%2 == 1 {
		e.suffix = more[len(more)-1].(string)
	}
	return e
}

// syntaxErr reports what a scanner expected where it failed.
func syntaxErr(title string, s tomlScanner, l tomlLoc, suffix string) *tomlError {
	msg := "expected " + s.expected(&l)
	return &tomlError{title: title, locs: []tomlErrLoc{{regionAt(l), msg}}, suffix: suffix}
}

type tomlParser struct {
	errs []*tomlError
}

func (p *tomlParser) report(e *tomlError) { p.errs = append(p.errs, e) }

func (p *tomlParser) popLast() *tomlError {
	e := p.errs[len(p.errs)-1]
	p.errs = p.errs[:len(p.errs)-1]
	return e
}

func skipWs(l *tomlLoc) { tsWs.scan(l) }

// commentLine reads an optional comment, which must end the line.
func (p *tomlParser) commentLine(l *tomlLoc) (bool, *tomlError) {
	first := *l
	skipWs(l)
	if tsComment.scan(l) {
		if !l.eof() && !tsNewline.scan(l) {
			for !l.eof() {
				l.advance(1)
				if l.cur() == '\n' {
					l.advance(1)
					break
				}
			}
			return false, tomlErr("toml::parse_comment_line: newline (LF / CRLF) or EOF is expected",
				regionAt(*l), "but got this", "Hint: most of the control characters are not allowed in comments")
		}
		return true, nil
	}
	*l = first
	return false, nil
}

func (p *tomlParser) boolean(l *tomlLoc) (*tomlValue, *tomlError) {
	reg, ok := scanRegion(tsBoolean, l)
	if !ok {
		return nil, syntaxErr("toml::parse_boolean: invalid boolean: boolean must be `true` or `false`, in lowercase. string must be surrounded by `\"`", tsBoolean, *l, "")
	}
	return &tomlValue{kind: tkBool, b: reg.str() == "true", reg: reg}, nil
}

// prefixedInt reads 0x, 0o and 0b integers.
func (p *tomlParser) prefixedInt(l *tomlLoc, s tomlScanner, base int, name, form string) (*tomlValue, *tomlError) {
	first := *l
	reg, ok := scanRegion(s, l)
	if !ok {
		return nil, syntaxErr("toml::parse_"+name+"_integer: invalid integer: "+name+"_int must be like: "+form, s, *l, "")
	}
	str := reg.str()[2:]
	str = strings.TrimLeft(str, "0_")
	if base == 2 {
		// toml11 skips to the first 1 (the digits after it may still be 0).
		if i := strings.IndexByte(reg.str()[2:], '1'); i >= 0 {
			str = reg.str()[2+i:]
		} else {
			str = ""
		}
	}
	str = strings.ReplaceAll(str, "_", "")
	if str == "" {
		str = "0"
	}
	tooLarge := func(what string) *tomlError {
		e := tomlErr("toml::parse_"+name+"_integer: too large integer: current max "+what+" = 2^63", regionAt(*l), "must be < 2^63")
		*l = first
		return e
	}
	if base == 2 {
		if len(str) > 63 {
			return nil, tooLarge("value")
		}
	}
	n, err := strconv.ParseInt(str, base, 64)
	if err != nil {
		return nil, tooLarge("value")
	}
	return &tomlValue{kind: tkInt, i: n, reg: reg}, nil
}

func (p *tomlParser) decInt(l *tomlLoc) (*tomlValue, *tomlError) {
	first := *l
	reg, ok := scanRegion(tsDecInt, l)
	if !ok {
		return nil, syntaxErr("toml::parse_dec_integer: invalid integer: dec_int must be like: 42, 123_456_789", tsDecInt, *l, "")
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(reg.str(), "_", ""), 10, 64)
	if err != nil {
		e := tomlErr("toml::parse_dec_integer: too large integer: current max digits = 2^63", regionAt(*l), "must be < 2^63")
		*l = first
		return nil, e
	}
	return &tomlValue{kind: tkInt, i: n, reg: reg}, nil
}

func (p *tomlParser) integer(l *tomlLoc) (*tomlValue, *tomlError) {
	first := *l
	if !l.eof() && (l.cur() == '+' || l.cur() == '-') {
		l.advance(1)
	}
	if !l.eof() && l.cur() == '0' {
		l.advance(1)
		if l.eof() {
			*l = first
			return p.decInt(l)
		}
		prefix := l.cur()
		*l = first
		switch prefix {
		case 'b':
			return p.prefixedInt(l, tsBinInt, 2, "bin", "0b0101, 0b1111_0000")
		case 'o':
			return p.prefixedInt(l, tsOctInt, 8, "oct", "0o775, 0o04_44")
		case 'x':
			return p.prefixedInt(l, tsHexInt, 16, "hex", "0xC0FFEE, 0xdead_beef")
		}
		if prefix >= '0' && prefix <= '9' {
			return nil, tomlErr("toml::parse_integer: leading zero in an decimal integer is not allowed", regionAt(*l), "leading zero")
		}
	}
	*l = first
	return p.decInt(l)
}

func (p *tomlParser) floating(l *tomlLoc) (*tomlValue, *tomlError) {
	reg, ok := scanRegion(tsFloat, l)
	if !ok {
		return nil, syntaxErr("toml::parse_floating: invalid floating: float must be like: -3.14159_26535, 6.022e+23, inf, or nan (lowercase).", tsFloat, *l, "")
	}
	str := strings.ReplaceAll(reg.str(), "_", "")
	v := &tomlValue{kind: tkFloat, reg: reg}
	switch strings.TrimPrefix(str, "+") {
	case "inf":
		v.f = math.Inf(1)
	case "-inf":
		v.f = math.Inf(-1)
	case "nan":
		v.f = math.NaN()
	case "-nan":
		v.f = math.Copysign(math.NaN(), -1)
	default:
		f, err := strconv.ParseFloat(str, 64)
		if err != nil {
			return nil, tomlErr("toml::parse_floating: failed to read floating point value from stream", regionAt(*l), "here")
		}
		v.f = f
	}
	return v, nil
}

func twoDigits(s string) int { n, _ := strconv.Atoi(s); return n }

func (p *tomlParser) localDate(l *tomlLoc, dt *tomlDateTime) *tomlError {
	first := *l
	reg, ok := scanRegion(tsLocalDate, l)
	if !ok {
		return syntaxErr("toml::parse_local_date: invalid date: date must be like: 1234-05-06, yyyy-mm-dd.", tsLocalDate, *l, "")
	}
	s := reg.str()
	year, month, day := twoDigits(s[0:4]), twoDigits(s[5:7]), twoDigits(s[8:10])
	leap := year%4 == 0 && (year%100 != 0 || year%400 == 0)
	maxDay := 31
	switch month {
	case 2:
		maxDay = 28
		if leap {
			maxDay = 29
		}
	case 4, 6, 9, 11:
		maxDay = 30
	}
	if month < 1 || month > 12 || day < 1 || day > maxDay {
		return tomlErr("toml::parse_local_date: invalid date.", regionAt(first),
			"month must be 01-12, day must be any of 01-28,29,30,31 depending on the month/year.")
	}
	dt.year, dt.month, dt.day = year, month, day
	return nil
}

func (p *tomlParser) localTime(l *tomlLoc, dt *tomlDateTime) *tomlError {
	first := *l
	reg, ok := scanRegion(tsLocalTime, l)
	if !ok {
		return syntaxErr("toml::parse_local_time: invalid time: time must be HH:MM:SS(.sss) (subseconds are optional)", tsLocalTime, *l, "")
	}
	s := reg.str()
	hour, minute := twoDigits(s[0:2]), twoDigits(s[3:5])
	if hour >= 24 || minute >= 60 {
		return tomlErr("toml::parse_local_time: invalid time.", regionAt(first), "hour must be 00-23, minute must be 00-59.")
	}
	sec := twoDigits(s[6:8])
	if sec > 60 {
		return tomlErr("toml::parse_local_time: invalid time.", regionAt(first), "second must be 00-60.")
	}
	dt.hour, dt.minute, dt.second = hour, minute, sec
	if len(s) > 8 {
		frac := (s[9:] + "000000000")[:9]
		dt.ms, dt.us, dt.ns = twoDigits(frac[0:3]), twoDigits(frac[3:6]), twoDigits(frac[6:9])
	}
	return nil
}

// delimiter reads the T, t or space between date and time.
func dtDelimiter(l *tomlLoc, who, allowed string) *tomlError {
	switch l.cur() {
	case 'T', 't', ' ':
		l.advance(1)
		return nil
	}
	return tomlErr("toml::parse_"+who+": expect date-time delimiter "+allowed, regionAt(*l), "here")
}

func (p *tomlParser) datetime(l *tomlLoc, kind tomlKind) (*tomlValue, *tomlError) {
	first := *l
	v := &tomlValue{kind: kind}
	if kind != tkLocalTime {
		if err := p.localDate(l, &v.dt); err != nil {
			return nil, err
		}
	}
	switch kind {
	case tkLocalDT:
		if err := dtDelimiter(l, "local_datetime", "`T`, `t` or ` `(space)."); err != nil {
			return nil, err
		}
	case tkOffsetDT:
		if err := dtDelimiter(l, "offset_datetime", "`T` or ` `(space)."); err != nil {
			return nil, err
		}
	}
	if kind != tkLocalDate {
		if err := p.localTime(l, &v.dt); err != nil {
			return nil, err
		}
	}
	if kind == tkOffsetDT {
		reg, ok := scanRegion(tsTimeOffset, l)
		if !ok {
			return nil, syntaxErr("toml::parse_offset_datetime: invalid offset: offset must be like: Z, +01:00, or -10:00.", tsTimeOffset, *l, "")
		}
		s := reg.str()
		if s[0] == '+' || s[0] == '-' {
			h, m := twoDigits(s[1:3]), twoDigits(s[4:6])
			if h > 24 || m > 60 {
				return nil, tomlErr("toml::parse_offset_datetime: too large offset: |hour| <= 24, |minute| <= 60", regionBetween(first, *l), "here")
			}
			v.dt.offMinutes = h*60 + m
			if s[0] == '-' {
				v.dt.offMinutes = -v.dt.offMinutes
			}
		}
	}
	v.reg = regionBetween(first, *l)
	return v, nil
}

// utf8Codepoint turns a \u or \U escape (the region holds "uXXXX") into
// UTF-8.
func utf8Codepoint(reg tomlRegion) (string, *tomlError) {
	cp, _ := strconv.ParseUint(reg.str()[1:], 16, 32)
	switch {
	case cp >= 0xD800 && cp <= 0xDFFF:
		return "", tomlErr("toml::parse_utf8_codepoint: [0xD800, 0xDFFF] is not a valid UTF-8", reg, "here")
	case cp >= 0x110000:
		return "", tomlErr("toml::parse_utf8_codepoint: input codepoint is too large.", reg, "must be in range [0x00, 0x10FFFF]")
	}
	return string(appendUTF8(nil, int(cp))), nil
}

// escape reads the escape sequence at l (on the backslash).
func escape(l *tomlLoc) (string, *tomlError) {
	l.advance(1)
	switch c := l.cur(); c {
	case '\\', '"':
		l.advance(1)
		return string(c), nil
	case 'b', 'f', 'n', 'r', 't':
		l.advance(1)
		return string("\b\f\n\r\t"[strings.IndexByte("bfnrt", c)]), nil
	case 'u', 'U':
		s, n := tsEscapedU4, "\\uhhhh"
		if c == 'U' {
			s, n = tsEscapedU8, "\\Uhhhhhhhh"
		}
		reg, ok := scanRegion(s, l)
		if !ok {
			return "", tomlErr("toml::parse_escape_sequence: invalid token found in UTF-8 codepoint "+n, regionAt(*l), "here")
		}
		return utf8Codepoint(reg)
	}
	return "", tomlErr("toml::parse_escape_sequence: unknown escape sequence.", regionAt(*l),
		"allowed escape seqs: \\\\, \\\", \\b, \\f, \\n, \\r, \\t, \\uhhhh, or \\Uhhhhhhhh")
}

func tempLoc(s string) tomlLoc {
	return tomlLoc{src: []byte(s), name: "internal temporary", line: 1, col: 1}
}

// unescape processes the escapes of a basic string's body; in multiline
// strings a backslash at the end of a line also eats the whitespace
// after it.
func unescape(str string, multiline bool) (string, *tomlError) {
	var b strings.Builder
	for i := 0; i < len(str); {
		if str[i] != '\\' {
			b.WriteByte(str[i])
			i++
			continue
		}
		l := tempLoc(str[i:])
		if multiline && tsEscapedNL.scan(&l) {
			i += l.pos
			continue
		}
		l = tempLoc(str[i:])
		s, err := escape(&l)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
		i += l.pos
	}
	return b.String(), nil
}

func trimFirstNewline(s string) string {
	if strings.HasPrefix(s, "\n") {
		return s[1:]
	}
	return strings.TrimPrefix(s, "\r\n")
}

func (p *tomlParser) basicStringOnly(l *tomlLoc) (string, tomlRegion, *tomlError) {
	reg, ok := scanRegion(tsBasicString, l)
	if !ok {
		return "", reg, syntaxErr("toml::parse_basic_string: invalid string format", tsBasicString, *l, "")
	}
	s := reg.str()
	v, err := unescape(s[1:len(s)-1], false)
	return v, reg, err
}

func (p *tomlParser) literalStringOnly(l *tomlLoc) (string, tomlRegion, *tomlError) {
	reg, ok := scanRegion(tsLiteralString, l)
	if !ok {
		return "", reg, syntaxErr("toml::parse_literal_string: invalid string format", tsLiteralString, *l, "")
	}
	s := reg.str()
	return s[1 : len(s)-1], reg, nil
}

func (p *tomlParser) str(l *tomlLoc) (*tomlValue, *tomlError) {
	first := *l
	var s string
	var reg tomlRegion
	var err *tomlError
	switch {
	case !l.eof() && l.cur() == '"' && tLit(`"""`).scan(l):
		*l = first
		var ok bool
		if reg, ok = scanRegion(tsMLBasicString, l); !ok {
			return nil, syntaxErr("toml::parse_ml_basic_string: invalid string format", tsMLBasicString, *l, "")
		}
		body := reg.str()
		s, err = unescape(trimFirstNewline(body[3:len(body)-3]), true)
	case !l.eof() && l.cur() == '"':
		*l = first
		s, reg, err = p.basicStringOnly(l)
	case !l.eof() && l.cur() == '\'' && tLit("'''").scan(l):
		*l = first
		var ok bool
		if reg, ok = scanRegion(tsMLLiteralString, l); !ok {
			return nil, syntaxErr("toml::parse_ml_literal_string: invalid string format", tsMLLiteralString, *l, "")
		}
		body := reg.str()
		s = trimFirstNewline(body[3 : len(body)-3])
	case !l.eof() && l.cur() == '\'':
		*l = first
		s, reg, err = p.literalStringOnly(l)
	default:
		return nil, tomlErr("toml::parse_string: not a string", regionAt(*l), "here")
	}
	if err != nil {
		return nil, err
	}
	return &tomlValue{kind: tkString, s: s, reg: reg}, nil
}

func (p *tomlParser) simpleKey(l *tomlLoc) (string, *tomlError) {
	switch l.cur() {
	case '"':
		s, _, err := p.basicStringOnly(l)
		return s, err
	case '\'':
		s, _, err := p.literalStringOnly(l)
		return s, err
	}
	if reg, ok := scanRegion(tsUnquotedKey, l); ok {
		return reg.str(), nil
	}
	return "", syntaxErr("toml::parse_simple_key: invalid key: key must be \"quoted\", 'quoted-literal', or bare key.",
		tsUnquotedKey, *l, "Hint: non-ASCII scripts are allowed in toml v1.1.0, but not in v1.0.0.\n")
}

func (p *tomlParser) key(l *tomlLoc) ([]string, tomlRegion, *tomlError) {
	first := *l
	var keys []string
	for !l.eof() {
		k, err := p.simpleKey(l)
		if err != nil {
			return nil, tomlRegion{}, err
		}
		keys = append(keys, k)
		if !tsDotSep.scan(l) {
			break
		}
	}
	if len(keys) == 0 {
		return nil, tomlRegion{}, tomlErr("toml::parse_key: expected a new key, but got nothing", regionAt(first), "reached EOF")
	}
	return keys, regionBetween(first, *l), nil
}

func (p *tomlParser) keyValue(l *tomlLoc) ([]string, tomlRegion, *tomlValue, *tomlError) {
	first := *l
	keys, reg, err := p.key(l)
	if err != nil {
		*l = first
		return nil, reg, nil, err
	}
	if !tsKeyvalSep.scan(l) {
		e := syntaxErr("toml::parse_key_value_pair: invalid key value separator `=`", tsKeyvalSep, *l, "")
		*l = first
		return nil, reg, nil, e
	}
	v, err := p.value(l)
	return keys, reg, v, err
}

// spacer skips blank lines, comments and indentation; it reports whether
// it skipped anything and whether that included a newline.
func spacer(l *tomlLoc) (found, newline bool) {
	for !l.eof() {
		switch {
		case tSeq{tsComment, tsNewline}.scan(l), tsNewline.scan(l):
			newline = true
		case atLeast(1, tChar(' ')).scan(l), atLeast(1, tChar('\t')).scan(l):
		default:
			return found, newline
		}
		found = true
	}
	return found, newline
}
