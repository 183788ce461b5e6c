package derivation

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// TestJSONVectors checks every derivation that has both an ATerm and a
// JSON vector: ATerm → JSON gives the JSON bytes, JSON → value equals
// the parsed ATerm, and JSON → ATerm gives the .drv bytes.
func TestJSONVectors(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/derivation")
	n := 0
	for _, tc := range validDrvs {
		jsonFile := strings.TrimSuffix(tc.file, ".drv") + ".json"
		want, err := os.ReadFile(filepath.Join(dir, jsonFile))
		if os.IsNotExist(err) {
			continue
		}
		n++
		t.Run(jsonFile, func(t *testing.T) {
			src := readVector(t, filepath.Join(dir, tc.file))
			fromATerm, err := Parse(src, tc.name)
			if err != nil {
				t.Fatal(err)
			}
			got, err := fromATerm.JSON()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("JSON differs:\n got %s\nwant %s", got, want)
			}
			fromJSON, err := ParseJSON(want, storepath.Dir{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(fromJSON, fromATerm) {
				t.Errorf("JSON and ATerm parse differently:\n json  %+v\n aterm %+v", fromJSON, fromATerm)
			}
			aterm, err := fromJSON.ATerm(storepath.Dir{})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(aterm, src) {
				t.Errorf("ATerm from JSON differs:\n got %s\nwant %s", aterm, src)
			}
		})
	}
	if n < 14 {
		t.Errorf("only %d JSON vectors checked", n)
	}
}

// TestJSONOnlyVectors round-trips JSON vectors that have no ATerm twin.
func TestJSONOnlyVectors(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/derivation")
	for _, f := range []string{"ca/self-contained.json"} {
		want := readVector(t, filepath.Join(dir, f))
		d, err := ParseJSON(want, storepath.Dir{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		got, err := d.JSON()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs:\n got %s\nwant %s", f, got, want)
		}
	}
}

func TestOutputJSONVectors(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/derivation")
	h, err := nixhash.ParseSRI("sha256-iUUXyRY8iW7DGirb0zwGgf1fRbLA7wimTJKgP7l/OQ8=")
	if err != nil {
		t.Fatal(err)
	}
	ia, err := storepath.ParseBaseName("c015dhfh5l0lp6wxyvdn7bmwhbbr6hr9-drv-name-output-name")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		out  Output
	}{
		{"inputAddressed", Output{Kind: InputAddressed, Path: ia}},
		{"caFixedFlat", Output{Kind: CAFixed, Method: storepath.Flat, HashAlgo: nixhash.SHA256, Hash: h}},
		{"caFixedNAR", Output{Kind: CAFixed, Method: storepath.NAR, HashAlgo: nixhash.SHA256, Hash: h}},
		{"caFixedText", Output{Kind: CAFixed, Method: storepath.Text, HashAlgo: nixhash.SHA256, Hash: h}},
		{"caFloating", Output{Kind: CAFloating, Method: storepath.NAR, HashAlgo: nixhash.SHA256}},
		{"deferred", Output{Kind: Deferred}},
		{"impure", Output{Kind: Impure, Method: storepath.NAR, HashAlgo: nixhash.SHA256}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := readVector(t, filepath.Join(dir, "output-"+tc.name+".json"))
			if got := append(tc.out.JSON(), '\n'); !bytes.Equal(got, want) {
				t.Errorf("got %s\nwant %s", got, want)
			}
			got, err := ParseOutputJSON(want)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.out {
				t.Errorf("parsed %+v, want %+v", got, tc.out)
			}
		})
	}
}

func TestHashModuloJSONVectors(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/derivation/hash-modulo")
	drvs, _ := moduloStore(t)
	for stem, d := range drvs {
		want := readVector(t, filepath.Join(dir, stem+".json"))
		got, err := d.JSON()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s JSON differs:\n got %s\nwant %s", stem, got, want)
		}
	}
}
