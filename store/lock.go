package store

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"syscall"
)

// Nix locks with flock(2) on whole files (pathlocks.cc): a shared or an
// exclusive lock, blocking or not. Taking the same locks on the same files
// is what lets Cairn and Nix work on one store at once.

type lockType int

const (
	lockNone lockType = iota
	lockRead
	lockWrite
)

// openLockFile opens (and with create, creates with mode 0600) a lock
// file. A missing file without create gives (nil, nil).
func openLockFile(path string, create bool) (*os.File, error) {
	flags := os.O_RDWR | syscall.O_CLOEXEC
	if create {
		flags |= os.O_CREATE
	}
	f, err := os.OpenFile(path, flags, 0o600)
	if err != nil {
		if !create && errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("opening lock file '%s': %w", path, err)
	}
	return f, nil
}

// lockFile takes, changes or drops a lock on f. Without wait it reports
// false instead of blocking when another process holds a conflicting lock.
func lockFile(f *os.File, t lockType, wait bool) (bool, error) {
	return lockFd(int(f.Fd()), t, wait)
}

func lockFd(fd int, t lockType, wait bool) (bool, error) {
	how := syscall.LOCK_UN
	switch t {
	case lockRead:
		how = syscall.LOCK_SH
	case lockWrite:
		how = syscall.LOCK_EX
	}
	if !wait {
		how |= syscall.LOCK_NB
	}
	for {
		err := syscall.Flock(fd, how)
		switch {
		case err == nil:
			return true, nil
		case err == syscall.EINTR:
			continue
		case err == syscall.EWOULDBLOCK && !wait:
			return false, nil
		}
		return false, fmt.Errorf("acquiring/releasing lock: %w", err)
	}
}

// pathLocks holds exclusive locks on "<path>.lock" files, as Nix's
// PathLocks does for store paths being created.
type pathLocks struct {
	files  []*os.File
	names  []string
	delete bool
}

// lockPaths locks the given paths in sorted order (so that two processes
// never deadlock), retrying when a lock file turns out to be stale: Nix
// writes a byte into a lock file before unlinking it, so a non-empty lock
// file is one that its owner has already given up.
func lockPaths(paths []string) (*pathLocks, error) {
	sorted := append([]string(nil), paths...)
	sort.Strings(sorted)
	pl := &pathLocks{}
	for i, p := range sorted {
		if i > 0 && p == sorted[i-1] {
			continue
		}
		name := p + ".lock"
		for {
			f, err := openLockFile(name, true)
			if err != nil {
				pl.unlock()
				return nil, err
			}
			if _, err := lockFile(f, lockWrite, true); err != nil {
				f.Close()
				pl.unlock()
				return nil, fmt.Errorf("locking '%s': %w", name, err)
			}
			st, err := f.Stat()
			if err != nil {
				f.Close()
				pl.unlock()
				return nil, fmt.Errorf("locking '%s': %w", name, err)
			}
			if st.Size() != 0 {
				f.Close() // stale: its owner has deleted it
				continue
			}
			pl.files = append(pl.files, f)
			pl.names = append(pl.names, name)
			break
		}
	}
	return pl, nil
}

// setDeletion makes unlock remove the lock files, which callers do once
// the locked paths are valid and the locks have no more use.
func (pl *pathLocks) setDeletion(d bool) { pl.delete = d }

func (pl *pathLocks) unlock() {
	if pl == nil {
		return
	}
	for i, f := range pl.files {
		if pl.delete {
			deleteLockFile(pl.names[i], f)
		}
		f.Close()
	}
	pl.files, pl.names = nil, nil
}

// deleteLockFile unlinks a lock file we hold and marks it stale for
// processes that opened it before the unlink and wait for it.
func deleteLockFile(name string, f *os.File) {
	os.Remove(name)
	f.Write([]byte("d"))
}
