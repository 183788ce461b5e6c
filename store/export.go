package store

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/cairn-nix/cairn/nar"
	"github.com/cairn-nix/cairn/narinfo"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// exportMagic follows each NAR in `nix-store --export` output ("NIXE").
const exportMagic = 0x4558494e

// maxWireString bounds strings read from an export (store paths are far
// shorter), so a corrupt length cannot exhaust memory.
const maxWireString = 1 << 16

// NarFromPath writes the NAR of valid path p to w.
func (s *Local) NarFromPath(p storepath.StorePath, w io.Writer) error {
	if valid, err := s.IsValid(p); err != nil {
		return err
	} else if !valid {
		return &InvalidPathError{s.dir.Print(p)}
	}
	return nar.DumpPath(w, s.RealPath(p))
}

// Export writes paths in the `nix-store --export` format, referenced
// paths first. A path whose contents no longer match its NAR hash is
// refused, so corruption does not spread.
func (s *Local) Export(paths []storepath.StorePath, w io.Writer) error {
	sorted, err := s.TopoSort(paths)
	if err != nil {
		return err
	}
	slices.Reverse(sorted)
	for _, p := range sorted {
		info, err := s.PathInfo(p)
		if err != nil {
			return err
		}
		h := nixhash.NewHasher(nixhash.SHA256)
		var buf bytes.Buffer
		putNum(&buf, 1)
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
		if err := s.NarFromPath(p, io.MultiWriter(w, h)); err != nil {
			return err
		}
		if got := h.Sum(); got != info.NarHash && info.NarHash != nixhash.Zero(nixhash.SHA256) {
			return fmt.Errorf("hash of path '%s' has changed from '%s' to '%s'!", s.dir.Print(p),
				info.NarHash.Format(nixhash.Nix32, true), got.Format(nixhash.Nix32, true))
		}
		buf.Reset()
		putNum(&buf, exportMagic)
		putString(&buf, s.dir.Print(p))
		putNum(&buf, uint64(len(info.References)))
		for _, r := range info.References {
			putString(&buf, s.dir.Print(r))
		}
		deriver := ""
		if !info.Deriver.IsZero() {
			deriver = s.dir.Print(info.Deriver)
		}
		putString(&buf, deriver)
		putNum(&buf, 0)
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	putNum(&buf, 0)
	_, err = w.Write(buf.Bytes())
	return err
}

// Import reads `nix-store --export` output and adds each path in it,
// returning the paths in the order read. Each NAR is checked as it is
// read; a bad entry stops the import with what came before it kept.
func (s *Local) Import(in io.Reader) ([]storepath.StorePath, error) {
	r := asBufio(in) // so that reading a NAR stops right at its end
	var out []storepath.StorePath
	for {
		n, err := getNum(r)
		if err != nil {
			return out, fmt.Errorf("reading export: %w", err)
		}
		if n == 0 {
			return out, nil
		}
		if n != 1 {
			return out, errors.New("input doesn't look like something created by 'nix-store --export'")
		}
		sp, err := spoolNAR(r)
		if err != nil {
			return out, fmt.Errorf("reading export: %w", err)
		}
		info, err := s.readExportTrailer(r)
		if err != nil {
			sp.close()
			return out, err
		}
		info.NarHash, info.NarSize = sp.hash, uint64(sp.size)
		rd, err := sp.reader()
		if err == nil {
			err = s.AddNAR(info, rd)
		}
		sp.close()
		if err != nil {
			return out, err
		}
		out = append(out, info.StorePath)
	}
}

func (s *Local) readExportTrailer(r io.Reader) (*narinfo.PathInfo, error) {
	magic, err := getNum(r)
	if err != nil {
		return nil, fmt.Errorf("reading export: %w", err)
	}
	if magic != exportMagic {
		return nil, errors.New("Nix archive cannot be imported; wrong format")
	}
	path, err := getString(r)
	if err != nil {
		return nil, fmt.Errorf("reading export: %w", err)
	}
	info := &narinfo.PathInfo{}
	if info.StorePath, err = s.dir.Parse(path); err != nil {
		return nil, err
	}
	nrefs, err := getNum(r)
	if err != nil {
		return nil, fmt.Errorf("reading export: %w", err)
	}
	if nrefs > 1<<20 {
		return nil, fmt.Errorf("reading export: implausible reference count %d for '%s'", nrefs, path)
	}
	for i := uint64(0); i < nrefs; i++ {
		rs, err := getString(r)
		if err != nil {
			return nil, fmt.Errorf("reading export: %w", err)
		}
		rp, err := s.dir.Parse(rs)
		if err != nil {
			return nil, err
		}
		info.References = append(info.References, rp)
	}
	slices.SortFunc(info.References, storepath.Compare)
	deriver, err := getString(r)
	if err != nil {
		return nil, fmt.Errorf("reading export: %w", err)
	}
	if deriver != "" {
		if info.Deriver, err = s.dir.Parse(deriver); err != nil {
			return nil, err
		}
	}
	hasSig, err := getNum(r)
	if err != nil {
		return nil, fmt.Errorf("reading export: %w", err)
	}
	if hasSig == 1 { // a legacy signature, ignored as Nix ignores it
		if _, err := getString(r); err != nil {
			return nil, fmt.Errorf("reading export: %w", err)
		}
	}
	return info, nil
}

// spooled is a NAR read off a stream, kept in memory or, when large, in
// a temporary file, with its hash and size.
type spooled struct {
	mem  []byte
	file *os.File
	hash nixhash.Hash
	size int64
}

func spoolNAR(r *bufio.Reader) (*spooled, error) {
	h := nixhash.NewHasher(nixhash.SHA256)
	w := &spoolWriter{}
	if _, err := nar.Copy(io.MultiWriter(w, h), r); err != nil {
		w.close()
		return nil, err
	}
	if w.err != nil {
		w.close()
		return nil, w.err
	}
	return &spooled{mem: w.buf.Bytes(), file: w.file, hash: h.Sum(), size: h.Count()}, nil
}

func (s *spooled) reader() (io.Reader, error) {
	if s.file == nil {
		return bytes.NewReader(s.mem), nil
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return s.file, nil
}

func (s *spooled) close() {
	if s.file != nil {
		s.file.Close()
	}
}

type spoolWriter struct {
	buf  bytes.Buffer
	file *os.File
	err  error
}

func (w *spoolWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.file == nil && int64(w.buf.Len()+len(p)) > narBufferSize {
		f, err := os.CreateTemp("", "cairn-import-")
		if err != nil {
			w.err = err
			return 0, err
		}
		os.Remove(f.Name()) // unlinked: it vanishes with the process
		w.file = f
		if _, err := f.Write(w.buf.Bytes()); err != nil {
			w.err = err
			return 0, err
		}
		w.buf = bytes.Buffer{}
	}
	if w.file != nil {
		n, err := w.file.Write(p)
		if err != nil {
			w.err = err
		}
		return n, err
	}
	return w.buf.Write(p)
}

func (w *spoolWriter) close() {
	if w.file != nil {
		w.file.Close()
	}
}

// The wire format: numbers are 64-bit little endian; strings are a
// length, the bytes, and zero padding to a multiple of 8.

func putNum(b *bytes.Buffer, n uint64) {
	var x [8]byte
	binary.LittleEndian.PutUint64(x[:], n)
	b.Write(x[:])
}

func putString(b *bytes.Buffer, s string) {
	putNum(b, uint64(len(s)))
	b.WriteString(s)
	if pad := (8 - len(s)%8) % 8; pad > 0 {
		b.Write(make([]byte, pad))
	}
}

func getNum(r io.Reader) (uint64, error) {
	var x [8]byte
	if _, err := io.ReadFull(r, x[:]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, err
	}
	return binary.LittleEndian.Uint64(x[:]), nil
}

func getString(r io.Reader) (string, error) {
	n, err := getNum(r)
	if err != nil {
		return "", err
	}
	if n > maxWireString {
		return "", fmt.Errorf("string of %d bytes is too long", n)
	}
	buf := make([]byte, n+uint64((8-n%8)%8))
	if _, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return "", err
	}
	for _, c := range buf[n:] {
		if c != 0 {
			return "", errors.New("non-zero padding")
		}
	}
	return string(buf[:n]), nil
}
