package syntax

import (
	"fmt"
	"strings"
)

// Error is a parse error: a message at a position. Its Error method gives
// the plain "msg at pos" form; Render gives Nix's layout with a code frame.
type Error struct {
	Pos Position
	Msg string
}

func (e *Error) Error() string {
	if e.Pos.IsValid() {
		return fmt.Sprintf("%s at %s", e.Msg, e.Pos)
	}
	return e.Msg
}

// Render formats e as Nix prints an error on stderr (without the final
// newline): "error: MSG", then "at POS:" and the code frame.
func (e *Error) Render() string {
	var b strings.Builder
	b.WriteString(e.Msg)
	b.WriteString("\n")
	WriteAt(&b, "", e.Pos)
	return IndentMessage("error: ", b.String())
}

// WriteAt writes Nix's "at POS:" line and code frame for pos, if known.
// It reports whether anything was written.
func WriteAt(b *strings.Builder, indent string, pos Position) bool {
	if !pos.IsValid() {
		return false
	}
	fmt.Fprintf(b, "%sat %s:", indent, pos)
	if writeCodeLines(b, pos) {
		b.WriteString("\n")
	}
	return true
}

// writeCodeLines writes the line before, the line of, and the line after
// pos, with a caret under the column, each line starting with "\n".
func writeCodeLines(b *strings.Builder, pos Position) bool {
	f := pos.File
	if f == nil || pos.Line == 0 || len(f.Src) == 0 { // an empty text has no lines to show
		return false
	}
	cur, ok := f.Line(pos.Line)
	if !ok {
		return false
	}
	if prev, ok := f.Line(pos.Line - 1); ok && pos.Line > 1 {
		fmt.Fprintf(b, "\n %5d| %s", pos.Line-1, prev)
	}
	fmt.Fprintf(b, "\n %5d| %s", pos.Line, cur)
	if pos.Column > 0 {
		fmt.Fprintf(b, "\n      |%s^", strings.Repeat(" ", pos.Column))
	}
	if next, ok := f.Line(pos.Line + 1); ok {
		fmt.Fprintf(b, "\n %5d| %s", pos.Line+1, next)
	}
	return true
}

// IndentMessage prefixes the first line of s with prefix and the others
// with as many spaces, dropping trailing whitespace from every line, the way
// Nix lays out a diagnostic.
func IndentMessage(prefix, s string) string {
	s = strings.TrimRight(s, " \t\n\r")
	if s == "" {
		return "" // Nix prints no prefix for a blank message
	}
	pad := strings.Repeat(" ", len(prefix))
	var b strings.Builder
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteString("\n")
			b.WriteString(strings.TrimRight(pad+line, " \t\n\r"))
		} else {
			b.WriteString(strings.TrimRight(prefix+line, " \t\n\r"))
		}
	}
	return b.String()
}
