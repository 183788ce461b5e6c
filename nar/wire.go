package nar

import (
	"fmt"
	"strings"
)

// magic opens every NAR.
const magic = "nix-archive-1"

// Limits Nix's parser applies; Writer enforces them too, so whatever it
// writes can be read back.
const (
	// MaxDepth is the deepest nesting of nodes: the root is at depth 0
	// and a node at depth MaxDepth is refused.
	MaxDepth = 64
	// MaxNameLen is the longest directory entry name.
	MaxNameLen = 255
	// MaxTargetLen is the longest symlink target.
	MaxTargetLen = 4095
	// maxTagLen bounds the keywords ("(", "type", "regular", ...): they are
	// all short, and the bound keeps garbage from causing big reads.
	maxTagLen = 32
)

// Type is the kind of a node.
type Type uint8

const (
	TypeRegular Type = iota + 1
	TypeDirectory
	TypeSymlink
)

// String gives the keyword used in the NAR and in listings.
func (t Type) String() string {
	switch t {
	case TypeRegular:
		return "regular"
	case TypeDirectory:
		return "directory"
	case TypeSymlink:
		return "symlink"
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// Header describes one node. Paths are "/" for the root and "/a/b" for
// nodes below it, whatever the host's separator.
type Header struct {
	Path       string
	Type       Type
	Executable bool   // regular files only
	Size       int64  // regular files only: length of the contents
	LinkTarget string // symlinks only
	// Offset is where a regular file's contents start in the NAR (Reader
	// only), as in Nix's listings' "narOffset".
	Offset int64
}

// checkName reports what is wrong with a directory entry name, or "".
func checkName(name string) string {
	switch {
	case name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00"):
		return "NAR contains invalid file name " + quote(name)
	case len(name) > MaxNameLen:
		return fmt.Sprintf("file name %s is too long (%d bytes, at most %d)", quote(name[:32]+"..."), len(name), MaxNameLen)
	}
	return ""
}

// checkTarget reports what is wrong with a symlink target, or "".
func checkTarget(target string) string {
	switch {
	case target == "" || strings.IndexByte(target, 0) >= 0:
		return "NAR contains invalid symlink target " + quote(target)
	case len(target) > MaxTargetLen:
		return fmt.Sprintf("symlink target is too long (%d bytes, at most %d)", len(target), MaxTargetLen)
	}
	return ""
}

// quote puts s in single quotes, escaping bytes that do not print, so
// that names from hostile archives cannot garble messages.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "\\x%02x", c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// padLen is the number of zero bytes after a string of length n.
func padLen(n uint64) int {
	return int((8 - n%8) % 8)
}
