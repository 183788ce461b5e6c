package eval

import (
	"embed"
	"io/fs"
	"strings"
)

// corepkgs are the files Nix builds in and serves as <nix/NAME> when the
// search path has no nix/ entry: Cairn's own versions of them.
//
//go:embed corepkgs/*.nix
var corepkgs embed.FS

// corepkgsRoot is where they appear as paths. Nix gives them a filesystem
// of their own; this prefix plays that part and is never read from disk.
// Such a path shows as <nix/NAME>, and turns into /NAME as a string, as
// in Nix.
const corepkgsRoot = "/__nix_corepkgs__"

// CorepkgsPath reports whether p is in the corepkgs filesystem, and its
// name there ("." for the root), as io/fs names files.
func CorepkgsPath(p string) (string, bool) {
	if p == corepkgsRoot {
		return ".", true
	}
	rest, ok := strings.CutPrefix(p, corepkgsRoot+"/")
	return rest, ok
}

// CorepkgsFS is the corepkgs filesystem.
func CorepkgsFS() fs.FS {
	sub, _ := fs.Sub(corepkgs, "corepkgs")
	return sub
}

// corepkgsFile returns the content of a corepkgs path.
func corepkgsFile(path string) ([]byte, bool) {
	rel, ok := CorepkgsPath(path)
	if !ok {
		return nil, false
	}
	b, err := fs.ReadFile(CorepkgsFS(), rel)
	return b, err == nil
}

// ShowPath is how Nix prints a path value.
func ShowPath(p Path) string {
	if rel, ok := CorepkgsPath(string(p)); ok {
		if rel == "." {
			return "<nix/>"
		}
		return "<nix/" + rel + ">"
	}
	return string(p)
}

// pathString is a path value as a string: a corepkgs path loses its
// filesystem, as in Nix.
func pathString(p Path) string {
	if rel, ok := CorepkgsPath(string(p)); ok {
		if rel == "." {
			return "/"
		}
		return "/" + rel
	}
	return string(p)
}

// The evaluator's file access: corepkgs paths are served from the
// embedded files, everything else goes to IO.

func (ev *Evaluator) readFile(p string) ([]byte, error) {
	if rel, ok := CorepkgsPath(p); ok {
		return fs.ReadFile(CorepkgsFS(), rel)
	}
	return ev.IO.ReadFile(p)
}

func (ev *Evaluator) lstat(p string) (string, error) {
	if rel, ok := CorepkgsPath(p); ok {
		fi, err := fs.Stat(CorepkgsFS(), rel)
		if err != nil {
			return "", err
		}
		if fi.IsDir() {
			return "directory", nil
		}
		return "regular", nil
	}
	return ev.IO.Lstat(p)
}

func (ev *Evaluator) readDir(p string) (map[string]string, error) {
	if rel, ok := CorepkgsPath(p); ok {
		entries, err := fs.ReadDir(CorepkgsFS(), rel)
		if err != nil {
			return nil, err
		}
		out := map[string]string{}
		for _, e := range entries {
			out[e.Name()] = "regular"
		}
		return out, nil
	}
	return ev.IO.ReadDir(p)
}

func (ev *Evaluator) readlink(p string) (string, error) {
	if _, ok := CorepkgsPath(p); ok {
		return "", fs.ErrInvalid // nothing there is a symlink
	}
	return ev.IO.Readlink(p)
}
