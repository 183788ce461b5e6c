package derivation

import (
	"path/filepath"
	"testing"

	"github.com/cairn-nix/cairn/storepath"
)

func TestHashPlaceholder(t *testing.T) {
	// The ca/ vectors hold the placeholders of their own outputs.
	for out, want := range map[string]string{
		"out": "/1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9",
		"dev": "/02qcpld1y6xhs5gz9bchpxaw0xdhmsp5dv88lh25r2ss44kh8dxz",
		"bin": "/04f3da1kmbr67m3gzxikmsl4vjz5zf777sv6m14ahv22r65aac9m",
	} {
		if got := HashPlaceholder(out); got != want {
			t.Errorf("placeholder %s = %s, want %s", out, got, want)
		}
	}
}

// The try-resolve vectors refer to outputs of content-addressed inputs
// by their downstream placeholders.
func TestDownstreamPlaceholders(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/derivation/try-resolve")
	d, err := ParseJSON(readVector(t, filepath.Join(dir, "with-inputs-before.json")), storepath.Dir{})
	if err != nil {
		t.Fatal(err)
	}
	dep1, _ := storepath.ParseBaseName("g1w7hy3qg1w7hy3qg1w7hy3qg1w7hy3q-dep1.drv")
	dep2, _ := storepath.ParseBaseName("h1w7hy3qg1w7hy3qg1w7hy3qg1w7hy3q-dep2.drv")
	if got, want := UnknownCAOutput(dep1, "dev").String(), d.Env["DEP1_DEV"]; got != want {
		t.Errorf("dep1 dev: %s, want %s", got, want)
	}
	if got, want := "prefix-"+UnknownCAOutput(dep1, "out").String()+"-suffix", d.Env["DEP1_OUT"]; got != want {
		t.Errorf("dep1 out: %s, want %s", got, want)
	}
	if got, want := UnknownCAOutput(dep2, "out").String(), d.Env["DEP2"]; got != want {
		t.Errorf("dep2 out: %s, want %s", got, want)
	}
	// A placeholder for an output of a dynamic derivation is derived
	// from the placeholder of the derivation output it builds.
	p := UnknownDerivation(UnknownCAOutput(dep1, "out"), "out")
	if p == UnknownCAOutput(dep1, "out") || len(p.String()) != 53 {
		t.Errorf("dynamic placeholder %s", p)
	}
}
