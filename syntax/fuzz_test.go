package syntax

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no input makes the lexer, parser, binder or
// printer panic or hang. It is seeded with every .nix file of Nix's
// language suite when ../shared is present.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../../shared/conformance/nix-lang/*.nix")
	more, _ := filepath.Glob("testdata/*.nix")
	for _, p := range append(seeds, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("let x = 1; in x"))
	names := []Symbol{Intern("builtins"), Intern("true"), Intern("false"), Intern("null")}
	f.Fuzz(func(t *testing.T, src []byte) {
		fs := NewFileSet()
		file := fs.AddFile("/fuzz.nix", OriginPath, src)
		e, err := Parse(fs, file, &Options{BaseDir: "/", Home: "/home", Pipes: true, Warn: func(string) {}})
		if err != nil {
			if se, ok := err.(*Error); ok {
				_ = se.Render()
			}
			return
		}
		if err := Bind(fs, e, NewBaseScope(names)); err != nil {
			_ = err.(*Error).Render()
			return
		}
		_ = Show(e)
	})
}
