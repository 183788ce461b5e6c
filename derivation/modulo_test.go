package derivation

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// moduloStore parses the hash-modulo vectors and indexes them by their
// computed .drv paths, which also checks StorePath: the vectors refer to
// each other by those paths.
func moduloStore(t *testing.T) (map[string]*Derivation, *Hasher) {
	t.Helper()
	dir := vectorDir(t, "libstore-tests/data/derivation/hash-modulo")
	byStem := map[string]*Derivation{}
	byPath := map[storepath.StorePath]*Derivation{}
	for _, tc := range []struct{ stem, name string }{
		{"source-first", "source"}, {"source-second", "source"},
		{"intermediate-first", "intermediate"}, {"intermediate-second", "intermediate"},
		{"parent-split", "parent"}, {"parent-joined", "parent"},
	} {
		d, err := Parse(readVector(t, filepath.Join(dir, tc.stem+".drv")), tc.name)
		if err != nil {
			t.Fatal(err)
		}
		p, err := d.StorePath(storepath.Dir{})
		if err != nil {
			t.Fatal(err)
		}
		byStem[tc.stem] = d
		byPath[p] = d
	}
	h := &Hasher{Read: func(p storepath.StorePath) (*Derivation, error) {
		if d, ok := byPath[p]; ok {
			return d, nil
		}
		return nil, fmt.Errorf("no derivation %s in the test store", p)
	}}
	return byStem, h
}

func TestHashModuloVectors(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/derivation/hash-modulo")
	drvs, h := moduloStore(t)
	for _, stem := range []string{"intermediate-first", "intermediate-second", "parent-split", "parent-joined"} {
		t.Run(stem, func(t *testing.T) {
			want := readVector(t, filepath.Join(dir, stem+"-modulo.drv"))
			got, ok, err := h.UnparseModulo(drvs[stem])
			if err != nil || !ok {
				t.Fatalf("UnparseModulo: ok=%v err=%v", ok, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("modulo ATerm differs:\n got %s\nwant %s", got, want)
			}
		})
	}
}

// Two input derivations with the same hash modulo must have their wanted
// outputs merged, not overwrite each other.
func TestHashModuloMergesCollidingInputs(t *testing.T) {
	drvs, h := moduloStore(t)
	split, ok1, err1 := h.Hash(drvs["parent-split"])
	joined, ok2, err2 := h.Hash(drvs["parent-joined"])
	if err1 != nil || err2 != nil || !ok1 || !ok2 {
		t.Fatal(err1, err2, ok1, ok2)
	}
	if split != joined {
		t.Errorf("parent-split and parent-joined hash differently: %v vs %v", split, joined)
	}
	a, _ := h.HashInput(drvs["source-first"])
	b, _ := h.HashInput(drvs["source-second"])
	if a.Kind != ModuloFixed || len(a.OutputHashes) != 1 || a.OutputHashes["out"] != b.OutputHashes["out"] {
		t.Errorf("fixed-output sources differ modulo: %+v %+v", a, b)
	}
	// Asking for fewer outputs is a different derivation.
	justOut := drvs["parent-joined"].Clone()
	justOut.InputDrvs[0].Outputs = []string{"out"}
	j, _, _ := h.Hash(justOut)
	if j == joined {
		t.Error("wanting only 'out' hashes like wanting 'dev' and 'out'")
	}
}

func TestCheckInvariantsVectors(t *testing.T) {
	drvs, h := moduloStore(t)
	for _, stem := range []string{"source-first", "source-second", "parent-split", "parent-joined"} {
		if err := h.CheckInvariants(drvs[stem]); err != nil {
			t.Errorf("%s: %v", stem, err)
		}
	}
	// Nix's test built the intermediates without output variables in
	// the environment and then filled them in, so their output paths are
	// hashed from an environment without "dev" and "out". Doing the same
	// gives back the vector byte for byte...
	for _, stem := range []string{"intermediate-first", "intermediate-second"} {
		d := drvs[stem].Clone()
		for name := range d.Outputs {
			d.Outputs[name] = Output{Kind: Deferred}
			delete(d.Env, name)
		}
		if err := h.FillInOutputPaths(d); err != nil {
			t.Fatal(err)
		}
		got, _ := d.ATerm(storepath.Dir{})
		want, _ := drvs[stem].ATerm(storepath.Dir{})
		if !bytes.Equal(got, want) {
			t.Errorf("%s filled in:\n got %s\nwant %s", stem, got, want)
		}
		// ...while checking the vector as it stands fails, in Nix too,
		// since the variables are now part of the hashed text.
		if err := h.CheckInvariants(drvs[stem]); err == nil {
			t.Errorf("%s: CheckInvariants passed, want the mismatch Nix reports", stem)
		}
	}
	// A deferred output with the variables present and blank, as the
	// derivation builtin makes them, is filled in consistently.
	d := drvs["intermediate-first"].Clone()
	for name := range d.Outputs {
		d.Outputs[name] = Output{Kind: Deferred}
		d.Env[name] = ""
	}
	if err := h.FillInOutputPaths(d); err != nil {
		t.Fatal(err)
	}
	if err := h.CheckInvariants(d); err != nil {
		t.Error(err)
	}
	// A wrong path is an error.
	bad := d.Clone()
	o := bad.Outputs["dev"]
	o.Path = bad.Outputs["out"].Path
	bad.Outputs["dev"] = o
	if err := h.CheckInvariants(bad); err == nil {
		t.Error("wrong output path accepted")
	}
}

// Instantiate must give what FillInOutputPaths, HashInput, Canonicalize
// and ATerm give, for input-addressed, deferred and fixed derivations,
// with inputs out of order and with structured attributes too.
func TestInstantiate(t *testing.T) {
	drvs, h := moduloStore(t)
	variants := map[string]func(d *Derivation){
		"": func(*Derivation) {},
		"reversed": func(d *Derivation) {
			slices.Reverse(d.InputDrvs)
			slices.Reverse(d.InputSrcs)
		},
		"json": func(d *Derivation) { d.Env[StructuredAttrsVar] = `{"b": [1, 2], "a": "x"}` },
	}
	for stem, drv := range drvs {
		for vname, vary := range variants {
			d1 := drv.Clone()
			for name, o := range d1.Outputs {
				if o.Kind == InputAddressed {
					d1.Outputs[name] = Output{Kind: Deferred}
					d1.Env[name] = ""
				}
			}
			vary(d1)
			d2 := d1.Clone()
			if err := h.FillInOutputPaths(d1); err != nil {
				t.Fatal(stem, vname, err)
			}
			want, err := h.HashInput(d1)
			if err != nil {
				t.Fatal(stem, vname, err)
			}
			if err := d1.Canonicalize(); err != nil {
				t.Fatal(stem, vname, err)
			}
			wantText, _ := d1.ATerm(storepath.Dir{})
			text, got, err := h.Instantiate(d2, []byte("prefix"))
			if err != nil {
				t.Fatal(stem, vname, err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s %s: HashInput = %+v, want %+v", stem, vname, got, want)
			}
			if string(text) != "prefix"+string(wantText) {
				t.Errorf("%s %s: ATerm\n%s\nwant\n%s", stem, vname, text, wantText)
			}
		}
	}
}

// The unmasked modulo form patched from the masked one must be the one
// printed, also with output variables that need escapes.
func TestAppendUnmasked(t *testing.T) {
	drvs, h := moduloStore(t)
	tested := 0
	for stem, drv := range drvs {
		d := drv.Clone()
		if ty, _ := d.Type(); ty != TypeInputAddressed {
			continue
		}
		tested++
		for name := range d.Outputs {
			d.Env[name] = "a \"quoted\"\n\tpath\\"
		}
		inputs, ok, err := h.moduloInputs(d, nil)
		if err != nil || !ok {
			t.Fatal(stem, ok, err)
		}
		var marks []maskMark
		masked, err := d.appendATerm(nil, h.Dir, printOptions{maskOutputs: true, modulo: true, inputs: inputs, marks: &marks})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := d.appendATerm(nil, h.Dir, printOptions{modulo: true, inputs: inputs})
		if got := d.appendUnmasked(nil, masked, 0, len(masked), marks, h.Dir); !bytes.Equal(got, want) {
			t.Errorf("%s: patched\n%s\nprinted\n%s", stem, got, want)
		}
		if len(marks) != 2*len(d.Outputs) {
			t.Errorf("%s: %d marks for %d outputs", stem, len(marks), len(d.Outputs))
		}
	}
	if tested == 0 {
		t.Error("no input-addressed vector")
	}
}

// Memoized hashes come back for every path, past the first chunk too.
func TestMemoize(t *testing.T) {
	h := &Hasher{}
	path := func(i int) storepath.StorePath {
		var d [storepath.DigestSize]byte
		d[0], d[1], d[2] = byte(i), byte(i>>8), 1
		p, err := storepath.New(d, "x.drv")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	sum := func(i int) HashModulo {
		return HashModulo{Kind: ModuloRegular, Hash: nixhash.SumString(nixhash.SHA256, fmt.Sprint(i))}
	}
	const n = 3*sumsChunk + 7
	for i := range n {
		h.Memoize(path(i), sum(i))
	}
	h.Memoize(path(5), sum(-5)) // a second time: replaced
	h.Memoize(path(n), HashModulo{Kind: ModuloDeferred})
	for i := range n {
		want := sum(i)
		if i == 5 {
			want = sum(-5)
		}
		if got, ok := h.memoized(path(i)); !ok || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("memoized(%d) = %v, %v; want %v", i, got, ok, want)
		}
	}
	if got, ok := h.memoized(path(n)); !ok || got.Kind != ModuloDeferred {
		t.Errorf("deferred entry: %v, %v", got, ok)
	}
	if _, ok := h.memoized(path(n + 1)); ok {
		t.Error("unknown path memoized")
	}
}
