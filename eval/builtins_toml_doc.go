package eval

// The document level of the TOML reader behind builtins.fromTOML:
// arrays, inline tables, tables and arrays of tables, where each value
// may be inserted, and the recovery toml11 does after an error so that
// it can report more than one (see builtins_toml_parse.go).

const (
	datetimeHint = "Hint: valid  : 1979-05-27T07:32:00, 1979-05-27 07:32:00.999999\n" +
		"Hint: invalid: 1979-05-27T7:32:00, 1979-05-27 17:32\n"
	floatHint = "Hint: valid  : +1.0, -2e-2, 3.141_592_653_589, inf, nan\n" +
		"Hint: invalid: .0, 1., _1.0, 1.0_, 1_.0, 1.0__0\n"
	intHint = "Hint: valid  : -42, 1_000, 1_2_3_4_5, 0xC0FFEE, 0b0010, 0o755\n" +
		"Hint: invalid: _42, 1__000, 0123\n"
)

func (p *tomlParser) array(l *tomlLoc) (*tomlValue, *tomlError) {
	nerrs := len(p.errs)
	first := *l
	if l.eof() || l.cur() != '[' {
		return nil, tomlErr("toml::parse_array: The next token is not an array", regionAt(*l), "here")
	}
	l.advance(1)
	v := &tomlValue{kind: tkArray, fmt: afOneline}
	spacer(l)
	commaFound := true
	for !l.eof() {
		if l.cur() == ']' {
			break
		}
		if !commaFound {
			return nil, tomlErr("toml::parse_array: expected value-separator `,` or closing `]`", regionAt(*l), "here")
		}
		elem, err := p.value(l)
		if err != nil {
			p.report(err)
			before := l.pos
			p.skipValue(l)
			if before == l.pos {
				break
			}
			continue
		}
		spacer(l)
		commaFound = tChar(',').scan(l)
		if _, cerr := p.commentLine(l); cerr != nil {
			p.report(cerr)
		}
		if commaFound {
			spacer(l)
		}
		v.arr = append(v.arr, elem)
	}
	if l.cur() != ']' {
		return nil, tomlErr("toml::parse_array: missing closing bracket `]`", regionAt(*l), "expected `]`, reached EOF")
	}
	l.advance(1)
	if nerrs != len(p.errs) {
		// toml11 returns the last error without removing it, so it is
		// reported twice.
		return nil, p.errs[len(p.errs)-1]
	}
	v.reg = regionBetween(first, *l)
	return v, nil
}

type insertKind uint8

const (
	insertStdTable insertKind = iota
	insertArrayTable
	insertDottedKeys
)

func isArrayOfTables(v *tomlValue) bool {
	if v.kind != tkArray || len(v.arr) == 0 {
		return false
	}
	for _, e := range v.arr {
		if e.kind != tkTable {
			return false
		}
	}
	return true
}

// insert puts val at keys under table, checking that TOML allows it
// (a table is defined once; dotted keys cannot reopen tables; inline
// tables and arrays are closed).
func (p *tomlParser) insert(kind insertKind, table *tomlValue, keys []string, keyReg tomlRegion, val *tomlValue) (*tomlValue, *tomlError) {
	for i, key := range keys {
		cur := table.tbl
		if i+1 < len(keys) {
			found, ok := cur[key]
			switch {
			case !ok:
				f := tfImplicit
				if kind == insertDottedKeys {
					f = tfDotted
				}
				t := &tomlValue{kind: tkTable, fmt: f, tbl: map[string]*tomlValue{}, reg: keyReg}
				cur[key] = t
				table = t
			case found.kind == tkTable:
				if found.fmt == tfOneline {
					return nil, tomlErr("toml::insert_value: failed to insert a value: inline table is immutable",
						keyReg, "inserting this", found.reg, "to this table")
				}
				if kind == insertDottedKeys && found.fmt != tfDotted {
					return nil, tomlErr("toml::insert_value: reopening a table using dotted keys",
						keyReg, "dotted key cannot reopen a table", found.reg, "this table is already closed")
				}
				table = found
			case isArrayOfTables(found):
				if found.fmt != afArrayOfTables {
					return nil, tomlErr("toml::insert_value:inline array of tables are immutable",
						keyReg, "inserting this", found.reg, "inline array of tables")
				}
				if kind == insertDottedKeys {
					return nil, tomlErr("toml::insert_value:dotted key cannot reopen an array-of-tables",
						keyReg, "inserting this", found.reg, "to this array-of-tables.")
				}
				table = found.arr[len(found.arr)-1]
			default:
				return nil, tomlErr("toml::insert_value: failed to insert a value, value already exists",
					keyReg, "while inserting this", found.reg, "non-table value already exists")
			}
			continue
		}
		found, ok := cur[key]
		switch kind {
		case insertDottedKeys:
			if ok {
				return nil, tomlErr("toml::insert_value: failed to insert a value, value already exists",
					keyReg, "inserting this", found.reg, "but value already exists")
			}
			cur[key] = val
			return val, nil
		case insertStdTable:
			if !ok {
				cur[key] = val
				return val, nil
			}
			if found.kind != tkTable || found.fmt != tfImplicit {
				return nil, tomlErr("toml::insert_value: failed to insert a table, table already defined",
					keyReg, "inserting this", found.reg, "this table is explicitly defined")
			}
			// val is a fresh, empty table: nothing to merge.
			found.fmt = tfMultiline
			found.reg = val.reg
			return found, nil
		default:
			if !ok {
				cur[key] = &tomlValue{kind: tkArray, fmt: afArrayOfTables, arr: []*tomlValue{val}, reg: keyReg}
				return val, nil
			}
			if !isArrayOfTables(found) {
				return nil, tomlErr("toml::insert_value: failed to insert an array of tables, value already exists",
					keyReg, "while inserting this", found.reg, "non-table value already exists")
			}
			if found.fmt != afArrayOfTables {
				return nil, tomlErr("toml::insert_value: failed to insert a table, inline array of tables is immutable",
					keyReg, "while inserting this", found.reg, "this is inline array-of-tables")
			}
			found.arr = append(found.arr, val)
			return val, nil
		}
	}
	return nil, tomlErr("toml::insert_key: no keys found", keyReg, "here")
}

func (p *tomlParser) inlineTable(l *tomlLoc) (*tomlValue, *tomlError) {
	nerrs := len(p.errs)
	first := *l
	if l.eof() || l.cur() != '{' {
		return nil, tomlErr("toml::parse_inline_table: The next token is not an inline table", regionAt(*l), "here")
	}
	l.advance(1)
	t := &tomlValue{kind: tkTable, fmt: tfOneline, tbl: map[string]*tomlValue{}}
	skipWs(l)
	stillEmpty, commaFound := true, false
	for !l.eof() {
		if l.cur() == '}' {
			if commaFound {
				return nil, tomlErr("toml::parse_inline_table: trailing comma is not allowed in TOML-v1.0.0)", regionAt(*l), "here")
			}
			break
		}
		if !commaFound && !stillEmpty {
			return nil, tomlErr("toml::parse_inline_table: expected value-separator `,` or closing `}`", regionAt(*l), "here")
		}
		stillEmpty = false
		keys, keyReg, val, err := p.keyValue(l)
		if err != nil {
			p.report(err)
			for !l.eof() && l.cur() != '}' && l.cur() != '\n' {
				l.advance(1)
			}
			break
		}
		if _, err := p.insert(insertDottedKeys, t, keys, keyReg, val); err != nil {
			p.report(err)
			for !l.eof() {
				if c := l.cur(); c == ',' || c == '\n' || c == '}' {
					commaFound = c == ','
					break
				}
				l.advance(1)
			}
			continue
		}
		skipWs(l)
		commaFound = tChar(',').scan(l)
		skipWs(l)
	}
	if l.cur() != '}' {
		return nil, tomlErr("toml::parse_inline_table: missing closing bracket `}`", regionAt(*l), "expected `}`, reached line end")
	}
	l.advance(1)
	if nerrs < len(p.errs) {
		return nil, p.popLast()
	}
	t.reg = regionBetween(first, *l)
	return t, nil
}

// guessNumber decides what kind of number or date starts at first, and
// diagnoses the common malformations.
func (p *tomlParser) guessNumber(first tomlLoc) (tomlKind, *tomlError) {
	l := first
	if tsOffsetDT.scan(&l) {
		return tkOffsetDT, nil
	}
	l = first
	if tsLocalDT.scan(&l) {
		if c := l.cur(); c == '+' || c == '-' {
			return 0, syntaxErr("bad offset: must be [+-]HH:MM or Z", tsTimeOffset, l,
				"Hint: valid  : +09:00, -05:30\nHint: invalid: +9:00,  -5:30\n")
		}
		return tkLocalDT, nil
	}
	l = first
	if tsLocalDate.scan(&l) {
		if !l.eof() {
			c := l.cur()
			if c == 'T' || c == 't' {
				l.advance(1)
				return 0, syntaxErr("bad time: must be HH:MM:SS.subsec", tsLocalTime, l, datetimeHint)
			}
			if c == ' ' {
				l.advance(1)
				if !l.eof() && l.cur() >= '0' && l.cur() <= '9' {
					return 0, syntaxErr("bad time: must be HH:MM:SS.subsec", tsLocalTime, l, datetimeHint)
				}
			}
			if c >= '0' && c <= '9' {
				return 0, syntaxErr("bad datetime: missing T or space", tOneOf("Tt "), l, datetimeHint)
			}
		}
		return tkLocalDate, nil
	}
	l = first
	if tsLocalTime.scan(&l) {
		return tkLocalTime, nil
	}
	l = first
	if tsFloat.scan(&l) {
		if !l.eof() && l.cur() == '_' {
			return 0, tomlErr("bad float: `_` must be surrounded by digits", regionAt(l), "invalid underscore", floatHint)
		}
		return tkFloat, nil
	}
	l = first
	if reg, ok := scanRegion(tsInt, &l); ok {
		if !l.eof() {
			c := l.cur()
			if c == '_' {
				if s := reg.str(); reg.length <= 2 && (s == "0" || s == "-0" || s == "+0") {
					return 0, tomlErr("bad integer: leading zero is not allowed in decimal int", regionAt(l), "leading zero", intHint)
				}
				return 0, tomlErr("bad integer: `_` must be surrounded by digits", regionAt(l), "invalid underscore", intHint)
			}
			if c >= '0' && c <= '9' {
				if c == '0' {
					l.retrace()
					return 0, tomlErr("bad integer: leading zero", regionAt(l), "leading zero is not allowed", intHint)
				}
				return 0, tomlErr("bad integer: invalid digit after an integer", regionAt(l), "this digit is not allowed", intHint)
			}
			if c == ':' || c == '-' {
				return 0, tomlErr("bad datetime: invalid format", regionAt(l), "here",
					"Hint: valid  : 1979-05-27T07:32:00-07:00, 1979-05-27 07:32:00.999999Z\n"+
						"Hint: invalid: 1979-05-27T7:32:00-7:00, 1979-05-27 7:32-00:30")
			}
			if c == '.' || c == 'e' || c == 'E' {
				return 0, tomlErr("bad float: invalid format", regionAt(l), "here", floatHint)
			}
		}
		return tkInt, nil
	}
	if !l.eof() && l.cur() == '.' {
		return 0, tomlErr("bad float: integer part is required before decimal point", regionAt(l), "missing integer part", floatHint)
	}
	if !l.eof() && l.cur() == '_' {
		return 0, tomlErr("bad number: `_` must be surrounded by digits", regionAt(l), "digits required before `_`", intHint)
	}
	return 0, tomlErr("bad format: unknown value appeared", regionAt(l), "here")
}

func (p *tomlParser) guessValue(l tomlLoc) (tomlKind, *tomlError) {
	caseErr := func(what string, s tomlScanner) (tomlKind, *tomlError) {
		return 0, syntaxErr("toml::parse_value: "+what+" must be in lowercase. A string must be surrounded by quotes.", s, l, "")
	}
	switch l.cur() {
	case '"', '\'':
		return tkString, nil
	case '[':
		return tkArray, nil
	case '{':
		return tkTable, nil
	case 't', 'f':
		return tkBool, nil
	case 'T':
		return caseErr("`true`", tsBoolean)
	case 'F':
		return caseErr("`false`", tsBoolean)
	case 'i':
		if in := l; tLit("inf").scan(&in) {
			return tkFloat, nil
		}
		return caseErr("`inf`", tsFloat)
	case 'I':
		return caseErr("`inf`", tsFloat)
	case 'n':
		if in := l; tLit("nan").scan(&in) {
			return tkFloat, nil
		}
		return caseErr("`nan`", tsFloat)
	case 'N':
		return caseErr("`nan`", tsFloat)
	}
	return p.guessNumber(l)
}

func (p *tomlParser) value(l *tomlLoc) (*tomlValue, *tomlError) {
	kind, err := p.guessValue(*l)
	if err != nil {
		return nil, err
	}
	switch kind {
	case tkBool:
		return p.boolean(l)
	case tkInt:
		return p.integer(l)
	case tkFloat:
		return p.floating(l)
	case tkString:
		return p.str(l)
	case tkArray:
		return p.array(l)
	case tkTable:
		return p.inlineTable(l)
	}
	return p.datetime(l, kind)
}

// tableKey reads "[a.b]" (or "[[a.b]]" for an array of tables).
func (p *tomlParser) tableKey(l *tomlLoc, array bool) ([]string, tomlRegion, *tomlError) {
	s, title, n := tomlScanner(tsStdTable), "toml::parse_table_key: invalid table key", 1
	if array {
		s, title, n = tsArrayTable, "toml::parse_array_table_key: invalid array-of-tables key", 2
	}
	first := *l
	reg, ok := scanRegion(s, l)
	if !ok {
		return nil, reg, syntaxErr(title, s, *l, "")
	}
	*l = first
	l.advance(n)
	skipWs(l)
	keys, _, err := p.key(l)
	if err != nil {
		return nil, reg, err
	}
	skipWs(l)
	l.advance(n)
	return keys, reg, nil
}

// table reads the key/value lines of a table, up to the next header.
func (p *tomlParser) table(l *tomlLoc, t *tomlValue) *tomlError {
	nerrs := len(p.errs)
	newline := true
	for !l.eof() {
		start := *l
		_, nl := spacer(l)
		if l.eof() {
			break
		}
		if (tSeq{tsWs, tChar('[')}).scan(l) {
			*l = start
			break
		}
		newline = newline || nl
		if !newline {
			return tomlErr("toml::parse_table: newline (LF / CRLF) or EOF is expected", regionAt(*l), "here")
		}
		newline = false
		keys, keyReg, val, err := p.keyValue(l)
		if err != nil {
			p.report(err)
			p.skipKeyValue(l)
			continue
		}
		comment, cerr := p.commentLine(l)
		if cerr != nil {
			p.report(cerr)
		} else if comment {
			newline = true
		}
		if _, err := p.insert(insertDottedKeys, t, keys, keyReg, val); err != nil {
			p.report(err)
		}
	}
	if nerrs < len(p.errs) {
		return p.popLast()
	}
	return nil
}

// header handles a [table] or [[array.of.tables]] line and its body.
func (p *tomlParser) header(l *tomlLoc, root *tomlValue, keys []string, reg tomlRegion, array bool) {
	comment, err := p.commentLine(l)
	if err != nil {
		p.report(err)
		p.skipToNextTable(l)
		return
	}
	if !comment {
		skipWs(l)
		if !l.eof() && !tsNewline.scan(l) {
			p.report(syntaxErr("toml::parse_file: newline (or EOF) expected", tsNewline, *l, ""))
			p.skipToNextTable(l)
			return
		}
	}
	tab := &tomlValue{kind: tkTable, fmt: tfMultiline, tbl: map[string]*tomlValue{}, reg: reg}
	kind := insertStdTable
	if array {
		kind = insertArrayTable
	}
	target, ierr := p.insert(kind, root, keys, reg, tab)
	if ierr != nil {
		p.report(ierr)
		// The body is still checked, for its own errors.
		target = &tomlValue{kind: tkTable, tbl: map[string]*tomlValue{}}
	}
	if err := p.table(l, target); err != nil {
		p.report(err)
		p.skipToNextTable(l)
	}
}

// document parses a whole TOML text (already ending with a newline).
func (p *tomlParser) document(l *tomlLoc) *tomlValue {
	root := &tomlValue{kind: tkTable, fmt: tfMultiline, tbl: map[string]*tomlValue{}, reg: regionAt(*l)}
	first := *l
	for !l.eof() {
		comment, err := p.commentLine(l)
		if err != nil {
			p.report(err)
			p.skipCommentBlock(l)
			continue
		}
		if !comment {
			if !(tSeq{tsWs, tsNewline}).scan(l) {
				*l = first
			}
			break
		}
	}
	if err := p.table(l, root); err != nil {
		p.report(err)
		p.skipToNextTable(l)
	}
	for !l.eof() {
		spacer(l)
		if keys, reg, err := p.tableKey(l, true); err == nil {
			p.header(l, root, keys, reg, true)
			continue
		}
		if keys, reg, err := p.tableKey(l, false); err == nil {
			p.header(l, root, keys, reg, false)
			continue
		}
		keytop := *l
		if tLit("[[").scan(l) {
			*l = keytop
			p.report(syntaxErr("toml::parse_file: invalid array-table key", tsArrayTable, *l, ""))
		} else {
			*l = keytop
			p.report(syntaxErr("toml::parse_file: invalid table key", tsStdTable, *l, ""))
		}
		p.skipToNextTable(l)
	}
	return root
}

// The skip functions resynchronise after an error, as toml11 does.

func (p *tomlParser) skipCommentBlock(l *tomlLoc) {
	for !l.eof() {
		skipWs(l)
		if l.cur() == '#' {
			// toml11 loops here without advancing; skipping the
			// line instead keeps going where it would hang.
			for !l.eof() {
				if l.cur() == '\n' {
					l.advance(1)
					break
				}
				l.advance(1)
			}
		} else if !tsNewline.scan(l) {
			return
		}
	}
}

func (p *tomlParser) skipString(l *tomlLoc) {
	for _, q := range []tLit{`"""`, "'''"} {
		if q.scan(l) {
			for !l.eof() && !q.scan(l) {
				l.advance(1)
			}
			return
		}
	}
	if c := l.cur(); c == '"' || c == '\'' {
		for !l.eof() {
			l.advance(1)
			if l.cur() == c || l.cur() == '\n' {
				l.advance(1)
				return
			}
		}
	}
}

func (p *tomlParser) skipArray(l *tomlLoc) {
	l.advance(1)
	for !l.eof() {
		switch c := l.cur(); {
		case c == '"' || c == '\'':
			p.skipString(l)
		case c == '#':
			p.skipCommentBlock(l)
		case c == '{':
			p.skipInlineTable(l)
		case c == '[':
			cp := *l
			if tsStdTable.scan(l) || tsArrayTable.scan(l) {
				*l = cp
				return
			}
			p.skipArray(l)
		case c == '=':
			for l.pos != 0 {
				l.retrace()
				if l.cur() == '\n' {
					l.advance(1)
					break
				}
			}
			return
		case c == ']':
			return
		default:
			l.advance(1)
		}
	}
}

func (p *tomlParser) skipInlineTable(l *tomlLoc) {
	l.advance(1)
	for !l.eof() {
		switch c := l.cur(); {
		case c == '\n':
			return
		case c == '"' || c == '\'':
			p.skipString(l)
		case c == '#':
			p.skipCommentBlock(l)
			return
		case c == '[':
			cp := *l
			if tsStdTable.scan(l) || tsArrayTable.scan(l) {
				*l = cp
				return
			}
			p.skipArray(l)
		case c == '{':
			p.skipInlineTable(l)
		case c == '}':
			return
		default:
			l.advance(1)
		}
	}
}

func (p *tomlParser) skipValue(l *tomlLoc) {
	kind, err := p.guessValue(*l)
	if err != nil {
		kind = 255
	}
	switch kind {
	case tkString:
		p.skipString(l)
	case tkArray:
		p.skipArray(l)
	case tkTable:
		p.skipInlineTable(l)
	default:
		for !l.eof() {
			if c := l.cur(); c == '\n' || c == ',' || c == ']' || c == '}' {
				return
			}
			l.advance(1)
		}
	}
}

func (p *tomlParser) skipKeyValue(l *tomlLoc) {
	for !l.eof() {
		switch l.cur() {
		case '=':
			skipWs(l)
			p.skipValue(l)
			return
		case '\n':
			return
		}
		l.advance(1)
	}
}

func (p *tomlParser) skipToNextTable(l *tomlLoc) {
	for !l.eof() {
		if l.cur() == '\n' {
			l.advance(1)
			lineBegin := *l
			skipWs(l)
			if tsStdTable.scan(l) || tsArrayTable.scan(l) {
				*l = lineBegin
				return
			}
		}
		l.advance(1)
	}
}
