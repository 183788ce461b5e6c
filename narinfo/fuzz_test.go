package narinfo

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cairn-nix/cairn/storepath"
)

// FuzzParseNarinfo checks that parsing never panics, and that what
// parses prints back to text and JSON that parse to the same value.
func FuzzParseNarinfo(f *testing.F) {
	f.Add([]byte(fullText))
	f.Add([]byte("StorePath: /nix/store/n5wkd9frr45pa74if5gpz9j7mifg27fh-foo\nURL: u\nNarHash: sha256-FePFYIlMuycIXPZbWi7LGEiMmZSX9FMbaQenWBzm1Sc=\nNarSize: +7\nCompression: \nReferences: \nDeriver: unknown-deriver\nSystem: x\nCA: text:sha256:09ymwqf5i9q7d4dm7x4pjjcqqj0qrcp5lnznbh42gfsci5hcbqqm\n"))
	f.Add([]byte("StorePath: /nix/store/../store/n5wkd9frr45pa74if5gpz9j7mifg27fh-foo/\n\nURL:xu\nSig: k:AAAA=junk\n"))
	// The JSON vectors hold the same data; their strings seed the fuzzer's
	// dictionary of hashes and paths.
	dir := vectorDir(f, "libstore-tests/data/nar-info")
	for _, v := range []string{"json-1/impure.json", "json-3/impure.json"} {
		f.Add(readVector(f, filepath.Join(dir, v)))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		ni, err := Parse(src, storepath.Dir{}, "fuzz")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError: %v", err, err)
			}
			return
		}
		text := ni.Text(storepath.Dir{})
		back, err := Parse(text, storepath.Dir{}, "printed")
		if err != nil {
			t.Fatalf("printed form does not parse: %v\n%s", err, text)
		}
		if !reflect.DeepEqual(ni, back) {
			t.Fatalf("text round trip changed the nar info:\n%+v\n%+v", ni, back)
		}
		if _, err := ni.Fingerprint(storepath.Dir{}); err != nil {
			t.Fatalf("no fingerprint: %v", err)
		}
		_, _ = ni.CountValidSignatures(storepath.Dir{}, PublicKeys{})
		_ = ni.IsContentAddressed(storepath.Dir{})
		for v := JSONV1; v <= JSONV3; v++ {
			js, err := ni.JSON(storepath.Dir{}, true, v)
			if err != nil {
				var je *JSONError
				if errors.As(err, &je) && strings.Contains(je.Msg, "not valid UTF-8") {
					return
				}
				t.Fatal(err)
			}
			fromJSON, err := ParseNarInfoJSON(js, storepath.Dir{})
			if err != nil {
				t.Fatalf("version %d JSON does not parse: %v\n%s", v, err, js)
			}
			want := *ni
			want.StorePath, want.System = storepath.StorePath{}, ""
			if !reflect.DeepEqual(fromJSON, &want) {
				t.Fatalf("version %d JSON round trip changed the nar info:\n%+v\n%+v", v, fromJSON, &want)
			}
		}
	})
}
