package evalstore_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairn-nix/cairn/derivation"
	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/evalstore"
	"github.com/cairn-nix/cairn/nar"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/store"
	"github.com/cairn-nix/cairn/storepath"
)

// The local store is a Store.
var _ evalstore.Store = (*store.Local)(nil)

// memStore is a store in memory, enough for the glue's writing side.
type memStore struct {
	refs  map[storepath.StorePath][]storepath.StorePath
	texts map[storepath.StorePath]string
	dumps int
}

func newMemStore() *memStore {
	return &memStore{refs: map[storepath.StorePath][]storepath.StorePath{}, texts: map[storepath.StorePath]string{}}
}

func (m *memStore) IsValid(p storepath.StorePath) (bool, error) {
	_, ok := m.refs[p]
	return ok, nil
}

func (m *memStore) References(p storepath.StorePath) ([]storepath.StorePath, error) {
	return m.refs[p], nil
}

func (m *memStore) ReadDerivation(p storepath.StorePath) (*derivation.Derivation, error) {
	return derivation.Parse([]byte(m.texts[p]), p.Name()[:len(p.Name())-len(".drv")])
}

func (m *memStore) AddDump(r io.Reader, name string, method storepath.Method, algo nixhash.Algorithm, refs []storepath.StorePath) (storepath.StorePath, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return storepath.StorePath{}, err
	}
	if method == storepath.NAR {
		if _, err := nar.List(bytes.NewReader(data)); err != nil {
			return storepath.StorePath{}, err
		}
	}
	p, err := storepath.Default.MakeFixedOutputPath(name, method, nixhash.Sum(algo, data), storepath.References{Others: refs})
	if err == nil {
		m.refs[p] = refs
		m.dumps++
	}
	return p, err
}

func (m *memStore) AddText(name, text string, refs []storepath.StorePath) (storepath.StorePath, error) {
	p, err := storepath.Default.MakeTextPath(name, nixhash.SumString(nixhash.SHA256, text), refs)
	if err == nil {
		m.refs[p] = refs
		m.texts[p] = text
	}
	return p, err
}

// TestWritingStore checks that with a writable store, paths and .drv
// files are added where they were computed, and that a derivation's
// drvPath in another derivation brings its closure (which read-only
// evaluation cannot give), as recorded from `nix-instantiate` (not
// --eval) of the same expression.
func TestWritingStore(t *testing.T) {
	st := newMemStore()
	ev, err := evalstore.New(eval.Settings{}, evalstore.Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := `let
  a = derivation { name = "a"; builder = "/bin/sh"; system = "x86_64-linux"; src = builtins.toFile "s" "x"; };
  b = derivation { name = "b"; builder = "/bin/sh"; system = "x86_64-linux"; x = a.drvPath; };
in [ b.drvPath "${./f}" (builtins.path { path = ./f; recursive = false; }) ]`
	e, err := ev.ParseString(src, dir)
	if err != nil {
		t.Fatal(err)
	}
	v, err := ev.Eval(e)
	if err == nil {
		err = ev.ForceDeep(v)
	}
	if err != nil {
		t.Fatal(err.(*eval.Error).Render(true))
	}
	got, err := ev.PrintAmbiguous(v)
	if err != nil {
		t.Fatal(err)
	}
	want := `[ "/nix/store/cxhbv04sgjhq27f51sgqgpzm9s4ykcw5-b.drv" "/nix/store/ab3li50xq0nl4q5lxdyinb8w8y13my9s-f" "/nix/store/hrbblgbxbvz8al5a8l85i8giajyajiwj-f" ]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	b, _ := storepath.ParseBaseName("cxhbv04sgjhq27f51sgqgpzm9s4ykcw5-b.drv")
	wantDrv := `Derive([("out","/nix/store/nvyglisy6g7kbg531j6049lkxl86c0cp-b","","")],[("/nix/store/06f1w09sswxxhnhjdw2f41w8wn7pffvf-a.drv",["out"])],["/nix/store/06f1w09sswxxhnhjdw2f41w8wn7pffvf-a.drv","/nix/store/qi890a9493c7dwya6c1v4f88ijm3hz8i-s"],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("name","b"),("out","/nix/store/nvyglisy6g7kbg531j6049lkxl86c0cp-b"),("system","x86_64-linux"),("x","/nix/store/06f1w09sswxxhnhjdw2f41w8wn7pffvf-a.drv")])`
	if st.texts[b] != wantDrv {
		t.Errorf("b.drv:\n%s\nwant\n%s", st.texts[b], wantDrv)
	}
	if st.dumps != 2 {
		t.Errorf("%d paths added by dump, want 2", st.dumps)
	}
}

// TestImportDerivation checks import of a .drv in the store against
// `nix-instantiate --eval --read-write-mode` of the same expression.
func TestImportDerivation(t *testing.T) {
	ev, err := evalstore.New(eval.Settings{}, evalstore.Options{Store: newMemStore()})
	if err != nil {
		t.Fatal(err)
	}
	src := `let a = derivation { name = "a"; builder = "/bin/sh"; system = "x86_64-linux"; outputs = ["out" "dev"]; }; i = import a.drvPath; in [ (builtins.attrNames i) i.outPath i.dev.outPath i.drvPath i.name i.outputName i.type (builtins.length i.all) ]`
	e, err := ev.ParseString(src, "/")
	if err != nil {
		t.Fatal(err)
	}
	v, err := ev.Eval(e)
	if err == nil {
		err = ev.ForceDeep(v)
	}
	if err != nil {
		t.Fatal(err.(*eval.Error).Render(true))
	}
	got, _ := ev.PrintAmbiguous(v)
	want := `[ [ "all" "dev" "drvPath" "name" "out" "outPath" "outputName" "type" ] "/nix/store/0pymnpkxynhvm2q42p711hj7rpj8k1aw-a-dev" "/nix/store/0pymnpkxynhvm2q42p711hj7rpj8k1aw-a-dev" "/nix/store/wnvld3im7bgzcx9iplxdvvmk9nwx98bq-a.drv" "a" "dev" "derivation" 2 ]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestLocalStore instantiates into a real local store (a chroot store in
// a temporary directory) and reads the .drv back, as recorded from
// `nix-instantiate` of the same expression.
func TestLocalStore(t *testing.T) {
	root := t.TempDir()
	st, err := store.OpenConfig(store.RootConfig(root))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ev, err := evalstore.New(eval.Settings{}, evalstore.Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	src := `let
  a = derivation { name = "a"; builder = "/bin/sh"; system = "x86_64-linux"; src = builtins.toFile "s" "x"; };
  b = derivation { name = "b"; builder = "/bin/sh"; system = "x86_64-linux"; x = a.drvPath; };
in b.drvPath`
	e, err := ev.ParseString(src, root)
	if err != nil {
		t.Fatal(err)
	}
	v, err := ev.Eval(e)
	if err == nil {
		err = ev.ForceDeep(v)
	}
	if err != nil {
		t.Fatal(err.(*eval.Error).Render(true))
	}
	got, _ := ev.PrintAmbiguous(v)
	if want := `"/nix/store/cxhbv04sgjhq27f51sgqgpzm9s4ykcw5-b.drv"`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	b, _ := storepath.ParseBaseName("cxhbv04sgjhq27f51sgqgpzm9s4ykcw5-b.drv")
	d, err := st.ReadDerivation(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.InputSrcs) != 2 || len(d.InputDrvs) != 1 {
		t.Errorf("b.drv inputs: %v %v", d.InputSrcs, d.InputDrvs)
	}
}
