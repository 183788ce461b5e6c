package eval

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cairn-nix/cairn/syntax"
)

// ErrorKind classifies evaluation errors as Nix does. Only Assertion and
// Thrown errors can be caught by builtins.tryEval.
type ErrorKind uint8

const (
	EvalErr ErrorKind = iota
	TypeErr
	AssertionErr
	ThrownErr
	AbortErr
	UndefinedVarErr
	MissingArgErr
	InfiniteRecursionErr
	StackOverflowErr
	ParseErr
	IOErr
	// UsageErr is Nix's UsageError (a bad option value, such as an
	// unknown hash algorithm): the command adds "Try '<cmd> --help'".
	UsageErr
	// HashMismatchErr is a download whose hash is not the one given;
	// Nix exits with status 102 for it.
	HashMismatchErr
)

// Trace is one "… while …" frame of an error.
type Trace struct {
	Pos syntax.Pos
	Msg string
	// Always frames are printed even past the truncation limit
	// (builtins.addErrorContext).
	Always bool
}

// Error is an evaluation error: a message, where it happened, and the
// frames added while it propagated (innermost first).
type Error struct {
	Kind        ErrorKind
	Msg         string
	Pos         syntax.Pos
	Traces      []Trace
	Suggestions []string
	fs          *syntax.FileSet
}

func (e *Error) Error() string {
	if e.Pos.IsValid() && e.fs != nil {
		return fmt.Sprintf("%s at %s", e.Msg, e.fs.Position(e.Pos))
	}
	return e.Msg
}

// Catchable reports whether builtins.tryEval catches e.
func (e *Error) Catchable() bool { return e.Kind == AssertionErr || e.Kind == ThrownErr }

// AddTrace adds an outer frame and returns e.
func (e *Error) AddTrace(pos syntax.Pos, msg string) *Error {
	e.Traces = append(e.Traces, Trace{Pos: pos, Msg: msg})
	return e
}

// AddTracef adds an outer frame with a formatted message.
func (e *Error) AddTracef(pos syntax.Pos, format string, args ...any) *Error {
	return e.AddTrace(pos, fmt.Sprintf(format, args...))
}

// AtPos sets the error's position if it has none.
func (e *Error) AtPos(pos syntax.Pos) *Error {
	if !e.Pos.IsValid() {
		e.Pos = pos
	}
	return e
}

// clone copies an error so that a cached failure is not modified by the
// frames added on later propagations.
func (e *Error) clone() *Error {
	c := *e
	c.Traces = append([]Trace(nil), e.Traces...)
	return &c
}

// Errorf makes an error of the given kind at pos.
func (ev *Evaluator) Errorf(kind ErrorKind, pos syntax.Pos, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Kind: kind, Msg: msg, Pos: pos, fs: ev.fs}
}

// Render lays out e as Nix prints it on stderr, without the final
// newline. Without showTrace, only the first few frames are printed.
func (e *Error) Render(showTrace bool) string {
	var b strings.Builder
	fs := e.fs
	pos := func(p syntax.Pos) syntax.Position {
		if fs == nil {
			return syntax.Position{}
		}
		return fs.Position(p)
	}
	if len(e.Traces) > 0 {
		count := 0
		truncate := false
		type key struct {
			pos syntax.Pos
			msg string
		}
		seen := map[key]bool{}
		var skipped []Trace
		flushSkipped := func() {
			if len(skipped) == 0 {
				return
			}
			if len(skipped) <= 5 {
				for _, t := range skipped {
					printTrace(&b, t, pos(t.Pos), &count)
				}
			} else {
				// Nix means to forget the frames seen here, but clears a
				// copy of its set; keep them, as its output does.
				fmt.Fprintf(&b, "\n(%d duplicate frames omitted)\n", len(skipped))
			}
			skipped = skipped[:0]
		}
		for i := len(e.Traces) - 1; i >= 0; i-- {
			t := e.Traces[i]
			if t.Msg == "" {
				continue
			}
			if !showTrace && count > 3 {
				truncate = true
			}
			if truncate && !t.Always {
				continue
			}
			k := key{t.Pos, t.Msg}
			if seen[k] {
				skipped = append(skipped, t)
				continue
			}
			seen[k] = true
			flushSkipped()
			count++
			printTrace(&b, t, pos(t.Pos), &count)
		}
		flushSkipped()
		if truncate {
			b.WriteString("\n(stack trace truncated; use '--show-trace' to show the full, detailed trace)\n")
		}
		b.WriteString("\nerror: ")
	}
	b.WriteString(e.Msg)
	b.WriteString("\n")
	syntax.WriteAt(&b, "", pos(e.Pos))
	if len(e.Suggestions) > 0 {
		b.WriteString("Did you mean " + joinSuggestions(e.Suggestions) + "?\n")
	}
	return FilterTerminal(syntax.IndentMessage("error: ", b.String()))
}

// FilterTerminal is what Nix's logger does to a message before printing
// it to a non-terminal: escape sequences, CR and BEL removed, and tabs
// expanded to the next multiple of 8 columns, columns being counted from
// the start of the whole message (newlines do not reset the count).
func FilterTerminal(s string) string {
	if !strings.ContainsAny(s, "\t\r\a\x1b") {
		return s
	}
	var b strings.Builder
	w := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1b:
			i = skipEscape(s, i)
		case c == '\t':
			for {
				w++
				b.WriteByte(' ')
				if w%8 == 0 {
					break
				}
			}
			i++
		case c == '\r' || c == '\a':
			i++
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || n > 1 {
				w += runeWidth(r)
			} else {
				w++
			}
			b.WriteString(s[i : i+n])
			i += n
		}
	}
	return b.String()
}

// skipEscape returns the index after the escape sequence at s[i].
func skipEscape(s string, i int) int {
	i++
	switch {
	case i < len(s) && s[i] == '[':
		i++
		for i < len(s) && s[i] >= 0x30 && s[i] <= 0x3f {
			i++
		}
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
			i++
		}
	case i < len(s) && s[i] == ']':
		i++
		for i < len(s) && s[i] != 0x1b && s[i] != '\a' {
			i++
		}
		if i < len(s) {
			v := s[i]
			i++
			if v == 0x1b && i < len(s) && s[i] == '\\' {
				i++
			}
		}
	case i < len(s) && s[i] >= 0x40 && s[i] <= 0x5f:
		i++
	}
	return i
}

// runeWidth approximates the terminal width of a character: 0 for
// control and combining characters, 2 for wide East Asian ones.
func runeWidth(r rune) int {
	switch {
	case r < 0x20 || r >= 0x7f && r < 0xa0:
		return 0
	case r < 0xa0:
		return 1
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r),
		unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) || unicode.Is(unicode.Co, r),
		r >= 0x1160 && r <= 0x11ff: // Hangul vowels and finals join the syllable
		return 0
	case r < 0x300:
		return 1
	case r >= 0x1100 && r <= 0x115f, r >= 0x2e80 && r <= 0xa4cf && r != 0x303f, r >= 0xac00 && r <= 0xd7a3,
		r >= 0xf900 && r <= 0xfaff, r >= 0xfe30 && r <= 0xfe4f, r >= 0xff00 && r <= 0xff60, r >= 0xffe0 && r <= 0xffe6,
		r >= 0x1f300 && r <= 0x1f64f, r >= 0x1f900 && r <= 0x1f9ff, r >= 0x20000 && r <= 0x3fffd,
		r == 0x1f004, r == 0x1f0cf, r == 0x1f18e, r >= 0x1f191 && r <= 0x1f19a, r >= 0x1f200 && r <= 0x1f265,
		r >= 0x1f680 && r <= 0x1f6ff, r >= 0x1f7e0 && r <= 0x1f7eb, r >= 0x1fa70 && r <= 0x1faff:
		return 2
	case r < 0x2000 || r > 0x2bff:
		return 1
	}
	// Symbols that Unicode 9 made emoji, and so wide.
	for _, e := range emojiWidened {
		if r >= e[0] && r <= e[1] {
			return 2
		}
	}
	return 1
}

// emojiWidened are the emoji-presentation ranges between U+2000 and
// U+2BFF, which terminals show two columns wide.
var emojiWidened = [][2]rune{
	{0x231a, 0x231b}, {0x23e9, 0x23ec}, {0x23f0, 0x23f0}, {0x23f3, 0x23f3}, {0x25fd, 0x25fe},
	{0x2614, 0x2615}, {0x2648, 0x2653}, {0x267f, 0x267f}, {0x2693, 0x2693}, {0x26a1, 0x26a1},
	{0x26aa, 0x26ab}, {0x26bd, 0x26be}, {0x26c4, 0x26c5}, {0x26ce, 0x26ce}, {0x26d4, 0x26d4},
	{0x26ea, 0x26ea}, {0x26f2, 0x26f3}, {0x26f5, 0x26f5}, {0x26fa, 0x26fa}, {0x26fd, 0x26fd},
	{0x2705, 0x2705}, {0x270a, 0x270b}, {0x2728, 0x2728}, {0x274c, 0x274c}, {0x274e, 0x274e},
	{0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797}, {0x27b0, 0x27b0}, {0x27bf, 0x27bf},
	{0x2b1b, 0x2b1c}, {0x2b50, 0x2b50}, {0x2b55, 0x2b55},
}

func printTrace(b *strings.Builder, t Trace, p syntax.Position, count *int) {
	b.WriteString("\n… " + t.Msg + "\n")
	if syntax.WriteAt(b, "  ", p) {
		*count++
	}
}

func joinSuggestions(s []string) string {
	switch len(s) {
	case 1:
		return s[0]
	}
	return "one of " + strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
