package build_test

import (
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairn-nix/cairn/build"
	"github.com/cairn-nix/cairn/storepath"
)

func TestUnsandboxedChain(t *testing.T) {
	e := newEnv(t, true)
	drvs := e.instantiate(`let a = sh "a" "echo hello > $out" {}; in sh "b" "echo built b; cat ${a} > $out; echo ${a} >> $out" {}`)
	o := build.DefaultOptions()
	o.Sandbox = build.SandboxOff
	b := build.New(e.st, o)
	if _, err := b.Realise(targets(drvs)); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(e.realOutput(drvs[0]))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "hello\n") {
		t.Fatalf("output: %q", data)
	}
	p, _ := e.st.ParsePath(e.output(drvs[0]))
	info, err := e.st.PathInfo(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.References) != 1 || !strings.HasSuffix(info.References[0].String(), "-a") {
		t.Fatalf("references: %v", info.References)
	}
	if info.Deriver != drvs[0] {
		t.Fatalf("deriver %v", info.Deriver)
	}
	logText, err := build.ReadLog(e.st.Config().LogDir, drvs[0])
	if err != nil || string(logText) != "built b\n" {
		t.Fatalf("log %q %v", logText, err)
	}
	// A second run builds nothing.
	pl, err := b.Plan(targets(drvs))
	if err != nil || len(pl.ToBuild) != 0 {
		t.Fatalf("plan after build: %v %v", pl, err)
	}
}

func TestFailureMessage(t *testing.T) {
	e := newEnv(t, true)
	drvs := e.instantiate(`sh "bad" "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo line $i; done; exit 3" {}`)
	o := build.DefaultOptions()
	o.Sandbox = build.SandboxOff
	_, err := build.New(e.st, o).Realise(targets(drvs))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	drv := e.st.PrintPath(drvs[0])
	want := "Cannot build '" + drv + "'.\nReason: builder failed with exit code 3.\nOutput paths:\n  " + e.output(drvs[0]) +
		"\nLast 10 log lines:\n> line 3\n"
	if !strings.HasPrefix(msg, want) || !strings.HasSuffix(msg, "> line 12\nFor full logs, run:\n  nix-store -l "+drv) {
		t.Fatalf("message:\n%s", msg)
	}
	if build.ExitStatus(err) != 100 {
		t.Fatalf("exit status %d", build.ExitStatus(err))
	}
	if v, _ := e.st.IsValid(mustParse(t, e, e.output(drvs[0]))); v {
		t.Fatal("failed output registered")
	}
}

func mustParse(t *testing.T, e *env, p string) storepath.StorePath {
	sp, err := e.st.ParsePath(p)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

// countEvents records how many builds run at once.
type countEvents struct {
	mu                  sync.Mutex
	running, max, total int
	started             atomic.Int32
}

func (c *countEvents) Planned(n int) { c.total = n }
func (c *countEvents) Started(storepath.StorePath, string) {
	c.mu.Lock()
	c.running++
	if c.running > c.max {
		c.max = c.running
	}
	c.mu.Unlock()
	c.started.Add(1)
}
func (c *countEvents) Log(storepath.StorePath, string) {}
func (c *countEvents) Finished(storepath.StorePath, error) {
	c.mu.Lock()
	c.running--
	c.mu.Unlock()
}
func (c *countEvents) Error(string) {}

func TestKeepGoing(t *testing.T) {
	e := newEnv(t, true)
	drvs := e.instantiate(`let bad = sh "bad" "exit 1" {}; good = sh "good" "echo > $out" {}; in [ (sh "top" "echo ${bad} > $out" {}) good ]`)
	o := build.DefaultOptions()
	o.Sandbox = build.SandboxOff
	o.KeepGoing = true
	_, err := build.New(e.st, o).Realise(targets(drvs))
	if err == nil || !strings.Contains(err.Error(), "build of ") {
		t.Fatalf("error: %v", err)
	}
	if v, _ := e.st.IsValid(mustParse(t, e, e.output(drvs[1]))); !v {
		t.Fatal("good was not built with --keep-going")
	}
}

func TestDiamondParallel(t *testing.T) {
	e := newEnv(t, true)
	// 200 derivations: a root, 198 middles each depending on it, and a top
	// depending on all middles; each sleeps a little so that overlap shows.
	drvs := e.instantiate(`let root = sh "root" "echo root > $out" {};
	  mids = builtins.genList (i: sh "mid-${toString i}" "sleep 0.02; echo ${root} ${toString i} > $out" {}) 198;
	in sh "top" "cat ${builtins.concatStringsSep " " (map toString mids)} > $out" {}`)
	o := build.DefaultOptions()
	o.Sandbox = build.SandboxOff
	o.MaxJobs = 2
	ce := &countEvents{}
	o.Events = ce
	start := time.Now()
	if _, err := build.New(e.st, o).Realise(targets(drvs)); err != nil {
		t.Fatal(err)
	}
	t.Logf("200 derivations with -j2 in %v", time.Since(start))
	if ce.total != 200 || ce.started.Load() != 200 {
		t.Fatalf("planned %d, started %d", ce.total, ce.started.Load())
	}
	if ce.max != 2 {
		t.Fatalf("at most %d builds at once, want 2", ce.max)
	}
}
