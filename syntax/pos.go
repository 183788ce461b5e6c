package syntax

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Pos is a compact source position: an offset into the FileSet's space,
// where each file owns the range [base, base+size]. Zero means unknown.
type Pos int32

// NoPos is the unknown position.
const NoPos Pos = 0

// IsValid reports whether the position is known.
func (p Pos) IsValid() bool { return p != NoPos }

// OriginKind says where a file's text came from; Nix prints each kind
// differently («stdin», «string», or a path).
type OriginKind uint8

const (
	OriginPath OriginKind = iota
	OriginStdin
	OriginString
)

// File is one source text registered in a FileSet.
type File struct {
	Name string // path for OriginPath, ignored otherwise
	// Display, when set, is what errors call a path file instead of
	// its path (Nix's <nix/NAME> for its built-in files).
	Display string
	Kind    OriginKind
	Src     []byte
	base    int
	once    sync.Once
	starts  []int // byte offsets where lines begin, Nix's line breaking
}

// Base is the Pos of the file's first byte.
func (f *File) Base() int { return f.base }

// Pos turns a byte offset into a Pos.
func (f *File) Pos(offset int) Pos { return Pos(f.base + offset) }

// Offset turns a Pos inside f back into a byte offset.
func (f *File) Offset(p Pos) int { return int(p) - f.base }

// Origin is the name Nix prints before ":line:col".
func (f *File) Origin() string {
	switch f.Kind {
	case OriginStdin:
		return "«stdin»"
	case OriginString:
		return "«string»"
	}
	if f.Display != "" {
		return f.Display
	}
	return f.Name
}

// lineStarts splits like Nix's LinesIterator: "\r\n", "\r" and "\n" each
// end a line, and text ending in a break has a final empty line.
func (f *File) lineStarts() []int {
	f.once.Do(func() {
		src := f.Src
		starts := []int{0}
		for i := 0; i < len(src); i++ {
			switch src[i] {
			case '\r':
				if i+1 < len(src) && src[i+1] == '\n' {
					i++
				}
				starts = append(starts, i+1)
			case '\n':
				starts = append(starts, i+1)
			}
		}
		f.starts = starts
	})
	return f.starts
}

// Line returns the text of 1-based line n without its line break.
func (f *File) Line(n int) (string, bool) {
	starts := f.lineStarts()
	if n < 1 || n > len(starts) {
		return "", false
	}
	begin := starts[n-1]
	end := len(f.Src)
	if n < len(starts) {
		end = starts[n]
	}
	s := f.Src[begin:end]
	if i := strings.IndexAny(string(s), "\r\n"); i >= 0 {
		s = s[:i]
	}
	return string(s), true
}

// Position is a resolved, printable position.
type Position struct {
	File   *File
	Offset int
	Line   int
	Column int
}

// Pos turns the position back into a compact Pos.
func (p Position) Pos() Pos {
	if p.File == nil {
		return NoPos
	}
	return p.File.Pos(p.Offset)
}

// IsValid reports whether the position names a line.
func (p Position) IsValid() bool { return p.File != nil && p.Line > 0 }

// String prints "origin:line:col" as Nix does.
func (p Position) String() string {
	if p.File == nil {
		return "«none»"
	}
	if p.Column > 0 {
		return fmt.Sprintf("%s:%d:%d", p.File.Origin(), p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d", p.File.Origin(), p.Line)
}

// FileSet maps positions to files. It is safe for concurrent use.
type FileSet struct {
	mu    sync.RWMutex
	files []*File
	next  int
}

// NewFileSet returns an empty set; Pos 0 is reserved for NoPos.
func NewFileSet() *FileSet { return &FileSet{next: 1} }

// AddFile registers source text and returns its File.
func (s *FileSet) AddFile(name string, kind OriginKind, src []byte) *File {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &File{Name: name, Kind: kind, Src: src, base: s.next}
	s.next += len(src) + 1 // +1 so the end-of-file offset stays inside
	s.files = append(s.files, f)
	return f
}

// File finds the file holding p.
func (s *FileSet) File(p Pos) *File {
	if p == NoPos {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	i := sort.Search(len(s.files), func(i int) bool { return s.files[i].base > int(p) }) - 1
	if i < 0 {
		return nil
	}
	f := s.files[i]
	if int(p) > f.base+len(f.Src) {
		return nil
	}
	return f
}

// Position resolves p to file, line and column (both 1-based, bytes).
func (s *FileSet) Position(p Pos) Position {
	f := s.File(p)
	if f == nil {
		return Position{}
	}
	return f.position(f.Offset(p))
}

// position resolves a byte offset in f.
func (f *File) position(off int) Position {
	starts := f.lineStarts()
	i := sort.Search(len(starts), func(i int) bool { return starts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return Position{File: f, Offset: off, Line: i + 1, Column: off - starts[i] + 1}
}
