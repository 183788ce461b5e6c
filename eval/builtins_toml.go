package eval

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cairn-nix/cairn/syntax"
)

// builtins.fromTOML: TOML 1.0 as Nix reads it with toml11 4 (parser in
// builtins_toml_parse.go and builtins_toml_doc.go). Dates and times are
// an error unless the parse-toml-timestamps feature is on; then they
// become { _type = "timestamp"; value = "..."; } in the normalised form
// Nix gives them.

func init() {
	Register(&PrimOp{Name: "fromTOML", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		s, err := ev.forceStringNoCtx(args[0], pos, "while evaluating the argument passed to builtins.fromTOML")
		if err != nil {
			return nil, err
		}
		root, msg := parseTOML(s)
		if msg == "" {
			var v Value
			v, msg = tomlToNix(root, ev.Settings.Features["parse-toml-timestamps"])
			if msg == "" {
				return v, nil
			}
		}
		// Nix colours the message as an argument; the colour reset after
		// its final newline keeps an indented empty line in the output.
		return nil, ev.Errorf(EvalErr, pos, "while parsing TOML: %s\x1b[0m", msg)
	}})
}

// parseTOML parses a document; on failure it returns toml11's error
// text (every error found, each laid out with its source lines).
func parseTOML(s string) (*tomlValue, string) {
	src := []byte(s)
	if len(src) == 0 {
		return &tomlValue{kind: tkTable, tbl: map[string]*tomlValue{}}, ""
	}
	if c := src[len(src)-1]; c != '\n' && c != '\r' {
		src = append(src, '\n')
	}
	l := &tomlLoc{src: src, name: "fromTOML", line: 1, col: 1}
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		l.advance(3)
	}
	p := &tomlParser{}
	root := p.document(l)
	if len(p.errs) == 0 {
		return root, ""
	}
	var b strings.Builder
	for _, e := range p.errs {
		b.WriteString(formatTomlError(e))
	}
	return nil, b.String()
}

// tomlToNix converts a parsed document; the message is an error.
func tomlToNix(v *tomlValue, timestamps bool) (Value, string) {
	switch v.kind {
	case tkTable:
		b := NewAttrsBuilder(len(v.tbl))
		for k, e := range v.tbl {
			if err := noNullByte(k); err != nil {
				return nil, "error: " + err.msg
			}
			ev, msg := tomlToNix(e, timestamps)
			if msg != "" {
				return nil, msg
			}
			b.Set(k, ev)
		}
		return b.Build(), ""
	case tkArray:
		out := make([]Value, len(v.arr))
		for i, e := range v.arr {
			ev, msg := tomlToNix(e, timestamps)
			if msg != "" {
				return nil, msg
			}
			out[i] = ev
		}
		return NewList(out), ""
	case tkBool:
		return Bool(v.b), ""
	case tkInt:
		return Int(v.i), ""
	case tkFloat:
		return Float(v.f), ""
	case tkString:
		if err := noNullByte(v.s); err != nil {
			return nil, "error: " + err.msg
		}
		return Str(v.s), ""
	}
	if !timestamps {
		return nil, "Dates and times are not supported"
	}
	return NewAttrsBuilder(2).Set("_type", Str("timestamp")).Set("value", Str(formatTomlDateTime(v))).Build(), ""
}

// formatTomlDateTime prints a date or time as Nix does: a T between date
// and time, seconds always, and the fraction cut to 3, 6 or 9 digits by
// the finest non-zero part.
func formatTomlDateTime(v *tomlValue) string {
	d := v.dt
	var b strings.Builder
	if v.kind != tkLocalTime {
		fmt.Fprintf(&b, "%04d-%02d-%02d", d.year, d.month, d.day)
		if v.kind == tkLocalDate {
			return b.String()
		}
		b.WriteByte('T')
	}
	fmt.Fprintf(&b, "%02d:%02d:%02d", d.hour, d.minute, d.second)
	prec := 0
	switch {
	case d.ns != 0:
		prec = 9
	case d.us != 0:
		prec = 6
	case d.ms != 0:
		prec = 3
	}
	if prec > 0 {
		b.WriteString("." + fmt.Sprintf("%03d%03d%03d", d.ms, d.us, d.ns)[:prec])
	}
	if v.kind == tkOffsetDT {
		m := d.offMinutes
		switch {
		case m == 0:
			b.WriteByte('Z')
		case m < 0:
			fmt.Fprintf(&b, "-%02d:%02d", -m/60, -m%60)
		default:
			fmt.Fprintf(&b, "+%02d:%02d", m/60, m%60)
		}
	}
	return b.String()
}

// tomlSourceLoc is toml11's source_location: the lines of a region as
// shown in messages, and where in them the region starts and ends.
type tomlSourceLoc struct {
	name                 string
	firstLine, lastLine  int
	length               int
	lines                []string
	firstOffset, lastOff int
}

func newTomlSourceLoc(r tomlRegion) tomlSourceLoc {
	sl := tomlSourceLoc{name: r.name, firstLine: r.firstLine, lastLine: r.lastLine, length: r.length}
	lines, offsets := regionLines(r)
	sl.lines = lines
	sl.firstOffset = offsets[0] + 1
	sl.lastOff = offsets[len(offsets)-1] + 1
	return sl
}

// takeLine is the line around src[begin..end] (end inclusive), cut to
// 30 bytes either side with "..." marks, and where begin is in it.
func takeLine(src []byte, begin, end int) (string, int) {
	cb := 0
	if begin > 30 {
		cb = begin - 30
	}
	ce := len(src)
	if len(src)-end > 30 {
		ce = end + 30
	}
	lb := begin
	for lb > cb && src[lb-1] != '\n' {
		lb--
	}
	la := end
	for la < ce && src[la] != '\n' {
		la++
	}
	line := string(src[lb:la])
	off := begin - lb
	if lb != 0 && src[lb-1] != '\n' {
		line = "... " + line
		off += 4
	}
	if la != len(src) && src[la] != '\n' {
		line += " ..."
	}
	return line, off
}

// regionLines mirrors toml11's region::as_lines, quirks included.
func regionLines(r tomlRegion) ([]string, []int) {
	if r.length == 0 {
		return []string{""}, []int{0}
	}
	src := r.src
	begin, end := r.first, r.last-1
	if r.firstLine == r.lastLine {
		s, o := takeLine(src, begin, end)
		return []string{s}, []int{o}
	}
	capEnd, capBegin := len(src), 0
	if len(src)-begin > 60 {
		capEnd = begin + 50
	}
	if end > 60 {
		capBegin = end - 50
	}
	firstEnd := begin
	for firstEnd < capEnd && src[firstEnd] != '\n' {
		firstEnd++
	}
	lastBegin := capBegin
	for lastBegin < end && src[lastBegin] != '\n' {
		lastBegin++
	}
	fl, fo := takeLine(src, begin, firstEnd)
	ll, lo := takeLine(src, lastBegin, end)
	if r.firstLine+1 == r.lastLine {
		return []string{fl, ll}, []int{fo, lo}
	}
	return []string{fl, "...", ll}, []int{fo, 0, lo}
}

func tomlShowLine(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= ' ' && c < 0x7f {
			b.WriteByte(c)
		} else {
			b.WriteString(showChar(c))
		}
	}
	return b.String()
}

// formatTomlError lays out one error as toml11's format_error does.
func formatTomlError(e *tomlError) string {
	var b strings.Builder
	b.WriteString("[error] " + e.title + "\n")
	locs := make([]tomlSourceLoc, len(e.locs))
	lnw := 0
	for i, l := range e.locs {
		locs[i] = newTomlSourceLoc(l.reg)
		lnw = max(lnw, len(strconv.Itoa(locs[i].lastLine)))
	}
	pad := strings.Repeat(" ", lnw+1)
	line := func(n int, s string) {
		fmt.Fprintf(&b, " %*d | %s\n", lnw, n, tomlShowLine(s))
	}
	under := func(col, n int, msg string) {
		b.WriteString(pad + " | " + strings.Repeat(" ", max(col-1, 0)) + strings.Repeat("^", n) + "-- " + msg + "\n")
	}
	prevName := ""
	for i, sl := range locs {
		msg := e.locs[i].msg
		if i > 0 {
			b.WriteString(pad + " | ...\n" + pad + " |\n")
		}
		if sl.name != prevName {
			b.WriteString(" --> " + sl.name + "\n")
			if len(sl.lines) > 0 {
				b.WriteString(pad + " |\n")
			}
		}
		switch n := len(sl.lines); {
		case n == 1:
			limit := 1
			if len(sl.lines[0]) >= sl.firstOffset {
				limit = len(sl.lines[0]) - sl.firstOffset + 1
			}
			line(sl.firstLine, sl.lines[0])
			under(sl.firstOffset, min(limit, sl.length), msg)
		case n == 2:
			line(sl.firstLine, sl.lines[0])
			under(sl.firstOffset, len(sl.lines[0])-sl.firstOffset+1, "")
			line(sl.lastLine, sl.lines[1])
			under(1, sl.lastOff, msg)
		case n > 2:
			line(sl.firstLine, sl.lines[0])
			under(sl.firstOffset, len(sl.lines[0])-sl.firstOffset+1, "and")
			if n == 3 {
				line(sl.firstLine+1, sl.lines[1])
				under(1, len(sl.lines[1]), "and")
			} else {
				line(sl.firstLine+1, " ...")
				b.WriteString(pad + " |\n")
			}
			line(sl.lastLine, sl.lines[n-1])
			under(1, sl.lastOff, msg)
		}
		prevName = sl.name
	}
	b.WriteString(e.suffix)
	return b.String()
}
