package eval

import (
	"embed"
	"strings"
)

// corepkgs are the files Nix builds in and serves as <nix/NAME> when the
// search path has no nix/ entry: Cairn's own versions of them.
//
//go:embed corepkgs/*.nix
var corepkgs embed.FS

// corepkgsRoot is where they appear as paths. Nix gives them a filesystem
// of their own; this prefix plays that part and is never read from disk.
const corepkgsRoot = "/__nix_corepkgs__"

// corepkgsFile returns the content of a corepkgs path.
func corepkgsFile(path string) ([]byte, bool) {
	rest, ok := strings.CutPrefix(path, corepkgsRoot+"/")
	if !ok {
		return nil, false
	}
	b, err := corepkgs.ReadFile("corepkgs/" + rest)
	return b, err == nil
}
