package store

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/cairn-nix/cairn/storepath"
)

// Temporary roots keep paths alive while a process works with them,
// before anything else refers to them. The protocol is Nix's (gc.cc):
// each process appends "<path>\0" to temproots/<pid>, which it holds an
// exclusive lock on while it lives. A writer holds a shared lock on
// gc.lock while appending; a collector holds gc.lock exclusively, reads
// every temproots file once, and from then on learns of new roots
// through its socket gc-socket/socket, which writers use when they
// cannot get the shared lock.

func (s *Local) gcLockPath() string   { return filepath.Join(s.cfg.StateDir, "gc.lock") }
func (s *Local) gcSocketPath() string { return filepath.Join(s.cfg.StateDir, "gc-socket", "socket") }

// createTempRootsFile makes temproots/<pid>, locked; s.mu is held.
func (s *Local) createTempRootsFile() error {
	if s.tempRoots != nil {
		return nil
	}
	name := filepath.Join(s.tempRootsDir, strconv.Itoa(os.Getpid()))
	for {
		// A file with our pid must be stale: no two processes share one.
		os.Remove(name)
		f, err := openLockFile(name, true)
		if err != nil {
			return err
		}
		if _, err := lockFile(f, lockWrite, true); err != nil {
			f.Close()
			return err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return fmt.Errorf("getting status of '%s': %w", name, err)
		}
		if st.Size() == 0 {
			s.tempRoots = f
			return nil
		}
		// The collector deleted it (marking it "d") before we locked it.
		f.Close()
	}
}

// AddTempRoot keeps p from being collected until this store is closed
// (or the process ends).
func (s *Local) AddTempRoot(p storepath.StorePath) error {
	if s.cfg.ReadOnly {
		return nil // nothing can be deleted from a read-only store anyway
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.createTempRootsFile(); err != nil {
		return err
	}
	if s.gcLock == nil {
		f, err := openLockFile(s.gcLockPath(), true)
		if err != nil {
			return err
		}
		s.gcLock = f
	}
	full := s.dir.Print(p)
	for {
		ok, err := lockFile(s.gcLock, lockRead, false)
		if err != nil {
			return err
		}
		if !ok {
			// A collector is running: tell it directly, then record the
			// root for later collectors too.
			retry, err := s.sendRootToCollector(full)
			if err != nil {
				return err
			}
			if retry {
				time.Sleep(100 * time.Millisecond)
				continue
			}
		}
		_, werr := s.tempRoots.Write(append([]byte(full), 0))
		if ok {
			lockFile(s.gcLock, lockNone, false)
		}
		if werr != nil {
			return fmt.Errorf("writing temporary root to '%s': %w", s.tempRoots.Name(), werr)
		}
		return nil
	}
}

// gcClient is a connection to a running collector's roots socket.
type gcClient struct {
	conn net.Conn
	r    *bufio.Reader
}

func (c *gcClient) close() { c.conn.Close() }

// sendRootToCollector sends a root to the collector; retry is true when
// the collector went away or has not opened its socket yet, so that the
// caller tries the shared lock again.
func (s *Local) sendRootToCollector(full string) (retry bool, err error) {
	if s.gcConn == nil {
		conn, err := net.Dial("unix", s.gcSocketPath())
		if err != nil {
			if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT) {
				return true, nil
			}
			return false, fmt.Errorf("connecting to the garbage collector at '%s': %w", s.gcSocketPath(), err)
		}
		s.gcConn = &gcClient{conn: conn, r: bufio.NewReader(conn)}
	}
	if _, err := s.gcConn.conn.Write([]byte(full + "\n")); err != nil {
		s.gcConn.close()
		s.gcConn = nil
		return true, nil
	}
	c, err := s.gcConn.r.ReadByte()
	if err != nil {
		s.gcConn.close()
		s.gcConn = nil
		return true, nil
	}
	if c != '1' {
		return false, fmt.Errorf("the garbage collector answered %q instead of acknowledging root '%s'", c, full)
	}
	return false, nil
}
