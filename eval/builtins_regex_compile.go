package eval

// The compiler of the regular expression engine behind builtins.match
// and builtins.split: libstdc++'s extended POSIX grammar, scanner and
// automaton layout (see builtins_regex.go).

// reStateLimit is libstdc++'s _GLIBCXX_REGEX_STATE_LIMIT.
const reStateLimit = 100000

type reOpcode uint8

const (
	reDummy reOpcode = iota
	reRepeat
	reSubBegin
	reSubEnd
	reLineBegin
	reLineEnd
	reMatch
	reAccept
	reAlt
)

type reState struct {
	op   reOpcode
	next int32 // -1: none
	alt  int32 // for reRepeat and reAlt: the branch tried first
	sub  int32 // group index for reSubBegin/reSubEnd
	set  *byteSet
}

func (s *reState) hasAlt() bool { return s.op == reRepeat || s.op == reAlt }

// byteSet is the set of bytes a matcher state accepts.
type byteSet [4]uint64

func (b *byteSet) add(c byte)      { b[c>>6] |= 1 << (c & 63) }
func (b *byteSet) has(c byte) bool { return b[c>>6]&(1<<(c&63)) != 0 }
func (b *byteSet) invert()         { b[0], b[1], b[2], b[3] = ^b[0], ^b[1], ^b[2], ^b[3] }
func (b *byteSet) union(o *byteSet) {
	b[0], b[1], b[2], b[3] = b[0]|o[0], b[1]|o[1], b[2]|o[2], b[3]|o[3]
}
func (b *byteSet) addIf(f func(c byte) bool) {
	for c := 0; c < 256; c++ {
		if f(byte(c)) {
			b.add(byte(c))
		}
	}
}

// regexProg is a compiled regular expression.
type regexProg struct {
	states []reState
	nsub   int // capture groups, counting the whole match as group 0
}

// regexError is a rejected pattern; space is the state-limit case.
type regexError struct{ space bool }

// Scanner tokens (libstdc++'s _ScannerBase::_TokenT, the ones ERE uses).
type reToken uint8

const (
	tokEOF reToken = iota
	tokOrdChar
	tokSubBegin
	tokSubEnd
	tokBracketBegin
	tokBracketNegBegin
	tokBracketEnd
	tokBracketDash
	tokIntervalBegin
	tokIntervalEnd
	tokDupCount
	tokComma
	tokLineBegin
	tokLineEnd
	tokAnyChar
	tokClosure0
	tokClosure1
	tokOpt
	tokOr
	tokCollSymbol
	tokClassName
	tokEquivName
)

const (
	scanNormal = iota
	scanBracket
	scanBrace
)

// reSpecial are the characters with a meaning in extended syntax; only
// these may be escaped.
const reSpecial = ".[\\()*+?{|^$"

func isReSpecial(c byte) bool {
	for i := 0; i < len(reSpecial); i++ {
		if reSpecial[i] == c {
			return true
		}
	}
	return false
}

type reScanner struct {
	src          string
	i            int
	state        int
	atBracketBeg bool
	tok          reToken
	val          string
}

// advance scans the next token, eagerly as libstdc++ does, so that a
// malformed token is reported when the one before it is consumed.
func (s *reScanner) advance() {
	if s.i == len(s.src) {
		s.tok = tokEOF
		return
	}
	switch s.state {
	case scanBracket:
		s.scanBracket()
	case scanBrace:
		s.scanBrace()
	default:
		s.scanNormal()
	}
}

func (s *reScanner) scanNormal() {
	c := s.src[s.i]
	s.i++
	if c != 0 && !isReSpecial(c) {
		s.tok, s.val = tokOrdChar, s.src[s.i-1:s.i]
		return
	}
	switch c {
	case '\\':
		if s.i == len(s.src) {
			panic(regexError{})
		}
		// Escaping an ordinary character is undefined in POSIX, and
		// Nix's libstdc++ (built in strict ISO mode) rejects it.
		c2 := s.src[s.i]
		if c2 == 0 || !isReSpecial(c2) {
			panic(regexError{})
		}
		s.i++
		s.tok, s.val = tokOrdChar, s.src[s.i-1:s.i]
	case '(':
		s.tok = tokSubBegin
	case ')':
		s.tok = tokSubEnd
	case '[':
		s.state = scanBracket
		s.atBracketBeg = true
		if s.i < len(s.src) && s.src[s.i] == '^' {
			s.tok = tokBracketNegBegin
			s.i++
		} else {
			s.tok = tokBracketBegin
		}
	case '{':
		s.state = scanBrace
		s.tok = tokIntervalBegin
	case 0:
		panic(regexError{})
	case '^':
		s.tok = tokLineBegin
	case '$':
		s.tok = tokLineEnd
	case '.':
		s.tok = tokAnyChar
	case '*':
		s.tok = tokClosure0
	case '+':
		s.tok = tokClosure1
	case '?':
		s.tok = tokOpt
	case '|':
		s.tok = tokOr
	}
}

func (s *reScanner) scanBracket() {
	c := s.src[s.i]
	s.i++
	switch {
	case c == '-':
		s.tok = tokBracketDash
	case c == '[':
		if s.i == len(s.src) {
			panic(regexError{})
		}
		switch s.src[s.i] {
		case '.':
			s.tok = tokCollSymbol
			s.eatClass('.')
		case ':':
			s.tok = tokClassName
			s.eatClass(':')
		case '=':
			s.tok = tokEquivName
			s.eatClass('=')
		default:
			s.tok, s.val = tokOrdChar, "["
		}
	case c == ']' && !s.atBracketBeg:
		s.tok = tokBracketEnd
		s.state = scanNormal
	default:
		s.tok, s.val = tokOrdChar, s.src[s.i-1:s.i]
	}
	s.atBracketBeg = false
}

// eatClass reads the name in "[:name:]" (or [.x.], [=x=]) after "[:".
func (s *reScanner) eatClass(delim byte) {
	s.i++
	start := s.i
	for s.i < len(s.src) && s.src[s.i] != delim {
		s.i++
	}
	s.val = s.src[start:s.i]
	if s.i+1 >= len(s.src) || s.src[s.i+1] != ']' {
		panic(regexError{})
	}
	s.i += 2
}

func (s *reScanner) scanBrace() {
	c := s.src[s.i]
	s.i++
	switch {
	case c >= '0' && c <= '9':
		start := s.i - 1
		for s.i < len(s.src) && s.src[s.i] >= '0' && s.src[s.i] <= '9' {
			s.i++
		}
		s.tok, s.val = tokDupCount, s.src[start:s.i]
	case c == ',':
		s.tok = tokComma
	case c == '}':
		s.state = scanNormal
		s.tok = tokIntervalEnd
	default:
		panic(regexError{})
	}
}

// reSeq is a fragment of the automaton: its entry and exit states.
type reSeq struct{ start, end int32 }

type reCompiler struct {
	sc     reScanner
	prog   *regexProg
	stack  []reSeq
	val    string // value of the last matched token
	parens []int32
}

func (c *reCompiler) insert(st reState) int32 {
	c.prog.states = append(c.prog.states, st)
	if len(c.prog.states) > reStateLimit {
		panic(regexError{space: true})
	}
	return int32(len(c.prog.states) - 1)
}

func (c *reCompiler) insertOp(op reOpcode) int32 { return c.insert(reState{op: op, next: -1, alt: -1}) }

func (c *reCompiler) subBegin() int32 {
	id := int32(c.prog.nsub)
	c.prog.nsub++
	c.parens = append(c.parens, id)
	return c.insert(reState{op: reSubBegin, next: -1, alt: -1, sub: id})
}

func (c *reCompiler) subEnd() int32 {
	id := c.parens[len(c.parens)-1]
	c.parens = c.parens[:len(c.parens)-1]
	return c.insert(reState{op: reSubEnd, next: -1, alt: -1, sub: id})
}

func (c *reCompiler) repeat(next, alt int32) int32 {
	return c.insert(reState{op: reRepeat, next: next, alt: alt})
}

func (c *reCompiler) appendState(s *reSeq, id int32) {
	c.prog.states[s.end].next = id
	s.end = id
}

func (c *reCompiler) appendSeq(s *reSeq, o reSeq) {
	c.prog.states[s.end].next = o.start
	s.end = o.end
}

func (c *reCompiler) push(s reSeq) { c.stack = append(c.stack, s) }

func (c *reCompiler) pop() reSeq {
	s := c.stack[len(c.stack)-1]
	c.stack = c.stack[:len(c.stack)-1]
	return s
}

func (c *reCompiler) single(id int32) reSeq { return reSeq{id, id} }

func (c *reCompiler) accept(t reToken) bool {
	if c.sc.tok != t {
		return false
	}
	c.val = c.sc.val
	c.sc.advance()
	return true
}

// clone copies the states of a fragment, in libstdc++'s order, so that
// bounded repetitions count states as it does.
func (c *reCompiler) clone(s reSeq) reSeq {
	m := map[int32]int32{}
	var order []int32
	stack := []int32{s.start}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		dup := c.prog.states[u]
		m[u] = c.insert(dup)
		order = append(order, u)
		if dup.hasAlt() && dup.alt != -1 {
			if _, ok := m[dup.alt]; !ok {
				stack = append(stack, dup.alt)
			}
		}
		if u == s.end {
			continue
		}
		if dup.next != -1 {
			if _, ok := m[dup.next]; !ok {
				stack = append(stack, dup.next)
			}
		}
	}
	for _, u := range order {
		ref := &c.prog.states[m[u]]
		if ref.next != -1 {
			if v, ok := m[ref.next]; ok {
				ref.next = v
			}
		}
		if ref.hasAlt() && ref.alt != -1 {
			if v, ok := m[ref.alt]; ok {
				ref.alt = v
			}
		}
	}
	return reSeq{m[s.start], m[s.end]}
}

// compileRegex compiles an extended POSIX regular expression as Nix's
// std::regex(re, std::regex::extended) does.
func compileRegex(re string) (prog *regexProg, rerr *regexError) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(regexError)
			if !ok {
				panic(r)
			}
			prog, rerr = nil, &e
		}
	}()
	c := &reCompiler{sc: reScanner{src: re}, prog: &regexProg{}}
	c.sc.advance()
	r := c.single(0)
	c.appendState(&r, c.subBegin())
	c.disjunction()
	if !c.accept(tokEOF) {
		panic(regexError{})
	}
	c.appendSeq(&r, c.pop())
	c.appendState(&r, c.subEnd())
	c.appendState(&r, c.insertOp(reAccept))
	c.eliminateDummies()
	return c.prog, nil
}

func (c *reCompiler) eliminateDummies() {
	st := c.prog.states
	for i := range st {
		for st[i].next >= 0 && st[st[i].next].op == reDummy {
			st[i].next = st[st[i].next].next
		}
		if st[i].hasAlt() {
			for st[i].alt >= 0 && st[st[i].alt].op == reDummy {
				st[i].alt = st[st[i].alt].next
			}
		}
	}
}

func (c *reCompiler) disjunction() {
	c.alternative()
	for c.accept(tokOr) {
		alt1 := c.pop()
		c.alternative()
		alt2 := c.pop()
		end := c.insertOp(reDummy)
		c.appendState(&alt1, end)
		c.appendState(&alt2, end)
		// The left alternative is the one tried first.
		c.push(reSeq{c.insert(reState{op: reAlt, next: alt2.start, alt: alt1.start}), end})
	}
}

func (c *reCompiler) alternative() {
	if c.term() {
		re := c.pop()
		c.alternative()
		c.appendSeq(&re, c.pop())
		c.push(re)
	} else {
		c.push(c.single(c.insertOp(reDummy)))
	}
}

func (c *reCompiler) term() bool {
	switch {
	case c.accept(tokLineBegin):
		c.push(c.single(c.insertOp(reLineBegin)))
		return true
	case c.accept(tokLineEnd):
		c.push(c.single(c.insertOp(reLineEnd)))
		return true
	}
	if !c.atom() {
		return false
	}
	for c.quantifier() {
	}
	return true
}

func (c *reCompiler) quantifier() bool {
	switch {
	case c.accept(tokClosure0):
		e := c.pop()
		r := c.single(c.repeat(-1, e.start))
		c.appendSeq(&e, r)
		c.push(r)
	case c.accept(tokClosure1):
		e := c.pop()
		c.appendState(&e, c.repeat(-1, e.start))
		c.push(e)
	case c.accept(tokOpt):
		e := c.pop()
		end := c.insertOp(reDummy)
		r := c.single(c.repeat(-1, e.start))
		c.appendState(&e, end)
		c.appendState(&r, end)
		c.push(r)
	case c.accept(tokIntervalBegin):
		if !c.accept(tokDupCount) {
			panic(regexError{})
		}
		r := c.pop()
		e := c.single(c.insertOp(reDummy))
		minRep := dupCount(c.val)
		infinite := false
		n := 0
		if c.accept(tokComma) {
			if c.accept(tokDupCount) {
				n = dupCount(c.val) - minRep
			} else {
				infinite = true
			}
		}
		if !c.accept(tokIntervalEnd) {
			panic(regexError{})
		}
		for i := 0; i < minRep; i++ {
			c.appendSeq(&e, c.clone(r))
		}
		if infinite {
			tmp := c.clone(r)
			s := c.single(c.repeat(-1, tmp.start))
			c.appendSeq(&tmp, s)
			c.appendSeq(&e, s)
		} else {
			if n < 0 {
				panic(regexError{})
			}
			end := c.insertOp(reDummy)
			var alts []int32
			for i := 0; i < n; i++ {
				tmp := c.clone(r)
				// "Match more" is the branch tried first.
				alt := c.repeat(end, tmp.start)
				alts = append(alts, alt)
				c.appendSeq(&e, reSeq{alt, tmp.end})
			}
			c.appendState(&e, end)
		}
		c.push(e)
	default:
		return false
	}
	return true
}

// dupCount reads a repetition count, saturating where libstdc++ would run
// out of states anyway.
func dupCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
		if n > 10*reStateLimit {
			n = 10 * reStateLimit
		}
	}
	return n
}

func (c *reCompiler) matcher(set *byteSet) {
	c.push(c.single(c.insert(reState{op: reMatch, next: -1, alt: -1, set: set})))
}

func (c *reCompiler) atom() bool {
	switch {
	case c.accept(tokAnyChar):
		var set byteSet
		set.invert()
		set[0] &^= 1 // everything but NUL
		c.matcher(&set)
	case c.accept(tokOrdChar):
		var set byteSet
		set.add(c.val[0])
		c.matcher(&set)
	case c.accept(tokSubBegin):
		r := c.single(c.subBegin())
		c.disjunction()
		if !c.accept(tokSubEnd) {
			panic(regexError{})
		}
		c.appendSeq(&r, c.pop())
		c.appendState(&r, c.subEnd())
		c.push(r)
	case c.accept(tokBracketNegBegin):
		c.bracket(true)
	case c.accept(tokBracketBegin):
		c.bracket(false)
	default:
		return false
	}
	return true
}

// bracketLast is what the bracket parser holds back: a character that
// may start a range, or a class (which may not).
type bracketLast struct {
	kind int // 0 none, 1 char, 2 class
	c    byte
}

func (c *reCompiler) bracket(neg bool) {
	var set byteSet
	var last bracketLast
	if c.accept(tokOrdChar) {
		last = bracketLast{1, c.val[0]}
	} else if c.accept(tokBracketDash) {
		last = bracketLast{1, '-'}
	}
	for c.bracketTerm(&last, &set) {
	}
	if last.kind == 1 {
		set.add(last.c)
	}
	if neg {
		set.invert()
	}
	c.matcher(&set)
}

func (c *reCompiler) bracketTerm(last *bracketLast, set *byteSet) bool {
	if c.accept(tokBracketEnd) {
		return false
	}
	pushChar := func(ch byte) {
		if last.kind == 1 {
			set.add(last.c)
		}
		*last = bracketLast{1, ch}
	}
	pushClass := func() {
		if last.kind == 1 {
			set.add(last.c)
		}
		*last = bracketLast{kind: 2}
	}
	switch {
	case c.accept(tokCollSymbol):
		ch, ok := collatingElement(c.val)
		if !ok {
			panic(regexError{})
		}
		set.add(ch)
		pushChar(ch)
	case c.accept(tokEquivName):
		pushClass()
		ch, ok := collatingElement(c.val)
		if !ok {
			panic(regexError{})
		}
		// The C locale's primary key of a character is its lower case.
		low := asciiLower(ch)
		set.addIf(func(x byte) bool { return asciiLower(x) == low })
	case c.accept(tokClassName):
		pushClass()
		cls, ok := charClass(c.val)
		if !ok {
			panic(regexError{})
		}
		set.union(cls)
	case c.accept(tokOrdChar):
		pushChar(c.val[0])
	case c.accept(tokBracketDash):
		switch {
		case c.accept(tokBracketEnd):
			pushChar('-')
			return false
		case last.kind == 2:
			panic(regexError{})
		case last.kind == 1:
			var hi byte
			if c.accept(tokOrdChar) {
				hi = c.val[0]
			} else if c.accept(tokBracketDash) {
				hi = '-'
			} else {
				panic(regexError{})
			}
			// char is signed in libstdc++ on x86-64: bytes from 0x80
			// sort before ASCII.
			lo := int8(last.c)
			if lo > int8(hi) {
				panic(regexError{})
			}
			set.addIf(func(x byte) bool { return int8(x) >= lo && int8(x) <= int8(hi) })
			*last = bracketLast{}
		default:
			panic(regexError{})
		}
	default:
		panic(regexError{})
	}
	return true
}

func asciiLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// collatingNames are the names regex_traits::lookup_collatename knows, by
// character code.
var collatingNames = [128]string{
	"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "alert", "backspace", "tab", "newline",
	"vertical-tab", "form-feed", "carriage-return", "SO", "SI", "DLE", "DC1", "DC2", "DC3",
	"DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "IS4", "IS3", "IS2", "IS1", "space",
	"exclamation-mark", "quotation-mark", "number-sign", "dollar-sign", "percent-sign",
	"ampersand", "apostrophe", "left-parenthesis", "right-parenthesis", "asterisk",
	"plus-sign", "comma", "hyphen", "period", "slash", "zero", "one", "two", "three", "four",
	"five", "six", "seven", "eight", "nine", "colon", "semicolon", "less-than-sign",
	"equals-sign", "greater-than-sign", "question-mark", "commercial-at",
	"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R",
	"S", "T", "U", "V", "W", "X", "Y", "Z", "left-square-bracket", "backslash",
	"right-square-bracket", "circumflex", "underscore", "grave-accent",
	"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r",
	"s", "t", "u", "v", "w", "x", "y", "z", "left-curly-bracket", "vertical-line",
	"right-curly-bracket", "tilde", "DEL",
}

func collatingElement(name string) (byte, bool) {
	for i, n := range collatingNames {
		if n == name {
			return byte(i), true
		}
	}
	return 0, false
}

// charClass returns the bytes of a [:name:] class in the C locale.
func charClass(name string) (*byteSet, bool) {
	low := make([]byte, len(name))
	for i := 0; i < len(name); i++ {
		low[i] = asciiLower(name[i])
	}
	var f func(c byte) bool
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	isUpper := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	isLower := func(c byte) bool { return c >= 'a' && c <= 'z' }
	isAlpha := func(c byte) bool { return isUpper(c) || isLower(c) }
	isSpace := func(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }
	isPunct := func(c byte) bool { return c > ' ' && c < 0x7f && !isAlpha(c) && !isDigit(c) }
	switch string(low) {
	case "d", "digit":
		f = isDigit
	case "w":
		f = func(c byte) bool { return isAlpha(c) || isDigit(c) || c == '_' }
	case "s", "space":
		f = isSpace
	case "alnum":
		f = func(c byte) bool { return isAlpha(c) || isDigit(c) }
	case "alpha":
		f = isAlpha
	case "blank":
		f = func(c byte) bool { return c == ' ' || c == '\t' }
	case "cntrl":
		f = func(c byte) bool { return c < ' ' || c == 0x7f }
	case "graph":
		f = func(c byte) bool { return c > ' ' && c < 0x7f }
	case "lower":
		f = isLower
	case "print":
		f = func(c byte) bool { return c >= ' ' && c < 0x7f }
	case "punct":
		f = isPunct
	case "upper":
		f = isUpper
	case "xdigit":
		f = func(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
	default:
		return nil, false
	}
	var set byteSet
	set.addIf(f)
	return &set, true
}
