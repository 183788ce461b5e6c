package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// mtimeStore is the modification time of everything in the store: one
// second into the epoch, so that contents alone determine a path.
const mtimeStore = 1

// ignoredACLs are the extended attributes canonicalisation leaves alone
// (Nix's default ignored-acls).
var ignoredACLs = map[string]bool{"security.selinux": true, "system.nfs4_acl": true, "security.csm": true}

// canonicalise gives a tree the metadata of a store object (Nix's
// canonicalisePathMetaData): mode 0444 or 0555 (executable files and
// directories), so no write, setuid, setgid or sticky bits; mtime 1;
// no extended attributes; owned by the current user (changed only when
// it differs, so an unprivileged user's files stay as they are). Any
// file type other than regular, directory and symlink is an error.
func canonicalise(path string) error {
	return canonNode(path, os.Geteuid(), os.Getegid(), true)
}

func canonNode(path string, uid, gid int, recurse bool) error {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return fmt.Errorf("getting status of '%s': %w", path, err)
	}
	typ := st.Mode & unix.S_IFMT
	if typ != unix.S_IFREG && typ != unix.S_IFDIR && typ != unix.S_IFLNK {
		return fmt.Errorf("file '%s' has an unsupported type", path)
	}
	if err := removeXattrs(path); err != nil {
		return err
	}
	if typ != unix.S_IFLNK {
		mode := st.Mode &^ unix.S_IFMT
		isDir := typ == unix.S_IFDIR
		if (mode != 0o444 || isDir) && mode != 0o555 {
			want := uint32(0o444)
			if isDir || st.Mode&unix.S_IXUSR != 0 {
				want |= 0o111
			}
			if err := unix.Chmod(path, want); err != nil {
				return fmt.Errorf("changing mode of '%s' to %o: %w", path, want, err)
			}
		}
	}
	if st.Mtim.Sec != mtimeStore {
		ts := []unix.Timespec{{Nsec: unix.UTIME_OMIT}, {Sec: mtimeStore}}
		if err := unix.UtimesNanoAt(unix.AT_FDCWD, path, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return fmt.Errorf("changing modification time of '%s': %w", path, err)
		}
	}
	if int(st.Uid) != uid {
		if err := unix.Lchown(path, uid, gid); err != nil {
			return fmt.Errorf("changing owner of '%s' to %d: %w", path, uid, err)
		}
	}
	if typ == unix.S_IFDIR && recurse {
		entries, err := os.ReadDir(path)
		if err != nil {
			return fmt.Errorf("reading directory '%s': %w", path, err)
		}
		for _, e := range entries {
			if err := canonNode(filepath.Join(path, e.Name()), uid, gid, true); err != nil {
				return err
			}
		}
	}
	return nil
}

func removeXattrs(path string) error {
	size, err := unix.Llistxattr(path, nil)
	if err != nil {
		if errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.ENODATA) {
			return nil
		}
		return fmt.Errorf("querying extended attributes of '%s': %w", path, err)
	}
	if size == 0 {
		return nil
	}
	buf := make([]byte, size)
	size, err = unix.Llistxattr(path, buf)
	if err != nil {
		return fmt.Errorf("querying extended attributes of '%s': %w", path, err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(buf[:size]), "\x00"), "\x00") {
		if name == "" || ignoredACLs[name] {
			continue
		}
		if err := unix.Lremovexattr(path, name); err != nil {
			return fmt.Errorf("removing extended attribute '%s' from '%s': %w", name, path, err)
		}
	}
	return nil
}

// deletePath removes a tree, making read-only directories writable first,
// and returns the bytes freed counted as Nix counts them: the size of
// each non-directory with one or two links (two, since an optimised
// store hard-links files into .links).
func deletePath(root string) (int64, error) {
	var freed int64
	var walk func(p string) error
	walk = func(p string) error {
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err != nil {
			if errors.Is(err, unix.ENOENT) {
				return nil
			}
			return fmt.Errorf("getting status of '%s': %w", p, err)
		}
		if st.Mode&unix.S_IFMT == unix.S_IFDIR {
			if st.Mode&0o700 != 0o700 {
				if err := unix.Chmod(p, 0o755); err != nil {
					return fmt.Errorf("making '%s' writable: %w", p, err)
				}
			}
			entries, err := os.ReadDir(p)
			if err != nil {
				return fmt.Errorf("reading directory '%s': %w", p, err)
			}
			for _, e := range entries {
				if err := walk(filepath.Join(p, e.Name())); err != nil {
					return err
				}
			}
			if err := unix.Rmdir(p); err != nil && !errors.Is(err, unix.ENOENT) {
				return fmt.Errorf("removing '%s': %w", p, err)
			}
			return nil
		}
		if st.Nlink == 1 || st.Nlink == 2 {
			freed += st.Size
		}
		if err := unix.Unlink(p); err != nil && !errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("removing '%s': %w", p, err)
		}
		return nil
	}
	err := walk(root)
	return freed, err
}
