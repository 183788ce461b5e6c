package store

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/cairn-nix/cairn/nar"
	"github.com/cairn-nix/cairn/narinfo"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// AddNAR adds a store object whose path info is known (from an export, a
// binary cache or another store) from its NAR, checking that the NAR has
// the stated hash and size, and that a content address, if claimed,
// matches the contents. Nothing is registered unless every check passes.
// Its references must already be valid. A valid path is left alone, and
// the NAR is still read to its end. Exactly one NAR is read when r is a
// *bufio.Reader; otherwise r may be read further.
func (s *Local) AddNAR(info *narinfo.PathInfo, r io.Reader) error {
	if s.cfg.ReadOnly {
		return fmt.Errorf("cannot add '%s' to a read-only store", s.dir.Print(info.StorePath))
	}
	if info.NarHash.Algo() != nixhash.SHA256 {
		return fmt.Errorf("cannot add '%s': its NAR hash must be sha256", s.dir.Print(info.StorePath))
	}
	if err := s.AddTempRoot(info.StorePath); err != nil {
		return err
	}
	br := asBufio(r)
	skip := func() error {
		_, err := nar.Copy(io.Discard, br)
		return err
	}
	if valid, err := s.IsValid(info.StorePath); err != nil {
		return err
	} else if valid {
		return skip()
	}
	real := s.RealPath(info.StorePath)
	locks, err := lockPaths([]string{real})
	if err != nil {
		return err
	}
	defer locks.unlock()
	locks.setDeletion(true)
	if valid, err := s.IsValid(info.StorePath); err != nil {
		return err
	} else if valid {
		return skip()
	}
	if !info.CA.IsZero() && !info.IsContentAddressed(s.dir) {
		return fmt.Errorf("cannot add path '%s' to the Nix store because it claims to be content-addressed but isn't", s.dir.Print(info.StorePath))
	}
	tmp, err := s.createTempDir()
	if err != nil {
		return err
	}
	defer tmp.remove()

	h := nixhash.NewHasher(nixhash.SHA256)
	stream := narStream(br, h)
	defer stream.Close()
	if err := nar.Restore(stream, tmp.x()); err != nil {
		return fmt.Errorf("importing path '%s': %w", s.dir.Print(info.StorePath), err)
	}
	// Reading to the end waits for the copier, so h is complete.
	if _, err := io.Copy(io.Discard, stream); err != nil {
		return fmt.Errorf("importing path '%s': %w", s.dir.Print(info.StorePath), err)
	}
	if got := h.Sum(); got != info.NarHash {
		return fmt.Errorf("hash mismatch importing path '%s';\n  specified: %s\n  got:       %s",
			s.dir.Print(info.StorePath), info.NarHash.Format(nixhash.Nix32, true), got.Format(nixhash.Nix32, true))
	}
	if info.NarSize != 0 && uint64(h.Count()) != info.NarSize {
		return fmt.Errorf("size mismatch importing path '%s';\n  specified: %d\n  got:       %d",
			s.dir.Print(info.StorePath), info.NarSize, h.Count())
	}
	if !info.CA.IsZero() {
		if err := s.checkCA(info, tmp.x()); err != nil {
			return err
		}
	}
	reg := *info
	reg.NarSize = uint64(h.Count())
	if err := s.moveIntoPlace(tmp.x(), real); err != nil {
		return err
	}
	if err := s.RegisterValidPaths([]*narinfo.PathInfo{&reg}); err != nil {
		deletePath(real) // unregistered: ours to remove, as we hold its lock
		return err
	}
	return nil
}

// asBufio gives a *bufio.Reader over r, r itself if it is one: NAR
// readers then consume exactly one NAR and nothing after it.
func asBufio(r io.Reader) *bufio.Reader {
	if br, ok := r.(*bufio.Reader); ok {
		return br
	}
	return bufio.NewReaderSize(r, 64<<10)
}

// narStream passes on exactly the bytes of the one NAR at the start of
// br, checked, copying them to h as well; a malformed NAR is an error
// on the returned reader. h is complete once the reader gives io.EOF.
func narStream(br *bufio.Reader, h io.Writer) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		_, err := nar.Copy(io.MultiWriter(h, pw), br)
		pw.CloseWithError(err)
	}()
	return pr
}

// checkCA recomputes the content hash of an object being imported at p.
// Self-references count as zeros at their positions, as Nix's
// HashModuloSink has them.
func (s *Local) checkCA(info *narinfo.PathInfo, p string) error {
	ca := info.CA
	var got nixhash.Hash
	switch ca.Method {
	case storepath.NAR:
		m := newModuloHasher(ca.Hash.Algo(), info.StorePath.HashPart())
		if err := nar.DumpPath(m, p); err != nil {
			return err
		}
		got = m.sum()
	case storepath.Flat, storepath.Text:
		m := newModuloHasher(ca.Hash.Algo(), info.StorePath.HashPart())
		if err := catFile(m, p); err != nil {
			return fmt.Errorf("importing path '%s': %w", s.dir.Print(info.StorePath), err)
		}
		got = m.sum()
	default:
		return fmt.Errorf("importing path '%s': content address method '%s' is not supported by Cairn yet", s.dir.Print(info.StorePath), ca.Method)
	}
	if got != ca.Hash {
		return fmt.Errorf("ca hash mismatch importing path '%s';\n  specified: %s\n  got:       %s",
			s.dir.Print(info.StorePath), ca.Hash.Format(nixhash.Nix32, true), got.Format(nixhash.Nix32, true))
	}
	return nil
}

// moduloHasher hashes a stream with every occurrence of modulus replaced
// by zero bytes, then the offsets of the occurrences as "|N".
type moduloHasher struct {
	h       *nixhash.Hasher
	modulus []byte
	pending []byte // tail that may start an occurrence
	pos     int64  // bytes passed on so far
	matches []int64
}

func newModuloHasher(a nixhash.Algorithm, modulus string) *moduloHasher {
	return &moduloHasher{h: nixhash.NewHasher(a), modulus: []byte(modulus)}
}

func (m *moduloHasher) Write(p []byte) (int, error) {
	m.pending = append(m.pending, p...)
	for {
		i := bytes.Index(m.pending, m.modulus)
		if i < 0 {
			break
		}
		m.emit(m.pending[:i])
		m.matches = append(m.matches, m.pos)
		m.emit(make([]byte, len(m.modulus)))
		m.pending = m.pending[i+len(m.modulus):]
	}
	if keep := len(m.modulus) - 1; len(m.pending) > keep {
		m.emit(m.pending[:len(m.pending)-keep])
		m.pending = append([]byte(nil), m.pending[len(m.pending)-keep:]...)
	}
	return len(p), nil
}

func (m *moduloHasher) emit(b []byte) {
	m.h.Write(b)
	m.pos += int64(len(b))
}

func (m *moduloHasher) sum() nixhash.Hash {
	m.emit(m.pending)
	m.pending = nil
	for _, p := range m.matches {
		m.h.WriteString("|" + strconv.FormatInt(p, 10))
	}
	return m.h.Sum()
}
