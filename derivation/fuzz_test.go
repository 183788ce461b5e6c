package derivation

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cairn-nix/cairn/storepath"
)

// FuzzParseDerivation checks that parsing never panics, and that what
// parses prints, parses back to the same value, and survives the JSON
// form and the hash modulo computation.
func FuzzParseDerivation(f *testing.F) {
	dir := vectorDir(f, "libstore-tests/data/derivation")
	_ = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".drv") {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
		return nil
	})
	f.Add([]byte(`Derive([("out","","r:sha256","")],[],[],"s","b",[],[("__json","{\"a\":1.5e300}")])`))
	f.Add([]byte(`DrvWithVersion("xp-dyn-drv",[("out","","","")],[("/nix/store/c015dhfh5l0lp6wxyvdn7bmwhbbr6hr9-d.drv",(["a"],[("b",(["c"],[("d",["e"])]))]))],[],"s","b",[],[])`))
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := Parse(src, "fuzz")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError: %v", err, err)
			}
			return
		}
		out, err := d.ATerm(storepath.Dir{})
		if err != nil {
			t.Fatalf("parsed but does not print: %v", err)
		}
		d2, err := Parse(out, "fuzz")
		if err != nil {
			// Nix writes some fields without escapes; only a '"' or '\'
			// in them may make the output unparsable.
			if !rawFieldsNeedEscapes(d) {
				t.Fatalf("printed form does not parse: %v\n%s", err, out)
			}
			return
		}
		if !reflect.DeepEqual(d, d2) {
			t.Fatalf("round trip changed the derivation:\n%+v\n%+v", d, d2)
		}

		h := &Hasher{Read: func(storepath.StorePath) (*Derivation, error) { return nil, errors.New("none") }}
		_, _ = h.HashInput(d)
		_, _, _ = h.Hash(d)
		_ = h.CheckInvariants(d.Clone())
		_, _ = d.StorePath(storepath.Dir{})

		js, err := d.JSON()
		if err != nil {
			if !utf8.Valid(src) {
				return // JSON cannot carry it, in Nix either
			}
			t.Fatalf("parsed but has no JSON form: %v", err)
		}
		fromJSON, err := ParseJSON(js, storepath.Dir{})
		if err != nil {
			t.Fatalf("JSON form does not parse: %v\n%s", err, js)
		}
		c := d.Clone()
		if err := c.Canonicalize(); err != nil {
			t.Fatal(err)
		}
		if err := fromJSON.Canonicalize(); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c, fromJSON) {
			t.Fatalf("JSON round trip changed the derivation:\n%+v\n%+v", c, fromJSON)
		}
	})
}

func rawFieldsNeedEscapes(d *Derivation) bool {
	bad := func(s string) bool { return strings.ContainsAny(s, "\"\\") }
	if bad(d.Platform) {
		return true
	}
	for name := range d.Outputs {
		if bad(name) {
			return true
		}
	}
	var set func(OutputSet) bool
	set = func(s OutputSet) bool {
		for _, o := range s.Outputs {
			if bad(o) {
				return true
			}
		}
		for k, v := range s.DynamicOutputs {
			if bad(k) || set(v) {
				return true
			}
		}
		return false
	}
	for _, in := range d.InputDrvs {
		if set(in.OutputSet) {
			return true
		}
	}
	return false
}
