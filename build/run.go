package build

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"

	"github.com/cairn-nix/cairn/derivation"
	"github.com/cairn-nix/cairn/store"
	"github.com/cairn-nix/cairn/storepath"
)

// job is one derivation being built: where its files are on the host and
// what the builder sees.
type job struct {
	g         *goal
	sandboxed bool
	// top is the build directory on the host; topIn as the builder sees it.
	top, topIn string
	// chroot is the directory on the host that the sandbox shows as the
	// store (the root is a tmpfs of the sandbox's own); outputs are made
	// in it, by builders and builtins alike.
	chroot  string
	inputs  []storepath.StorePath // the input closure
	env     *builderEnv
	log     *logSink
	builder string
	args    []string
}

// buildGoal builds one derivation and registers its outputs.
func (b *Builder) buildGoal(g *goal) error {
	drvName := b.st.PrintPath(g.drvPath)
	var outs []storepath.StorePath
	for _, op := range g.outputs {
		outs = append(outs, op)
	}
	locks, err := b.st.LockPaths(outs)
	if err != nil {
		return err
	}
	// The lock files go once the outputs are valid, as Nix's do.
	valid := false
	defer func() { locks.Unlock(valid) }()
	if !g.check {
		// Another process may have built it while we waited for the locks.
		all := true
		for _, op := range outs {
			v, err := b.st.IsValid(op)
			if err != nil {
				return err
			}
			all = all && v
		}
		if all {
			valid = true
			return nil
		}
	}
	if err := b.checkPlatform(g); err != nil {
		return err
	}
	j := &job{g: g, chroot: b.st.RealPath(g.drvPath) + ".chroot"}
	if j.inputs, err = b.inputClosure(g); err != nil {
		return err
	}
	j.sandboxed, err = b.useSandbox(g)
	if err != nil {
		return err
	}
	if !j.sandboxed && !g.drv.IsBuiltin() {
		cfg := b.st.Config()
		if cfg.RealStoreDir != cfg.StoreDir {
			return fmt.Errorf("cannot build '%s' without the sandbox: the store's real directory '%s' differs from its logical one '%s'", drvName, cfg.RealStoreDir, cfg.StoreDir)
		}
		if g.check {
			return fmt.Errorf("checking '%s' needs the sandbox in Cairn", drvName)
		}
	}
	// Leftovers of an interrupted build are removed under the locks.
	if err := store.DeletePath(j.chroot); err != nil {
		return err
	}
	if !j.sandboxed && !g.check {
		for _, op := range outs {
			if err := store.DeletePath(b.st.RealPath(op)); err != nil {
				return err
			}
		}
	}
	top, err := b.makeTopDir(g.drvPath.Name())
	if err != nil {
		return err
	}
	j.top = top.path
	j.topIn = j.top
	if j.sandboxed {
		j.topIn = "/build"
	}
	j.log, err = b.openLog(g.drvPath)
	if err != nil {
		top.release(false)
		return err
	}
	keep := false
	defer func() {
		j.log.close()
		top.release(keep && b.opts.KeepFailed)
		store.DeletePath(j.chroot)
	}()
	outPaths := map[string]string{}
	for n, op := range g.outputs {
		outPaths[n] = b.st.PrintPath(op)
	}
	rewrite := placeholderRewriter(outPaths)
	j.env, err = makeEnv(g.drv, g.typ.IsFixed(), b.st.Dir().Path(), j.topIn, b.opts.Cores, outPaths, rewrite)
	if err != nil {
		return err
	}
	for name, content := range j.env.files {
		if err := os.WriteFile(filepath.Join(j.top, name), []byte(content), 0o600); err != nil {
			return fmt.Errorf("writing '%s' in the build directory: %w", name, err)
		}
	}
	j.builder = rewrite(g.drv.Builder)
	for _, a := range g.drv.Args {
		j.args = append(j.args, rewrite(a))
	}
	var runErr error
	switch {
	case g.drv.IsBuiltin():
		runErr = b.runBuiltin(j)
	case j.sandboxed:
		runErr = b.runSandboxed(j)
	default:
		runErr = b.runUnsandboxed(j)
	}
	j.log.flush()
	if runErr != nil {
		keep = true
		return b.builderFailure(j, runErr)
	}
	if err := b.registerOutputs(j); err != nil {
		return err
	}
	valid = !g.check
	return nil
}

// outputLocation is where output name is on the host after the builder.
func (b *Builder) outputLocation(j *job, name string) string {
	op := j.g.outputs[name]
	if j.sandboxed || j.g.drv.IsBuiltin() {
		return filepath.Join(j.chroot, op.String())
	}
	return b.st.RealPath(op)
}

// builderFailure words a failed builder as Nix 2.34 does.
func (b *Builder) builderFailure(j *job, err error) error {
	var ee *exec.ExitError
	reason := err.Error()
	if errors.As(err, &ee) {
		reason = "builder " + statusText(ee.ProcessState.Sys().(syscall.WaitStatus))
	}
	drvName := b.st.PrintPath(j.g.drvPath)
	msg := fmt.Sprintf("Cannot build '%s'.\nReason: %s.", drvName, reason)
	msg += b.knownOutputs(j.g)
	if tail := j.log.tail(); len(tail) > 0 {
		msg += fmt.Sprintf("\nLast %d log lines:\n", len(tail))
		for _, l := range tail {
			msg += "> " + l + "\n"
		}
		msg += "For full logs, run:\n  nix-store -l " + drvName
	}
	return &Error{Drv: drvName, Kind: failBuild, Msg: msg}
}

func (b *Builder) knownOutputs(g *goal) string {
	var ps []string
	for _, op := range g.outputs {
		ps = append(ps, b.st.PrintPath(op))
	}
	sort.Strings(ps)
	if len(ps) == 0 {
		return ""
	}
	return "\nOutput paths:\n  " + strings.Join(ps, "\n  ")
}

func statusText(ws syscall.WaitStatus) string {
	switch {
	case ws.Exited():
		return fmt.Sprintf("failed with exit code %d", ws.ExitStatus())
	case ws.Signaled():
		return fmt.Sprintf("failed due to signal %d (%s)", int(ws.Signal()), signalDescription(ws.Signal()))
	}
	return "died abnormally"
}

// signalDescription is strsignal's text (Go's names start in lower case).
func signalDescription(s syscall.Signal) string {
	d := s.String()
	if d == "" {
		return d
	}
	return strings.ToUpper(d[:1]) + d[1:]
}

// checkPlatform refuses derivations for another system.
func (b *Builder) checkPlatform(g *goal) error {
	if g.drv.IsBuiltin() || g.drv.Platform == "builtin" {
		return nil
	}
	me := thisSystem()
	if g.drv.Platform == me {
		return nil
	}
	return &Error{Drv: b.st.PrintPath(g.drvPath), Kind: failOther, Msg: fmt.Sprintf(
		"Cannot build '%s'.\nReason: required system or feature not available\nRequired system: '%s' with features {}\nCurrent system: '%s' with features {}",
		b.st.PrintPath(g.drvPath), g.drv.Platform, me)}
}

func thisSystem() string {
	switch runtime.GOARCH {
	case "amd64":
		return "x86_64-linux"
	case "arm64":
		return "aarch64-linux"
	case "386":
		return "i686-linux"
	}
	return runtime.GOARCH + "-" + runtime.GOOS
}

// inputClosure is the closure of the input sources and the wanted outputs
// of the input derivations: what the sandbox shows the builder.
func (b *Builder) inputClosure(g *goal) ([]storepath.StorePath, error) {
	roots := append([]storepath.StorePath(nil), g.drv.InputSrcs...)
	for _, in := range g.drv.InputDrvs {
		d, err := b.readDerivation(in.Path)
		if err != nil {
			return nil, err
		}
		for _, n := range in.Outputs {
			op, ok, err := d.OutputPath(b.st.Dir(), n)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("derivation '%s' has no output '%s'", b.st.PrintPath(in.Path), n)
			}
			roots = append(roots, op)
		}
	}
	if len(roots) == 0 {
		return nil, nil
	}
	return b.st.Closure(roots, false, false, false)
}

// useSandbox decides whether g is built in the sandbox.
func (b *Builder) useSandbox(g *goal) (bool, error) {
	if g.drv.IsBuiltin() {
		return false, nil
	}
	if b.opts.Sandbox == SandboxOff || (b.opts.Sandbox == SandboxRelaxed && g.drv.Env["__noChroot"] == "1") {
		return false, nil
	}
	if g.drv.Env["__noChroot"] == "1" {
		return false, &Error{Drv: b.st.PrintPath(g.drvPath), Kind: failOther, Msg: fmt.Sprintf(
			"derivation '%s' has '__noChroot' set, but that's not allowed when 'sandbox' is 'true'", b.st.PrintPath(g.drvPath))}
	}
	if err := sandboxAvailable(); err != nil {
		if b.opts.Sandbox == SandboxRelaxed {
			return false, nil
		}
		return false, fmt.Errorf("cannot build '%s' in a sandbox: %v; set 'sandbox = false' to build without one", b.st.PrintPath(g.drvPath), err)
	}
	return true, nil
}

// placeholderRewriter replaces the hash placeholders of outputs by their
// paths, as Nix's inputRewrites do.
func placeholderRewriter(outputs map[string]string) func(string) string {
	var pairs []string
	for n, p := range outputs {
		pairs = append(pairs, derivation.HashPlaceholder(n), p)
	}
	r := strings.NewReplacer(pairs...)
	return r.Replace
}

// runUnsandboxed runs the builder on the host, in its own process group
// so that everything it started can be killed at the end.
func (b *Builder) runUnsandboxed(j *job) error {
	cmd := exec.Command(j.builder, j.args...)
	cmd.Args[0] = j.builder
	cmd.Env = j.env.list()
	cmd.Dir = j.top
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	return runWithLog(cmd, j.log, func(pid int) { syscall.Kill(-pid, syscall.SIGKILL) })
}

// runWithLog starts cmd with its output going to the log, waits for it,
// calls cleanup (to kill what it left behind) and waits for the output
// to end.
func runWithLog(cmd *exec.Cmd, log *logSink, cleanup func(pid int)) error {
	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		return fmt.Errorf("executing '%s': %w", cmd.Path, unwrapExec(err))
	}
	pw.Close()
	copied := make(chan struct{})
	go func() {
		io.Copy(log, pr)
		close(copied)
	}()
	werr := cmd.Wait()
	if cleanup != nil {
		cleanup(cmd.Process.Pid)
	}
	<-copied
	pr.Close()
	return werr
}

func unwrapExec(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
