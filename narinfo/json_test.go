package narinfo

import (
	"bytes"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

func mustSRI(t testing.TB, s string) nixhash.Hash {
	t.Helper()
	h, err := nixhash.ParseSRI(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func mustBase(t testing.TB, s string) storepath.StorePath {
	t.Helper()
	p, err := storepath.ParseBaseName(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const narHashSRI = "sha256-FePFYIlMuycIXPZbWi7LGEiMmZSX9FMbaQenWBzm1Sc="

// makeFull is Nix's test object: "foo", content-addressed by NAR with a
// reference to bar and to itself.
func makeFull(t testing.TB, impure bool) *PathInfo {
	t.Helper()
	ca := storepath.ContentAddress{Method: storepath.NAR, Hash: nixhash.SumString(nixhash.SHA256, "(...)")}
	bar := mustBase(t, "g1w7hy3qg1w7hy3qg1w7hy3qg1w7hy3q-bar")
	self, err := storepath.Default.MakePathFromCA("foo", ca, storepath.References{Others: []storepath.StorePath{bar}, Self: true})
	if err != nil {
		t.Fatal(err)
	}
	if self.String() != "n5wkd9frr45pa74if5gpz9j7mifg27fh-foo" {
		t.Fatalf("foo's path is %s", self)
	}
	pi := &PathInfo{
		StorePath:  self,
		NarHash:    mustSRI(t, narHashSRI),
		NarSize:    34878,
		References: sortPaths([]storepath.StorePath{bar, self}),
		CA:         ca,
	}
	if impure {
		pi.Deriver = mustBase(t, "g1w7hy3qg1w7hy3qg1w7hy3qg1w7hy3q-bar.drv")
		pi.RegistrationTime = 23423
		pi.Ultimate = true
		pi.Sigs = []Signature{{KeyName: "asdf", Sig: make([]byte, 64)}, {KeyName: "qwer", Sig: make([]byte, 64)}}
	}
	return pi
}

func makeFullNarInfo(t testing.TB, impure bool) *NarInfo {
	ni := &NarInfo{PathInfo: *makeFull(t, impure)}
	if impure {
		ni.URL = "nar/1w1fff338fvdw53sqgamddn1b2xgds473pv6y13gizdbqjv4i5p3.nar.xz"
		ni.Compression = "xz"
		ni.FileHash = mustSRI(t, narHashSRI)
		ni.FileSize = 4029176
	}
	return ni
}

func TestPathInfoJSONVectors(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/path-info")
	for version := JSONV1; version <= JSONV3; version++ {
		for _, tc := range []struct {
			stem   string
			impure bool
			empty  bool
		}{
			{"empty_pure", false, true}, {"empty_impure", true, true},
			{"pure", false, false}, {"impure", true, false},
		} {
			name := filepath.Join("json-"+string(rune('0'+version)), tc.stem+".json")
			t.Run(name, func(t *testing.T) {
				want := readVector(t, filepath.Join(dir, name))
				var pi *PathInfo
				if tc.empty {
					pi = &PathInfo{NarHash: mustSRI(t, narHashSRI)}
				} else {
					pi = makeFull(t, tc.impure)
				}
				got, err := pi.JSON(storepath.Dir{}, tc.impure, version)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("JSON differs:\n got %s\nwant %s", got, want)
				}
				parsed, err := ParsePathInfoJSON(want, storepath.Dir{})
				if err != nil {
					t.Fatal(err)
				}
				pi.StorePath = storepath.StorePath{} // the JSON is unkeyed
				if !reflect.DeepEqual(parsed, pi) {
					t.Errorf("parsed %+v\nwant   %+v", parsed, pi)
				}
			})
		}
	}
	// Without "version", version 1 is meant.
	parsed, err := ParsePathInfoJSON(readVector(t, filepath.Join(dir, "json-1", "pure_noversion.json")), storepath.Dir{})
	if err != nil {
		t.Fatal(err)
	}
	want := makeFull(t, false)
	want.StorePath = storepath.StorePath{}
	if !reflect.DeepEqual(parsed, want) {
		t.Errorf("pure_noversion: parsed %+v\nwant %+v", parsed, want)
	}
}

func TestNarInfoJSONVectors(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/nar-info")
	for version := JSONV1; version <= JSONV3; version++ {
		for _, tc := range []struct {
			stem   string
			impure bool
		}{{"pure", false}, {"impure", true}} {
			name := filepath.Join("json-"+string(rune('0'+version)), tc.stem+".json")
			t.Run(name, func(t *testing.T) {
				want := readVector(t, filepath.Join(dir, name))
				ni := makeFullNarInfo(t, tc.impure)
				got, err := ni.JSON(storepath.Dir{}, tc.impure, version)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("JSON differs:\n got %s\nwant %s", got, want)
				}
				parsed, err := ParseNarInfoJSON(want, storepath.Dir{})
				if err != nil {
					t.Fatal(err)
				}
				ni.StorePath = storepath.StorePath{}
				if !reflect.DeepEqual(parsed, ni) {
					t.Errorf("parsed %+v\nwant   %+v", parsed, ni)
				}
			})
		}
	}
	parsed, err := ParseNarInfoJSON(readVector(t, filepath.Join(dir, "json-1", "pure_noversion.json")), storepath.Dir{})
	if err != nil {
		t.Fatal(err)
	}
	want := makeFullNarInfo(t, false)
	want.StorePath = storepath.StorePath{}
	if !reflect.DeepEqual(parsed, want) {
		t.Errorf("pure_noversion: parsed %+v\nwant %+v", parsed, want)
	}
}

func TestJSONErrors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`[]`, "expected an object"},
		{`{"version": 4, "storeDir": "/nix/store"}`, "unsupported path info JSON format version"},
		{`{"version": 2, "narHash": "sha256-FePFYIlMuycIXPZbWi7LGEiMmZSX9FMbaQenWBzm1Sc=", "narSize": 1, "references": [], "ca": null}`, "storeDir: required"},
		{`{"storeDir": "/gnu/store", "narHash": "x", "narSize": 1, "references": [], "ca": null}`, "not '/nix/store'"},
		{`{"narHash": "sha256:abc", "narSize": 1, "references": [], "ca": null}`, "narHash"},
		{`{"narHash": "` + narHashSRI + `", "narSize": -1, "references": [], "ca": null}`, "narSize"},
		{`{"narHash": "` + narHashSRI + `", "narSize": 1, "references": ["g1w7hy3qg1w7hy3qg1w7hy3qg1w7hy3q-bar"], "ca": null}`, "references[0]"},
		{`{"narHash": "` + narHashSRI + `", "narSize": 1, "references": []}`, "ca: missing"},
		{`{"narHash": "` + narHashSRI + `", "narSize": 1, "references": [], "ca": null, "signatures": ["nocolon"]}`, "signatures[0]"},
	} {
		_, err := ParsePathInfoJSON([]byte(tc.doc), storepath.Dir{})
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.want)) {
			t.Errorf("%s: error %v, want it to mention %q", tc.doc, err, tc.want)
		}
	}
}
