package store

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/cairn-nix/cairn/storepath"
)

// rootsServer listens on gc-socket/socket while a collection runs and
// records the temporary roots other processes send ("<path>\n", answered
// with "1"). A root whose path is being deleted is acknowledged only
// once the deletion is over, so its sender then sees the path invalid.
type rootsServer struct {
	ln        net.Listener
	dir       storepath.Dir
	mu        sync.Mutex
	cond      *sync.Cond
	tempRoots map[string]bool // hash parts
	pending   map[string]bool // hash parts being considered for deletion
	conns     map[net.Conn]bool
	wg        sync.WaitGroup
	stopped   bool
}

func (s *Local) startRootsServer() (*rootsServer, error) {
	path := s.gcSocketPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("creating '%s': %w", filepath.Dir(path), err)
	}
	os.Remove(path) // a socket left by a crashed collector
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("listening on '%s': %w", path, err)
	}
	os.Chmod(path, 0o666)
	rs := &rootsServer{ln: ln, dir: s.dir, tempRoots: map[string]bool{}, pending: map[string]bool{}, conns: map[net.Conn]bool{}}
	rs.cond = sync.NewCond(&rs.mu)
	rs.wg.Add(1)
	go rs.accept()
	return rs, nil
}

func (rs *rootsServer) accept() {
	defer rs.wg.Done()
	for {
		c, err := rs.ln.Accept()
		if err != nil {
			return // closed by stop
		}
		rs.mu.Lock()
		if rs.stopped {
			rs.mu.Unlock()
			c.Close()
			return
		}
		rs.conns[c] = true
		rs.mu.Unlock()
		rs.wg.Add(1)
		go rs.serve(c)
	}
}

func (rs *rootsServer) serve(c net.Conn) {
	defer rs.wg.Done()
	defer func() {
		rs.mu.Lock()
		delete(rs.conns, c)
		rs.mu.Unlock()
		c.Close()
	}()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = line[:len(line)-1]
		if p, err := rs.dir.Parse(line); err == nil {
			h := p.HashPart()
			rs.mu.Lock()
			rs.tempRoots[h] = true
			for rs.pending[h] && !rs.stopped {
				rs.cond.Wait()
			}
			rs.mu.Unlock()
		}
		if _, err := c.Write([]byte("1")); err != nil {
			return
		}
	}
}

func (rs *rootsServer) addHashParts(hs map[string]bool) {
	rs.mu.Lock()
	for h := range hs {
		rs.tempRoots[h] = true
	}
	rs.mu.Unlock()
}

// checkAndMarkPending reports whether h is a temporary root; if not, it
// marks h pending in the same step, so no root for it can slip in
// unnoticed before the collector is done with it.
func (rs *rootsServer) checkAndMarkPending(h string) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.tempRoots[h] {
		return true
	}
	rs.pending[h] = true
	return false
}

func (rs *rootsServer) clearPending() {
	rs.mu.Lock()
	rs.pending = map[string]bool{}
	rs.cond.Broadcast()
	rs.mu.Unlock()
}

func (rs *rootsServer) stop() {
	rs.mu.Lock()
	rs.stopped = true
	rs.cond.Broadcast()
	for c := range rs.conns {
		c.Close()
	}
	rs.mu.Unlock()
	rs.ln.Close()
	rs.wg.Wait()
}

func sortStrings(ss []string) { sort.Strings(ss) }
