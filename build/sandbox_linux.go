package build

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
	Root     string      // the chroot directory on the host
	StoreDir string      // the store directory inside
	Binds    []bindMount // host paths shown inside
	Network  bool        // keep the host's network (fixed outputs)
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

// prepareChroot makes the sandbox's root directory beside the .drv in the
// store (so outputs can be renamed into place): /etc files, the store
// directory, and a mount point for everything bind-mounted.
func (b *Builder) prepareChroot(j *job) (*sandboxConfig, error) {
	root := j.chroot
	storeDir := b.st.Dir().Path()
	cfg := &sandboxConfig{Root: root, StoreDir: storeDir, Network: j.g.typ.IsFixed(),
		Builder: j.builder, Args: j.args}
	cfg.Env = j.env.list()
	for _, d := range []string{"etc", "build", "proc", "dev", storeDir[1:]} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return nil, err
		}
	}
	files := map[string]string{
		"etc/passwd": fmt.Sprintf("root:x:0:0:Nix build user:/build:/noshell\nnixbld:x:%d:%d:Nix build user:/build:/noshell\nnobody:x:65534:65534:Nobody:/:/noshell\n", sandboxUID, sandboxGID),
		"etc/group":  fmt.Sprintf("root:x:0:\nnixbld:!:%d:\nnogroup:x:65534:\n", sandboxGID),
	}
	if cfg.Network {
		files["etc/nsswitch.conf"] = "hosts: files dns\nservices: files\n"
	} else {
		files["etc/hosts"] = "127.0.0.1 localhost\n::1 localhost\n"
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o444); err != nil {
			return nil, err
		}
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
	// Mount points: an empty directory or file of the source's kind; a
	// symlink is copied, since a bind mount would follow it.
	kept := cfg.Binds[:0]
	for _, m := range cfg.Binds {
		target := filepath.Join(root, m.Inside)
		fi, err := os.Lstat(m.Host)
		if err != nil {
			if m.Optional {
				continue
			}
			return nil, fmt.Errorf("getting status of '%s': %w", m.Host, err)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return nil, err
		}
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			l, err := os.Readlink(m.Host)
			if err != nil {
				return nil, err
			}
			if err := os.Symlink(l, target); err != nil && !os.IsExist(err) {
				return nil, err
			}
			continue
		case fi.IsDir():
			if err := os.MkdirAll(target, 0o755); err != nil {
				return nil, err
			}
		default:
			f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY, 0o444)
			if err != nil {
				return nil, err
			}
			f.Close()
		}
		kept = append(kept, m)
	}
	cfg.Binds = kept
	return cfg, nil
}
