package derivation

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-nix/cairn/storepath"
)

const (
	dep2 = "/nix/store/c015dhfh5l0lp6wxyvdn7bmwhbbr6hr9-dep2.drv"
	dep1 = "/nix/store/c015dhfh5l0lp6wxyvdn7bmwhbbr6hr9-dep1"
	ia   = "/nix/store/c015dhfh5l0lp6wxyvdn7bmwhbbr6hr9-x"
)

// Nix's parser is looser than its printer; these are all accepted.
func TestParseAcceptsWhatNixAccepts(t *testing.T) {
	for _, tc := range []struct{ name, src, check string }{
		{"leading comma", `Derive([,("out","` + ia + `","","")],[],[],"s","b",[,"a"],[])`, "args=a"},
		{"no commas", `Derive([],[],["` + dep1 + `""` + dep1 + `"],"s","b",["a""b"],[])`, "args=a,b"},
		{"trailing bytes", `Derive([],[],[],"s","b",[],[])garbage`, ""},
		{"hash field ignored when input-addressed", `Derive([("out","` + ia + `","","junk")],[],[],"s","b",[],[])`, ""},
		{"first output wins", `Derive([("out","` + ia + `","",""),("out","","","")],[],[],"s","b",[],[])`, "out=input-addressed"},
		{"last env wins", `Derive([],[],[],"s","b",[],[("k","1"),("k","2")])`, "k=2"},
		{"last input drv wins", `Derive([],[("` + dep2 + `",["a"]),("` + dep2 + `",["b"])],[],"s","b",[],[])`, "in=b"},
		{"escapes", `Derive([],[],[],"s","a\"b\\c\nd\re\tf\qg` + "\n" + `h",[],[])`, "builder=a\"b\\c\nd\re\tfqg\nh"},
		{"nix32 fixed hash", `Derive([("out","/nix/store/i00sflxqsj37lfmf95m8mn0grv615hpj-source","r:sha256","03rrgywkz84j9jk0ivy0n92mzzc10qyd7nra3b1nx29w2v4ific9")],[],[],"s","b",[],[])`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse([]byte(tc.src), "source")
			if err != nil {
				t.Fatal(err)
			}
			k, want, _ := strings.Cut(tc.check, "=")
			var got string
			switch k {
			case "args":
				got = strings.Join(d.Args, ",")
			case "out":
				got = d.Outputs["out"].Kind.String()
			case "k":
				got = d.Env["k"]
			case "in":
				got = strings.Join(d.InputDrvs[0].Outputs, ",")
				if len(d.InputDrvs) != 1 {
					got = "duplicate entries"
				}
			case "builder":
				got = d.Builder
			}
			if got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		src       string
		line, col int
		want      string
	}{
		{`Derive([("out","/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-foo`, 1, 16, "unterminated string"},
		{`Derive([("out","/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-foo\`, 1, 16, "unterminated string"},
		{`Drive(`, 1, 1, "does not start with"},
		{"", 1, 1, "does not start with"},
		{`Derive([],[],[],"s","b",[],[]`, 1, 30, "expected ')' to end the derivation, found end of input"},
		{`Derive([],[],[],"s","b",[],[("k")])`, 1, 33, "expected ','"},
		{`Derive([("out","","","")],[],[],"s` + "\n" + `",b,[],[])`, 2, 3, `expected '"' to start builder, found 'b'`},
		{`Derive([("out","/nix/store//c015dhfh5l0lp6wxyvdn7bmwhbbr6hr9-x","","")],[],[],"s","b",[],[])`, 1, 16, "output path"},
		{`Derive([("out","/gnu/store/c015dhfh5l0lp6wxyvdn7bmwhbbr6hr9-x","","")],[],[],"s","b",[],[])`, 1, 16, "not in the Nix store"},
		{`Derive([("out","x","sha256","impure")],[],[],"s","b",[],[])`, 1, 16, "should not specify output path"},
		{`Derive([("out","x","sha256","")],[],[],"s","b",[],[])`, 1, 16, "should not specify output path"},
		{`Derive([("out","","sha257","")],[],[],"s","b",[],[])`, 1, 19, "unknown hash algorithm 'sha257'"},
		{`Derive([("out","` + ia + `","sha256","abc")],[],[],"s","b",[],[])`, 1, 73, "wrong length"},
		{`Derive([],[("` + dep2 + `",[])],[],"s","b",[],[])`, 1, 13, "specifies no outputs"},
		{`Derive([],[("` + dep2 + `",(["a"],[]))],[],"s","b",[],[])`, 1, 68, "expected '['"},
		{`DrvWithVersion("xp-dyn-drv",[],[("` + dep2 + `",{)],[],"s","b",[],[])`, 1, 89, "invalid inputDrvs entry"},
		{`Derive([],[],["relative"],"s","b",[],[])`, 1, 15, "not in the Nix store"},
		{`Derive([],[],[],"s","b",[],[("__json","[1]")])`, 1, 39, "not an object"},
		{`Derive([],[],[],"s","b",[],[("__json","{")])`, 1, 39, "cannot process __json"},
	} {
		_, err := Parse([]byte(tc.src), "x")
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: error %v, want a *ParseError", tc.src, err)
			continue
		}
		if pe.Line != tc.line || pe.Col != tc.col || !strings.Contains(pe.Msg, tc.want) {
			t.Errorf("%s:\n got %v\nwant line %d, column %d: ...%s...", tc.src, err, tc.line, tc.col, tc.want)
		}
	}
	if _, err := Parse([]byte(`Derive([],[],[],"s","b",[],[])`), ""); err == nil {
		t.Error("empty derivation name accepted")
	}
}

// Canonicalize puts hello.drv's input derivations in Nix's order; the
// .drv path is the same either way, since it is computed on that order.
func TestCanonicalize(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/derivation")
	d, err := Parse(readVector(t, filepath.Join(dir, "hello.drv")), "hello-2.12.2")
	if err != nil {
		t.Fatal(err)
	}
	p1, err := d.StorePath(storepath.Dir{})
	if err != nil {
		t.Fatal(err)
	}
	c := d.Clone()
	if err := c.Canonicalize(); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(c.InputDrvs); i++ {
		if storepath.Compare(c.InputDrvs[i-1].Path, c.InputDrvs[i].Path) >= 0 {
			t.Fatalf("inputs not sorted: %s before %s", c.InputDrvs[i-1].Path, c.InputDrvs[i].Path)
		}
	}
	if d.InputDrvs[0].Path.Name() != "version-check-hook.drv" {
		t.Error("Canonicalize changed the original")
	}
	p2, _ := c.StorePath(storepath.Dir{})
	if p1 != p2 {
		t.Errorf("paths differ: %s vs %s", p1, p2)
	}
	// Entries for the same path merge; empty dynamic entries go.
	p, _ := storepath.ParseBaseName("c015dhfh5l0lp6wxyvdn7bmwhbbr6hr9-dep2.drv")
	m := &Derivation{InputDrvs: []InputDrv{
		{Path: p, OutputSet: OutputSet{Outputs: []string{"b", "a"}}},
		{Path: p, OutputSet: OutputSet{Outputs: []string{"a"}, DynamicOutputs: map[string]OutputSet{"x": {}}}},
	}, Env: map[string]string{StructuredAttrsVar: `{ "b": [1.50, 1e20, 0.0001], "a": "\u00e9\u0001" }`}}
	if err := m.Canonicalize(); err != nil {
		t.Fatal(err)
	}
	if len(m.InputDrvs) != 1 || strings.Join(m.InputDrvs[0].Outputs, ",") != "a,b" || m.InputDrvs[0].DynamicOutputs != nil {
		t.Errorf("merged inputs: %+v", m.InputDrvs)
	}
	if got, want := m.Env[StructuredAttrsVar], `{"a":"é\u0001","b":[1.5,1e+20,0.0001]}`; got != want {
		t.Errorf("__json re-encoded as %s, want %s", got, want)
	}
}

func TestNlohmannNumbers(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "-0": "0", "5909": "5909", "18446744073709551615": "18446744073709551615",
		"18446744073709551616": "1.8446744073709552e+19", "1.0": "1.0", "-2.5": "-2.5",
		"1e14": "100000000000000.0", "1e15": "1e+15", "123456.789": "123456.789",
		"0.001": "0.001", "0.0001": "0.0001", "0.00001": "1e-05", "1.5e-7": "1.5e-07",
		"1e300": "1e+300", "-0.0": "-0.0", "1e999": "null",
	} {
		if got := string(appendJSONNumber(nil, json.Number(in))); got != want {
			t.Errorf("%s printed as %s, want %s", in, got, want)
		}
	}
}
