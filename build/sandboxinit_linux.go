package build

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// sandboxInitEnv, when set in the environment, makes this process the
// sandbox's init instead of whatever program imported this package.
const sandboxInitEnv = "_CAIRN_SANDBOX_INIT"

// initFailure is the init's exit code when setting up fails.
const initFailure = 125

// The init runs before main: the builder process re-executes its own
// binary in fresh namespaces, and this package's init takes over there.
// Exiting here is the one place this package ends the process, since
// the process exists only to become the builder.
func init() {
	switch os.Getenv(sandboxInitEnv) {
	case "":
		return
	case "probe":
		os.Exit(0)
	}
	if err := sandboxInit(); err != nil {
		fmt.Fprintf(os.Stderr, "sandbox setup: %v\n", err)
		os.Exit(initFailure)
	}
}

func sandboxInit() error {
	f := os.NewFile(3, "config")
	var cfg sandboxConfig
	if err := json.NewDecoder(f).Decode(&cfg); err != nil {
		return fmt.Errorf("reading the configuration: %w", err)
	}
	f.Close()
	// The root is a tmpfs mounted over the host directory that becomes
	// the store inside; that directory stays reachable through an fd.
	root := cfg.Root
	storeFd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening '%s': %w", root, err)
	}
	if err := unix.Mount("", "/", "", unix.MS_PRIVATE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("making '/' private: %w", err)
	}
	if err := unix.Mount("none", root, "tmpfs", 0, "mode=0755"); err != nil {
		return fmt.Errorf("mounting the sandbox root: %w", err)
	}
	for _, d := range []string{"etc", "build", "proc", "dev", cfg.StoreDir[1:]} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return err
		}
	}
	for name, content := range cfg.Files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o444); err != nil {
			return err
		}
	}
	// The store directory is a mount of its own, so it stays writable
	// (for the outputs) when the root is made read-only.
	storeIn := filepath.Join(root, cfg.StoreDir)
	if err := unix.Mount(fmt.Sprintf("/proc/self/fd/%d", storeFd), storeIn, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind-mounting '%s': %w", storeIn, err)
	}
	unix.Close(storeFd)
	for _, m := range cfg.Binds {
		target := filepath.Join(root, m.Inside)
		made, err := mountPoint(m, target)
		if err != nil {
			return err
		}
		if !made {
			continue
		}
		if err := bind(m.Host, target, !m.Writable); err != nil {
			return err
		}
	}
	if err := setupDev(filepath.Join(root, "dev")); err != nil {
		return err
	}
	// /proc must be mounted while the host's /proc is still visible:
	// after pivot_root the kernel refuses it in a user namespace.
	if err := unix.Mount("none", filepath.Join(root, "proc"), "proc", 0, ""); err != nil {
		return fmt.Errorf("mounting /proc: %w", err)
	}
	if err := unix.Sethostname([]byte("localhost")); err != nil {
		return fmt.Errorf("setting the host name: %w", err)
	}
	if err := unix.Setdomainname([]byte("(none)")); err != nil {
		return fmt.Errorf("setting the domain name: %w", err)
	}
	if !cfg.Network {
		if err := loopbackUp(); err != nil {
			return err
		}
	}
	if err := unix.Mount("", root, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY|lockedFlags(root), ""); err != nil {
		return fmt.Errorf("making the sandbox root read-only: %w", err)
	}
	if err := unix.Chdir(root); err != nil {
		return err
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("unmounting the old root: %w", err)
	}
	if err := unix.Chdir("/build"); err != nil {
		return err
	}
	// The builder gets no capabilities: it is uid 1000, not root.
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil {
		return fmt.Errorf("dropping capabilities: %w", err)
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("setting no_new_privs: %w", err)
	}
	argv := append([]string{cfg.Builder}, cfg.Args...)
	err = syscall.Exec(cfg.Builder, argv, cfg.Env)
	return fmt.Errorf("executing '%s': %w", cfg.Builder, err)
}

// mountPoint makes an empty directory or file of the kind of m's source
// at target; a symlink is copied instead, since a bind mount would follow
// it. It reports whether target is to be mounted on.
func mountPoint(m bindMount, target string) (bool, error) {
	fi, err := os.Lstat(m.Host)
	if err != nil {
		if m.Optional {
			return false, nil
		}
		return false, fmt.Errorf("getting status of '%s': %w", m.Host, err)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return false, err
	}
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		l, err := os.Readlink(m.Host)
		if err != nil {
			return false, err
		}
		if err := os.Symlink(l, target); err != nil && !os.IsExist(err) {
			return false, err
		}
		return false, nil
	case fi.IsDir():
		if err := os.MkdirAll(target, 0o755); err != nil {
			return false, err
		}
	default:
		f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY, 0o444)
		if err != nil {
			return false, err
		}
		f.Close()
	}
	return true, nil
}

// bind mounts host at target, read-only if asked. The remount has to
// repeat the flags the kernel locks in a user namespace (nosuid, nodev,
// ...), or it is refused.
func bind(host, target string, readOnly bool) error {
	if err := unix.Mount(host, target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("bind-mounting '%s' to '%s': %w", host, target, err)
	}
	if !readOnly {
		return nil
	}
	flags := uintptr(unix.MS_REMOUNT | unix.MS_BIND | unix.MS_RDONLY | lockedFlags(target))
	if err := unix.Mount("", target, "", flags, ""); err != nil {
		return fmt.Errorf("making '%s' read-only: %w", target, err)
	}
	return nil
}

func lockedFlags(p string) uintptr {
	var st unix.Statfs_t
	if unix.Statfs(p, &st) != nil {
		return 0
	}
	var f uintptr
	for _, m := range [][2]int64{{unix.ST_NOSUID, unix.MS_NOSUID}, {unix.ST_NODEV, unix.MS_NODEV}, {unix.ST_NOEXEC, unix.MS_NOEXEC},
		{unix.ST_NOATIME, unix.MS_NOATIME}, {unix.ST_NODIRATIME, unix.MS_NODIRATIME}, {unix.ST_RELATIME, unix.MS_RELATIME}} {
		if st.Flags&m[0] != 0 {
			f |= uintptr(m[1])
		}
	}
	return f
}

// setupDev makes Nix's minimal /dev: a few host devices, a private
// devpts, /dev/shm and the fd links.
func setupDev(dev string) error {
	if err := unix.Mount("none", dev, "tmpfs", unix.MS_NOSUID, "mode=0755"); err != nil {
		return fmt.Errorf("mounting /dev: %w", err)
	}
	for _, d := range []string{"full", "null", "random", "tty", "urandom", "zero"} {
		target := filepath.Join(dev, d)
		if err := os.WriteFile(target, nil, 0o644); err != nil {
			return err
		}
		if _, err := os.Stat("/dev/" + d); err != nil {
			continue
		}
		if err := unix.Mount("/dev/"+d, target, "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind-mounting /dev/%s: %w", d, err)
		}
	}
	for _, d := range []string{"pts", "shm"} {
		if err := os.Mkdir(filepath.Join(dev, d), 0o755); err != nil {
			return err
		}
	}
	if err := unix.Mount("none", filepath.Join(dev, "pts"), "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"); err == nil {
		os.Symlink("pts/ptmx", filepath.Join(dev, "ptmx"))
	}
	if err := unix.Mount("none", filepath.Join(dev, "shm"), "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=1777"); err != nil {
		return fmt.Errorf("mounting /dev/shm: %w", err)
	}
	for name, target := range map[string]string{"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2"} {
		if err := os.Symlink(target, filepath.Join(dev, name)); err != nil {
			return err
		}
	}
	return nil
}

// loopbackUp brings up "lo", the one interface of a new network
// namespace.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
	if err != nil {
		return fmt.Errorf("opening an IP socket: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	ifr.SetUint16(unix.IFF_UP | unix.IFF_LOOPBACK | unix.IFF_RUNNING)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("setting the loopback interface's flags: %w", err)
	}
	return nil
}
