package build_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/cairn-nix/cairn/build"
	"github.com/cairn-nix/cairn/nixhash"
)

// sandboxEnv is a chroot store (logical /nix/store) whose builds run in
// the sandbox; it skips when namespaces cannot be made.
func sandboxEnv(t *testing.T) (*env, *build.Builder) {
	e := newEnv(t, false)
	o := build.DefaultOptions()
	o.MaxJobs = 2
	b := build.New(e.st, o)
	drvs := e.instantiate(`sh "probe" "echo > $out" {}`)
	if _, err := b.Realise(targets(drvs)); err != nil {
		if strings.Contains(err.Error(), "user namespaces are not available") {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	return e, b
}

func TestSandboxIsolation(t *testing.T) {
	e, b := sandboxEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "secret") }))
	secret := e.dir + "/host-secret"
	os.WriteFile(secret, []byte("x"), 0o644)
	script := `exec > $out 2>&1
echo id=$(id -u):$(id -g) host=$(hostname) pwd=$PWD home=$HOME
wget -q -T 2 -O - http://` + ln.Addr().String() + `/ && echo NET-REACHED || echo no-net
cat ` + secret + ` && echo HOST-READ || echo no-host
touch ` + e.bb + `/x && echo STORE-WRITTEN || echo no-store-write
touch /etc/x && echo ROOT-WRITTEN || echo no-root-write
ls /dev | tr '\n' ' '; echo
ls /nix/store | wc -l
`
	drvs := e.instantiate(`sh "iso" ''` + script + `'' {}`)
	if _, err := b.Realise(targets(drvs)); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(e.realOutput(drvs[0]))
	got := string(data)
	t.Log(got)
	for _, want := range []string{"id=1000:100 host=localhost pwd=/build home=/homeless-shelter", "no-net", "no-host", "no-store-write", "no-root-write", "null ", "ptmx", "pts", "shm", "urandom", "zero"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q", want)
		}
	}
	// The store shows the busybox input and the output being built.
	if !strings.HasSuffix(got, "2\n") {
		t.Errorf("store listing: %q", got)
	}
}

func TestFixedOutputFetch(t *testing.T) {
	e, b := sandboxEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "payload\n") }))
	good := nixhash.SumString(nixhash.SHA256, "payload\n").SRI()
	url := "http://" + ln.Addr().String() + "/f"
	drvs := e.instantiate(`derivation { name = "f"; system = "builtin"; builder = "builtin:fetchurl"; url = "` + url + `";
	  outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = "` + good + `"; }`)
	if _, err := b.Realise(targets(drvs)); err != nil {
		t.Fatal(err)
	}
	for _, d := range drvs {
		data, _ := os.ReadFile(e.realOutput(d))
		if string(data) != "payload\n" {
			t.Fatalf("%s: %q", d, data)
		}
	}
	bad := nixhash.SumString(nixhash.SHA256, "other").SRI()
	drvs = e.instantiate(`sh "fod" "echo payload > $out" { outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = "` + bad + `"; }`)
	_, err = b.Realise(targets(drvs))
	if err == nil || !strings.Contains(err.Error(), "specified: "+bad) || !strings.Contains(err.Error(), "got:    "+good) {
		t.Fatalf("error: %v", err)
	}
	if build.ExitStatus(err) != 102 {
		t.Fatalf("exit status %d", build.ExitStatus(err))
	}
	if v, _ := e.st.IsValid(mustParse(t, e, e.output(drvs[0]))); v {
		t.Fatal("mismatched output registered")
	}
}

func TestSandboxEnvironment(t *testing.T) {
	e, b := sandboxEnv(t)
	drvs := e.instantiate(`sh "envtest" "env | sort > $out; cat $fooPath >> $out" { passAsFile = ["foo"]; foo = "file content"; }`)
	if _, err := b.Realise(targets(drvs)); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(e.realOutput(drvs[0]))
	got := string(data)
	for _, want := range []string{"HOME=/homeless-shelter\n", "NIX_BUILD_TOP=/build\n", "NIX_LOG_FD=2\n", "NIX_STORE=/nix/store\n", "TERM=xterm-256color\n", "TMPDIR=/build\n", "fooPath=/build/.attr-", "file content"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}
