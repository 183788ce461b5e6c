package build_test

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/cairn-nix/cairn/build"
	"github.com/cairn-nix/cairn/storepath"
)

var keepCorpus = flag.String("keep-corpus", "", "leave the instantiated (unbuilt) corpus store in this directory, for scripts/record-build-goldens")

// TestRefnixCorpus builds testdata/corpus.nix in the sandbox and compares
// the outputs' paths, NAR hashes, sizes and references with what real
// Nix 2.34 recorded in testdata/corpus.golden (its --dump-db text), when
// the busybox here is the one the goldens were recorded with.
func TestRefnixCorpus(t *testing.T) {
	e, b := sandboxEnv(t)
	golden, err := os.ReadFile("testdata/corpus.golden")
	if err != nil && *keepCorpus == "" {
		t.Skip("no testdata/corpus.golden")
	}
	want := string(golden)
	if *keepCorpus == "" && !strings.Contains(want, "# busybox "+e.bb+"\n") {
		t.Skipf("busybox is %s here; the goldens were recorded with another (re-record with scripts/record-build-goldens)", e.bb)
	}
	drvs := e.instantiate(`import ` + mustAbs(t, "testdata/corpus.nix") + ` { bb = builtins.storePath "` + e.bb + `"; }`)
	var outs []storepath.StorePath
	for _, d := range drvs {
		drv, err := e.st.ReadDerivation(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range drv.OutputNames() {
			p, _, _ := drv.OutputPath(e.st.Dir(), n)
			outs = append(outs, p)
		}
	}
	if *keepCorpus != "" {
		var sb strings.Builder
		for _, d := range drvs {
			sb.WriteString(e.st.PrintPath(d) + "\n")
		}
		os.WriteFile(e.dir+"/drvs.txt", []byte(sb.String()), 0o644)
		os.WriteFile(e.dir+"/busybox.txt", []byte(e.bb+"\n"), 0o644)
		e.st.Close()
		if err := os.Rename(e.dir, *keepCorpus); err != nil {
			t.Fatal(err)
		}
		return
	}
	if _, err := b.Realise(targets(drvs)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := e.st.DumpDB(&buf, outs); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	want = want[strings.Index(want, "\n")+1:]
	if got != want {
		t.Fatalf("outputs differ from real Nix's:\n--- got\n%s--- want\n%s", got, want)
	}
	_ = build.ExitStatus
}

func mustAbs(t *testing.T, p string) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd + "/" + p
}
