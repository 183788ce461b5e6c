package derivation

import (
	"bytes"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// invariantsHasher serves the one input derivation the invariants
// vectors use: Nix's test makes it as a floating CA derivation named
// "dependency", which checks StorePath against the path in the vectors.
func invariantsHasher(t *testing.T) *Hasher {
	t.Helper()
	dep := &Derivation{
		Name:     "dependency",
		Outputs:  map[string]Output{"out": {Kind: CAFloating, Method: storepath.NAR, HashAlgo: nixhash.SHA256}},
		Platform: "x86_64-linux",
		Builder:  "/bin/sh",
		Env:      map[string]string{"out": ""},
	}
	p, err := dep.StorePath(storepath.Dir{})
	if err != nil {
		t.Fatal(err)
	}
	if p.String() != "lg4c4b8r9hlczwprl6kgnzfd9mc1xmkk-dependency.drv" {
		t.Fatalf("dependency.drv path is %s", p)
	}
	return &Hasher{Read: func(q storepath.StorePath) (*Derivation, error) {
		if q == p {
			return dep, nil
		}
		return nil, fmt.Errorf("no derivation %s", q)
	}}
}

func TestInvariantsVectors(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/derivation/invariants")
	load := func(stem string) *Derivation {
		d, err := ParseJSON(readVector(t, filepath.Join(dir, stem+".json")), storepath.Dir{})
		if err != nil {
			t.Fatalf("%s: %v", stem, err)
		}
		return d
	}
	h := invariantsHasher(t)

	for _, stem := range []string{"filled-in-deferred-empty-env-var", "filled-in-deferred-no-env-var"} {
		d := load(stem + "-pre")
		if err := h.FillInOutputPaths(d); err != nil {
			t.Fatalf("%s: %v", stem, err)
		}
		got, _ := d.JSON()
		if want := readVector(t, filepath.Join(dir, stem+"-post.json")); !bytes.Equal(got, want) {
			t.Errorf("%s filled in:\n got %s\nwant %s", stem, got, want)
		}
	}
	// Filling in a blank variable keeps the hashed text, so the result
	// checks; adding a missing one does not (in Nix too).
	d := load("filled-in-deferred-empty-env-var-pre")
	if err := h.FillInOutputPaths(d); err != nil {
		t.Fatal(err)
	}
	if err := h.CheckInvariants(d); err != nil {
		t.Errorf("after fill-in: %v", err)
	}

	for _, stem := range []string{"filled-in-idempotent", "depends-on-drv-pre"} {
		d := load(stem)
		before := d.Clone()
		if err := h.FillInOutputPaths(d); err != nil {
			t.Fatalf("%s: %v", stem, err)
		}
		if !reflect.DeepEqual(d, before) {
			t.Errorf("%s changed by fill-in:\n got %+v\nwant %+v", stem, d, before)
		}
	}

	for _, stem := range []string{"bad-path", "bad-depends-on-drv-pre"} {
		if err := h.FillInOutputPaths(load(stem)); err == nil {
			t.Errorf("%s: fill-in succeeded, want error", stem)
		}
	}

	// A wrong variable for a deferred output is corrected, not rejected.
	d = load("bad-env-var")
	if err := h.FillInOutputPaths(d); err != nil {
		t.Fatal(err)
	}
	if o := d.Outputs["out"]; o.Kind != InputAddressed || d.Env["out"] != storepath.Default.Print(o.Path) {
		t.Errorf("bad-env-var not filled in: %+v, env %q", o, d.Env["out"])
	}
	if err := h.CheckInvariants(d); err != nil {
		t.Error(err)
	}
}

func TestInvariantsRules(t *testing.T) {
	h := &Hasher{}
	mixed := &Derivation{
		Name: "mixed-output-types",
		Outputs: map[string]Output{
			"dev": {Kind: CAFloating, Method: storepath.NAR, HashAlgo: nixhash.SHA256},
			"out": {Kind: Deferred},
		},
		Env: map[string]string{"out": "", "dev": ""},
	}
	if err := h.FillInOutputPaths(mixed.Clone()); err == nil {
		t.Error("mixed output types accepted by fill-in")
	}
	if err := h.CheckInvariants(mixed); err == nil {
		t.Error("mixed output types accepted by check")
	}

	rpc := &Derivation{
		Name: "rpc-outputs",
		Outputs: map[string]Output{"out": {Kind: CAFixed, Method: storepath.NAR, HashAlgo: nixhash.SHA256,
			Hash: nixhash.SumString(nixhash.SHA256, "foo")}},
		Env: map[string]string{"requiredSystemFeatures": "builder-rpc-v0"},
	}
	before := rpc.Clone()
	if err := h.FillInOutputPaths(rpc); err != nil || !reflect.DeepEqual(rpc, before) {
		t.Errorf("builder-rpc-v0 fill-in: err %v, changed %v", err, !reflect.DeepEqual(rpc, before))
	}
	if err := h.CheckInvariants(rpc); err != nil {
		t.Error(err)
	}
	rpcIA := &Derivation{
		Name:    "rpc-input-addressed",
		Outputs: map[string]Output{"out": {Kind: Deferred}},
		Env:     map[string]string{"requiredSystemFeatures": "builder-rpc-v0", "out": ""},
	}
	if err := h.FillInOutputPaths(rpcIA); err == nil {
		t.Error("builder-rpc-v0 accepted for an input-addressed derivation")
	}
}
