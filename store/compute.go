package store

import (
	"io"
	"strings"

	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// Adder is what evaluation needs from a store: the directory paths are
// computed against, adding sources and text, and validity. *Local writes
// objects; Computer only computes their paths, as Nix does in read-only
// mode (nix-instantiate --eval without --read-write-mode).
type Adder interface {
	Dir() storepath.Dir
	// AddPath adds the file, directory or symlink at src as name, hashed
	// with method (storepath.NAR or storepath.Flat) and sha256.
	AddPath(src, name string, method storepath.Method) (storepath.StorePath, error)
	// AddPathWith is AddPath with a filter, another algorithm or
	// references.
	AddPathWith(src string, o AddOptions) (storepath.StorePath, error)
	// AddText adds text (builtins.toFile, a .drv) with references.
	AddText(name, text string, refs []storepath.StorePath) (storepath.StorePath, error)
	// IsValid reports whether a path is in the store.
	IsValid(p storepath.StorePath) (bool, error)
}

var (
	_ Adder = (*Local)(nil)
	_ Adder = (*Computer)(nil)
)

// Computer computes store paths without writing anything.
type Computer struct {
	// StoreDir is the store directory; the zero Dir is /nix/store.
	StoreDir storepath.Dir
	// Valid, when set, answers IsValid (say, from a read-only store);
	// otherwise no path is valid.
	Valid func(storepath.StorePath) (bool, error)
}

// Dir returns the store directory.
func (c *Computer) Dir() storepath.Dir { return c.StoreDir }

// AddPath computes the path src would get.
func (c *Computer) AddPath(src, name string, method storepath.Method) (storepath.StorePath, error) {
	return c.AddPathWith(src, AddOptions{Name: name, Method: method})
}

// AddPathWith computes the path src would get with options o, reading
// src once.
func (c *Computer) AddPathWith(src string, o AddOptions) (storepath.StorePath, error) {
	if err := o.fill(src); err != nil {
		return storepath.StorePath{}, err
	}
	src, err := canonicalParent(src)
	if err != nil {
		return storepath.StorePath{}, err
	}
	dump, err := openDump(src, o.Method, o.Filter)
	if err != nil {
		return storepath.StorePath{}, err
	}
	defer dump.Close()
	return c.pathOfDump(dump, o.Name, o.Method, o.Algo, o.References)
}

// AddText computes the path of a text object.
func (c *Computer) AddText(name, text string, refs []storepath.StorePath) (storepath.StorePath, error) {
	if err := storepath.ValidateName(name); err != nil {
		return storepath.StorePath{}, err
	}
	return c.pathOfDump(strings.NewReader(text), name, storepath.Text, nixhash.SHA256, refs)
}

func (c *Computer) pathOfDump(r io.Reader, name string, m storepath.Method, a nixhash.Algorithm, refs []storepath.StorePath) (storepath.StorePath, error) {
	h, _, err := nixhash.SumReader(a, r)
	if err != nil {
		return storepath.StorePath{}, err
	}
	return c.StoreDir.MakePathFromCA(name, storepath.ContentAddress{Method: m, Hash: h}, storepath.References{Others: refs})
}

// IsValid asks Valid, if set.
func (c *Computer) IsValid(p storepath.StorePath) (bool, error) {
	if c.Valid == nil {
		return false, nil
	}
	return c.Valid(p)
}
