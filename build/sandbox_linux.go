package build

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// The sandbox user, as Nix sets it when it builds in a user namespace.
const (
	sandboxUID = 1000
	sandboxGID = 100
)

// sandboxConfig is what the in-sandbox init is told, through a pipe.
type sandboxConfig struct {
	Root     string            // the host directory shown as the store
	StoreDir string            // the store directory inside
	Files    map[string]string // files made in the root (/etc/passwd, ...)
	Binds    []bindMount       // host paths shown inside
	Network  bool              // keep the host's network (fixed outputs)
	Builder  string
	Args     []string
	Env      []string
}

type bindMount struct {
	Host, Inside string
	Writable     bool
	Optional     bool
}

var (
	sandboxOnce  sync.Once
	sandboxError error
)

// sandboxAvailable checks once whether user namespaces can be made here,
// by starting a trivial process in them.
func sandboxAvailable() error {
	sandboxOnce.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			sandboxError = err
			return
		}
		cmd := exec.Command(exe)
		cmd.Env = []string{sandboxInitEnv + "=probe"}
		cmd.SysProcAttr = sandboxAttr(false)
		if out, err := cmd.CombinedOutput(); err != nil {
			sandboxError = fmt.Errorf("user namespaces are not available (%v%s); check /proc/sys/user/max_user_namespaces", err, strings.TrimSpace(" "+string(out)))
		}
	})
	return sandboxError
}

// sandboxAttr creates the namespaces: the sandbox user maps to us, and
// the init keeps the capabilities it needs to mount (ambient, since it
// is not uid 0 inside); it drops them before running the builder.
func sandboxAttr(network bool) *syscall.SysProcAttr {
	flags := uintptr(unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWPID | unix.CLONE_NEWIPC | unix.CLONE_NEWUTS)
	if !network {
		flags |= unix.CLONE_NEWNET
	}
	return &syscall.SysProcAttr{
		Cloneflags:                 flags,
		UidMappings:                []syscall.SysProcIDMap{{ContainerID: sandboxUID, HostID: os.Getuid(), Size: 1}},
		GidMappings:                []syscall.SysProcIDMap{{ContainerID: sandboxGID, HostID: os.Getgid(), Size: 1}},
		GidMappingsEnableSetgroups: false,
		AmbientCaps:                []uintptr{unix.CAP_SYS_ADMIN, unix.CAP_NET_ADMIN, unix.CAP_SYS_CHROOT},
		Pdeathsig:                  syscall.SIGKILL,
	}
}

// runSandboxed prepares the chroot directory and runs the builder in it
// through the in-sandbox init.
func (b *Builder) runSandboxed(j *job) error {
	cfg, err := b.prepareChroot(j)
	if err != nil {
		return fmt.Errorf("preparing the sandbox: %w", err)
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	data, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	cr, cw, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd := exec.Command(exe)
	cmd.Args = []string{"cairn-sandbox-init"}
	cmd.Env = []string{sandboxInitEnv + "=1"}
	cmd.ExtraFiles = []*os.File{cr}
	cmd.SysProcAttr = sandboxAttr(cfg.Network)
	go func() {
		cw.Write(data)
		cw.Close()
	}()
	err = runWithLog(cmd, j.log, nil)
	cr.Close()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == initFailure {
		return fmt.Errorf("setting up the sandbox failed")
	}
	return err
}

// prepareChroot makes the directory the sandbox shows as the store,
// beside the .drv (so outputs can be renamed into place), and says what
// the init is to make in the sandbox's root: /etc files and the bind
// mounts. The init makes the mount points itself, in a tmpfs, so that
// little is written to (and later deleted from) the host.
func (b *Builder) prepareChroot(j *job) (*sandboxConfig, error) {
	if err := os.Mkdir(j.chroot, 0o755); err != nil {
		return nil, err
	}
	cfg := &sandboxConfig{Root: j.chroot, StoreDir: b.st.Dir().Path(), Network: j.g.typ.IsFixed(),
		Builder: j.builder, Args: j.args}
	cfg.Env = j.env.list()
	cfg.Files = map[string]string{
		"etc/passwd": fmt.Sprintf("root:x:0:0:Nix build user:/build:/noshell\nnixbld:x:%d:%d:Nix build user:/build:/noshell\nnobody:x:65534:65534:Nobody:/:/noshell\n", sandboxUID, sandboxGID),
		"etc/group":  fmt.Sprintf("root:x:0:\nnixbld:!:%d:\nnogroup:x:65534:\n", sandboxGID),
	}
	if cfg.Network {
		cfg.Files["etc/nsswitch.conf"] = "hosts: files dns\nservices: files\n"
	} else {
		cfg.Files["etc/hosts"] = "127.0.0.1 localhost\n::1 localhost\n"
	}
	cfg.Binds = append(cfg.Binds, bindMount{Host: j.top, Inside: "/build", Writable: true})
	for _, p := range j.inputs {
		cfg.Binds = append(cfg.Binds, bindMount{Host: b.st.RealPath(p), Inside: b.st.PrintPath(p)})
	}
	var extra []string
	for in := range b.opts.SandboxPaths {
		extra = append(extra, in)
	}
	sort.Strings(extra)
	for _, in := range extra {
		host := b.opts.SandboxPaths[in]
		opt := strings.HasSuffix(host, "?")
		host = strings.TrimSuffix(host, "?")
		cfg.Binds = append(cfg.Binds, bindMount{Host: host, Inside: in, Optional: opt})
	}
	if cfg.Network {
		for _, p := range []string{"/etc/resolv.conf", "/etc/services", "/etc/hosts"} {
			cfg.Binds = append(cfg.Binds, bindMount{Host: p, Inside: p, Optional: true})
		}
	}
	return cfg, nil
}
