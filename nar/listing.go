package nar

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Listing describes a NAR's tree without file contents, as in the ".ls"
// files of Nix binary caches and `nix nar ls --json`. A Listing with
// Type 0 is an unexpanded entry of a shallow listing.
type Listing struct {
	Type       Type
	Entries    map[string]*Listing // directories
	Executable bool                // regular files
	Size       int64               // regular files
	NarOffset  int64               // regular files: where the contents start; 0 if unknown
	Target     string              // symlinks
}

// List reads a NAR and returns its deep listing, with NarOffset set.
func List(r io.Reader) (*Listing, error) {
	nr := NewReader(r)
	var root *Listing
	dirs := map[string]*Listing{}
	for {
		h, err := nr.Next()
		if err == io.EOF {
			return root, nil
		}
		if err != nil {
			return nil, err
		}
		l := &Listing{Type: h.Type, Executable: h.Executable, Size: h.Size, NarOffset: h.Offset, Target: h.LinkTarget}
		if h.Type == TypeDirectory {
			l.Entries = map[string]*Listing{}
			dirs[h.Path] = l
		}
		if h.Path == "/" {
			root = l
			continue
		}
		i := strings.LastIndexByte(h.Path, '/')
		parent := h.Path[:i]
		if parent == "" {
			parent = "/"
		}
		// Reader guarantees the parent is an open directory.
		dirs[parent].Entries[h.Path[i+1:]] = l
	}
}

// Shallow returns a copy whose directory entries are unexpanded, like
// Nix's shallow listing.
func (l *Listing) Shallow() *Listing {
	c := *l
	if l.Entries != nil {
		c.Entries = make(map[string]*Listing, len(l.Entries))
		for name := range l.Entries {
			c.Entries[name] = &Listing{}
		}
	}
	return &c
}

// listingJSON has the keys in sorted order, as Nix prints them.
type listingJSON struct {
	Entries    *map[string]*Listing `json:"entries,omitempty"`
	Executable *bool                `json:"executable,omitempty"`
	NarOffset  int64                `json:"narOffset,omitempty"`
	Size       *int64               `json:"size,omitempty"`
	Target     *string              `json:"target,omitempty"`
	Type       string               `json:"type,omitempty"`
}

// MarshalJSON writes Nix's form: "executable" is always present for
// regular files (as in Nix since 2.35) and "narOffset" only when known.
func (l *Listing) MarshalJSON() ([]byte, error) {
	var j listingJSON
	switch l.Type {
	case 0:
	case TypeRegular:
		j.Executable, j.Size, j.NarOffset = &l.Executable, &l.Size, l.NarOffset
	case TypeDirectory:
		entries := l.Entries
		if entries == nil {
			entries = map[string]*Listing{}
		}
		j.Entries = &entries
	case TypeSymlink:
		j.Target = &l.Target
	default:
		return nil, fmt.Errorf("nar: listing has invalid type %d", uint8(l.Type))
	}
	if l.Type != 0 {
		j.Type = l.Type.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads Nix's form; "executable", "size" and "narOffset"
// may be absent, and "{}" is an unexpanded entry.
func (l *Listing) UnmarshalJSON(b []byte) error {
	var j listingJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("nar: listing: %w", err)
	}
	*l = Listing{NarOffset: j.NarOffset}
	switch j.Type {
	case "":
		if j.Entries != nil || j.Executable != nil || j.Size != nil || j.Target != nil || j.NarOffset != 0 {
			return fmt.Errorf("nar: listing entry without a type: %s", b)
		}
	case "regular":
		l.Type = TypeRegular
		if j.Executable != nil {
			l.Executable = *j.Executable
		}
		if j.Size != nil {
			l.Size = *j.Size
		}
	case "directory":
		l.Type = TypeDirectory
		if j.Entries == nil {
			return fmt.Errorf("nar: directory listing without 'entries'")
		}
		l.Entries = *j.Entries
		if l.Entries == nil {
			l.Entries = map[string]*Listing{}
		}
		for name, e := range l.Entries {
			if e == nil {
				return fmt.Errorf("nar: listing entry %s is null", quote(name))
			}
		}
	case "symlink":
		l.Type = TypeSymlink
		if j.Target == nil {
			return fmt.Errorf("nar: symlink listing without 'target'")
		}
		l.Target = *j.Target
	default:
		return fmt.Errorf("nar: unknown type of file %s", quote(j.Type))
	}
	return nil
}
