package syntax

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The lexer reproduces Nix's flex scanner: the same start conditions, the
// longest match with ties going to the earlier rule, and the same token
// locations (every match, whitespace included, advances the location; a
// rule that gives its text back restores the previous one).

type lexState uint8

const (
	lsInitial lexState = iota // bottom of the stack, acts like lsDefault
	lsDefault
	lsString
	lsIndString
	lsInPath
	lsInPathSlash
)

type token struct {
	kind       int
	begin, end int
	text       string // identifier, string piece, path, URI...
	indent     bool   // an IND_STR piece whose spaces count for indentation
	ival       int64
	fval       float64
}

type lexer struct {
	src   []byte
	pos   int
	stack []lexState
	// location of the last match, as flex's yylloc, and the one before
	// it (Nix's stash, which a path ending at end of file restores)
	locBegin, locEnd     int
	stashBegin, stashEnd int
	file                 *File
	pipes                bool // pipe-operators experimental feature enabled
}

func newLexer(f *File, pipes bool) *lexer {
	return &lexer{src: f.Src, file: f, stack: []lexState{lsInitial}, pipes: pipes}
}

func (l *lexer) top() lexState   { return l.stack[len(l.stack)-1] }
func (l *lexer) push(s lexState) { l.stack = append(l.stack, s) }
func (l *lexer) pop() {
	if len(l.stack) > 1 {
		l.stack = l.stack[:len(l.stack)-1]
	}
}

// match records a match of n bytes at the current position.
func (l *lexer) match(n int) (begin int) {
	l.stashBegin, l.stashEnd = l.locBegin, l.locEnd
	l.locBegin = l.locEnd
	l.locEnd += n
	begin = l.pos
	l.pos += n
	return begin
}

func (l *lexer) tok(kind, n int) token {
	b := l.match(n)
	return token{kind: kind, begin: b, end: l.pos, text: string(l.src[b:l.pos])}
}

func (l *lexer) errorAt(off int, format string, args ...any) error {
	return &Error{Pos: l.file.position(off), Msg: fmt.Sprintf(format, args...)}
}

func (l *lexer) at(i int) byte {
	if i < len(l.src) {
		return l.src[i]
	}
	return 0
}

// next returns the next token.
func (l *lexer) next() (token, error) {
	for {
		switch l.top() {
		case lsString:
			return l.lexString()
		case lsIndString:
			return l.lexIndString()
		case lsInPath, lsInPathSlash:
			t, err, ok := l.lexInPath()
			if ok {
				return t, err
			}
			continue
		}
		t, skip, err := l.lexDefault()
		if err != nil || !skip {
			return t, err
		}
	}
}

func isPathChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '.' || c == '_' || c == '-' || c == '+'
}

func isIDStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isIDChar(c byte) bool {
	return isIDStart(c) || c >= '0' && c <= '9' || c == '\'' || c == '-'
}
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (l *lexer) span(i int, pred func(byte) bool) int {
	for i < len(l.src) && pred(l.src[i]) {
		i++
	}
	return i
}

// matchPath returns the length of {PATH} at i (0 if none):
// PATH_CHAR* ('/' PATH_CHAR+)+ '/'?
func (l *lexer) matchPath(i int) int {
	j := l.span(i, isPathChar)
	segs := 0
	for l.at(j) == '/' {
		k := l.span(j+1, isPathChar)
		if k == j+1 {
			break
		}
		j = k
		segs++
	}
	if segs == 0 {
		return 0
	}
	if l.at(j) == '/' {
		j++
	}
	return j - i
}

// matchHPath returns the length of {HPATH} at i: '~' ('/' PATH_CHAR+)+ '/'?
func (l *lexer) matchHPath(i int) int {
	if l.at(i) != '~' {
		return 0
	}
	n := l.matchPath(i + 1)
	if n == 0 || l.at(i+1) != '/' {
		return 0
	}
	return n + 1
}

// matchPathSeg returns the length of {PATH_SEG} at i: PATH_CHAR* '/'.
func (l *lexer) matchPathSeg(i int) int {
	j := l.span(i, isPathChar)
	if l.at(j) != '/' {
		return 0
	}
	return j + 1 - i
}

func (l *lexer) matchFloat(i int) int {
	j := i
	switch {
	case l.at(j) >= '1' && l.at(j) <= '9':
		j = l.span(j, isDigit)
		if l.at(j) != '.' {
			return 0
		}
		j = l.span(j+1, isDigit)
	default:
		if l.at(j) == '0' {
			j++
		}
		if l.at(j) != '.' || !isDigit(l.at(j+1)) {
			return 0
		}
		j = l.span(j+1, isDigit)
	}
	if c := l.at(j); c == 'e' || c == 'E' {
		k := j + 1
		if c := l.at(k); c == '+' || c == '-' {
			k++
		}
		if isDigit(l.at(k)) {
			j = l.span(k, isDigit)
		}
	}
	return j - i
}

func (l *lexer) matchURI(i int) int {
	if !(l.at(i) >= 'a' && l.at(i) <= 'z' || l.at(i) >= 'A' && l.at(i) <= 'Z') {
		return 0
	}
	j := l.span(i+1, func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
	})
	if l.at(j) != ':' {
		return 0
	}
	k := l.span(j+1, func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("%/?:@&=+$,-_.!~*'", c) >= 0
	})
	if k == j+1 {
		return 0
	}
	return k - i
}

func (l *lexer) matchSPath(i int) int {
	if l.at(i) != '<' {
		return 0
	}
	j := l.span(i+1, isPathChar)
	if j == i+1 {
		return 0
	}
	for l.at(j) == '/' {
		k := l.span(j+1, isPathChar)
		if k == j+1 {
			break
		}
		j = k
	}
	if l.at(j) != '>' {
		return 0
	}
	return j + 1 - i
}

// matchComment returns the length of a /* */ comment at i, or 0.
func (l *lexer) matchComment(i int) int {
	if l.at(i) != '/' || l.at(i+1) != '*' {
		return 0
	}
	end := strings.Index(string(l.src[i+2:]), "*/")
	if end < 0 {
		return 0
	}
	return end + 4
}

var keywords = map[string]int{
	"if": tIF, "then": tTHEN, "else": tELSE, "assert": tASSERT, "with": tWITH,
	"let": tLET, "in": tIN, "rec": tREC, "inherit": tINHERIT, "or": tOrKW,
}

var twoCharOps = map[string]int{
	"==": tEQ, "!=": tNEQ, "<=": tLEQ, ">=": tGEQ, "&&": tAND, "||": tOR,
	"->": tIMPL, "//": tUPDATE, "++": tCONCAT, "<|": tPipeFrom, "|>": tPipeInto,
}

// lexDefault scans one match in the INITIAL/DEFAULT conditions. skip is
// true for whitespace and comments.
func (l *lexer) lexDefault() (t token, skip bool, err error) {
	i := l.pos
	if i >= len(l.src) {
		return token{kind: tEOF, begin: l.locBegin, end: l.locEnd}, false, nil
	}
	c := l.src[i]
	// Candidates in rule order; the longest wins, the first on ties.
	best, rule := 0, -1
	try := func(n, r int) {
		if n > best {
			best, rule = n, r
		}
	}
	const (
		rKeywordOrID = iota
		rEllipsis
		rOp2
		rInt
		rFloat
		rDollarCurly
		rRBrace
		rLBrace
		rQuote
		rIndOpen
		rPathSegDollar
		rHPathStartDollar
		rPath
		rHPath
		rSPath
		rURI
		rWhitespace
		rLineComment
		rComment
		rAny
	)
	if isIDStart(c) {
		try(l.span(i+1, isIDChar)-i, rKeywordOrID)
	}
	if c == '.' && l.at(i+1) == '.' && l.at(i+2) == '.' {
		try(3, rEllipsis)
	}
	if _, ok := twoCharOps[string(l.src[i:min(i+2, len(l.src))])]; ok {
		try(2, rOp2)
	}
	if isDigit(c) {
		try(l.span(i, isDigit)-i, rInt)
	}
	try(l.matchFloat(i), rFloat)
	if c == '$' && l.at(i+1) == '{' {
		try(2, rDollarCurly)
	}
	switch c {
	case '}':
		try(1, rRBrace)
	case '{':
		try(1, rLBrace)
	case '"':
		try(1, rQuote)
	case '\'':
		if l.at(i+1) == '\'' {
			j := l.span(i+2, func(b byte) bool { return b == ' ' })
			if l.at(j) == '\n' {
				try(j+1-i, rIndOpen)
			} else {
				try(2, rIndOpen)
			}
		}
	}
	if n := l.matchPathSeg(i); n > 0 && l.at(i+n) == '$' && l.at(i+n+1) == '{' {
		try(n+2, rPathSegDollar)
	}
	if c == '~' && l.at(i+1) == '/' && l.at(i+2) == '$' && l.at(i+3) == '{' {
		try(4, rHPathStartDollar)
	}
	try(l.matchPath(i), rPath)
	try(l.matchHPath(i), rHPath)
	try(l.matchSPath(i), rSPath)
	try(l.matchURI(i), rURI)
	if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
		try(l.span(i, func(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' })-i, rWhitespace)
	}
	if c == '#' {
		try(l.span(i, func(b byte) bool { return b != '\r' && b != '\n' })-i, rLineComment)
	}
	try(l.matchComment(i), rComment)
	try(1, rAny)

	switch rule {
	case rKeywordOrID:
		t = l.tok(tID, best)
		if k, ok := keywords[t.text]; ok {
			t.kind = k
		}
		return t, false, nil
	case rEllipsis:
		return l.tok(tEllipsis, 3), false, nil
	case rOp2:
		k := twoCharOps[string(l.src[i:i+2])]
		t = l.tok(k, 2)
		if (k == tPipeFrom || k == tPipeInto) && !l.pipes {
			return t, false, l.errorAt(t.begin, "experimental Nix feature 'pipe-operators' is disabled; add '--extra-experimental-features pipe-operators' to enable it")
		}
		return t, false, nil
	case rInt:
		t = l.tok(tINT, best)
		v, perr := strconv.ParseInt(t.text, 10, 64)
		if perr != nil {
			return t, false, l.errorAt(t.begin, "invalid integer '%s'", t.text)
		}
		t.ival = v
		return t, false, nil
	case rFloat:
		t = l.tok(tFLOAT, best)
		v, perr := strconv.ParseFloat(t.text, 64)
		if perr != nil && !errors.Is(perr, strconv.ErrRange) {
			return t, false, l.errorAt(t.begin, "invalid float '%s'", t.text)
		}
		// strtod reports ERANGE on overflow and on underflow to zero or
		// to a subnormal number.
		if errors.Is(perr, strconv.ErrRange) || v != 0 && math.Abs(v) < 0x1p-1022 || v == 0 && hasNonZeroDigit(t.text) {
			return t, false, l.errorAt(t.begin, "invalid float '%s'", t.text)
		}
		t.fval = v
		return t, false, nil
	case rDollarCurly:
		l.push(lsDefault)
		return l.tok(tDollarCurly, 2), false, nil
	case rRBrace:
		l.pop()
		return l.tok(tRBrace, 1), false, nil
	case rLBrace:
		l.push(lsDefault)
		return l.tok(tLBrace, 1), false, nil
	case rQuote:
		l.push(lsString)
		return l.tok(tQuote, 1), false, nil
	case rIndOpen:
		l.push(lsIndString)
		return l.tok(tIndOpen, best), false, nil
	case rPathSegDollar:
		// flex gives the text back and rescans it as PATH_START.
		t = l.tok(tPATH, best-2)
		l.push(lsInPathSlash)
		return t, false, nil
	case rHPathStartDollar:
		t = l.tok(tHPATH, 2)
		l.push(lsInPathSlash)
		return t, false, nil
	case rPath, rHPath:
		kind := tPATH
		if rule == rHPath {
			kind = tHPATH
		}
		t = l.tok(kind, best)
		if strings.HasSuffix(t.text, "/") {
			l.push(lsInPathSlash)
		} else {
			l.push(lsInPath)
		}
		return t, false, nil
	case rSPath:
		return l.tok(tSPATH, best), false, nil
	case rURI:
		return l.tok(tURI, best), false, nil
	case rWhitespace, rLineComment, rComment:
		l.match(best)
		return token{}, true, nil
	}
	// Any other byte is passed to the parser as a character token.
	t = l.tok(tUndef, 1)
	switch {
	case c == 0:
		t.kind = tEOF
	case charTokens[c] != 0:
		t.kind = int(charTokens[c])
	}
	return t, false, nil
}

func hasNonZeroDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 'e' || s[i] == 'E' {
			break
		}
		if s[i] >= '1' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// lexString scans inside "...".
func (l *lexer) lexString() (token, error) {
	i := l.pos
	if i >= len(l.src) {
		return token{kind: tEOF, begin: l.locBegin, end: l.locEnd}, nil
	}
	// ([^$"\\]|\$[^{"\\]|\\ANY|\$\\ANY)+
	j := i
	for j < len(l.src) {
		c := l.src[j]
		if c == '\\' {
			if j+1 >= len(l.src) {
				break
			}
			j += 2
		} else if c == '$' {
			n := l.at(j + 1)
			if j+1 < len(l.src) && n != '{' && n != '"' && n != '\\' {
				j += 2
			} else if n == '\\' && j+2 < len(l.src) {
				j += 3
			} else {
				break
			}
		} else if c == '"' {
			break
		} else {
			j++
		}
	}
	// The variant ending in '$' right before the closing quote.
	if l.at(j) == '$' && j+1 < len(l.src) && l.src[j+1] == '"' {
		j++
	}
	if j > i {
		t := l.tok(tSTR, j-i)
		s, err := l.unescape(t.text, t.begin)
		t.text = s
		return t, err
	}
	switch c := l.src[i]; {
	case c == '$' && l.at(i+1) == '{':
		l.push(lsDefault)
		return l.tok(tDollarCurly, 2), nil
	case c == '"':
		l.pop()
		return l.tok(tQuote, 1), nil
	}
	// A lone '$', '\' or '$\' can only be left at the end of input.
	n := 1
	if l.src[i] == '$' && l.at(i+1) == '\\' && i+1 < len(l.src) {
		n = 2
	}
	l.match(n)
	return token{kind: tEOF, begin: l.locBegin, end: l.locEnd}, nil
}

// unescape turns a string literal piece into its value, as Nix does:
// \n \r \t escapes, any other escaped char stands for itself, and CR or
// CR LF become LF.
func (l *lexer) unescape(s string, at int) (string, error) {
	if strings.IndexAny(s, "\\\r") < 0 {
		return s, l.checkNoNUL(s, at)
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			i++
			if i >= len(s) {
				break
			}
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(s[i])
			}
		case '\r':
			b.WriteByte('\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		default:
			b.WriteByte(c)
		}
	}
	out := b.String()
	return out, l.checkNoNUL(out, at)
}

// checkNoNUL rejects strings with NUL bytes, which Nix strings cannot hold.
func (l *lexer) checkNoNUL(s string, at int) error {
	if strings.IndexByte(s, 0) < 0 {
		return nil
	}
	return l.errorAt(at, "input string '%s' cannot be represented as Nix string because it contains null bytes", strings.ReplaceAll(s, "\x00", "␀"))
}

// lexIndString scans inside ”...”.
func (l *lexer) lexIndString() (token, error) {
	i := l.pos
	if i >= len(l.src) {
		return token{kind: tEOF, begin: l.locBegin, end: l.locEnd}, nil
	}
	// ([^$']|\$[^{']|'[^'$])+
	j := i
	for j < len(l.src) {
		c := l.src[j]
		if c == '$' {
			if j+1 < len(l.src) && l.src[j+1] != '{' && l.src[j+1] != '\'' {
				j += 2
				continue
			}
			break
		}
		if c == '\'' {
			if j+1 < len(l.src) && l.src[j+1] != '\'' && l.src[j+1] != '$' {
				j += 2
				continue
			}
			break
		}
		j++
	}
	best := j - i
	// The other rules are at most 4 bytes long; the run wins when longer.
	c, n1, n2 := l.src[i], l.at(i+1), l.at(i+2)
	switch {
	case c == '\'' && n1 == '\'' && n2 == '\\' && i+3 < len(l.src) && best < 4:
		t := l.tok(tIndSTR, 4)
		s, err := l.unescape(t.text[2:], t.begin)
		t.text = s
		return t, err
	case c == '\'' && n1 == '\'' && n2 == '$' && best < 3:
		t := l.tok(tIndSTR, 3)
		t.text = "$"
		return t, nil
	case c == '\'' && n1 == '\'' && n2 == '\'' && best < 3:
		t := l.tok(tIndSTR, 3)
		t.text = "''"
		return t, nil
	case best > 0:
		t := l.tok(tIndSTR, best)
		t.indent = true
		return t, l.checkNoNUL(t.text, t.begin)
	case c == '$' && n1 == '{':
		l.push(lsDefault)
		return l.tok(tDollarCurly, 2), nil
	case c == '$':
		t := l.tok(tIndSTR, 1)
		t.text = "$"
		return t, nil
	case c == '\'' && n1 == '\'':
		l.pop()
		return l.tok(tIndClose, 2), nil
	default: // a lone '\''
		t := l.tok(tIndSTR, 1)
		t.text = "'"
		return t, nil
	}
}

// lexInPath scans after a path piece. ok is false when it only changed
// state and the caller should scan again.
func (l *lexer) lexInPath() (t token, err error, ok bool) {
	i := l.pos
	slash := l.top() == lsInPathSlash
	if l.at(i) == '$' && l.at(i+1) == '{' && i+1 < len(l.src) {
		l.pop()
		l.push(lsInPath)
		l.push(lsDefault)
		return l.tok(tDollarCurly, 2), nil, true
	}
	n := max(l.matchPath(i), l.matchPathSeg(i), l.span(i, isPathChar)-i)
	if n > 0 {
		l.pop()
		t = l.tok(tSTR, n)
		if strings.HasSuffix(t.text, "/") {
			l.push(lsInPathSlash)
		} else {
			l.push(lsInPath)
		}
		return t, nil, true
	}
	if slash {
		off := l.locBegin
		if i < len(l.src) {
			off = i
		}
		return token{}, l.errorAt(off, "path has a trailing slash"), true
	}
	// End of the path: give the character back, keep the old location.
	// At the end of the file no rule matched to stash it again, so Nix
	// goes back to the location before the path's last piece.
	l.pop()
	if i >= len(l.src) {
		l.locBegin, l.locEnd = l.stashBegin, l.stashEnd
	}
	return token{kind: tPathEnd, begin: l.locBegin, end: l.locEnd}, nil, true
}
