package nar

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"path"
)

// Writer encodes a NAR from a sequence of Headers, given in archive
// order: the root ("/") first, then depth first with the entries of each
// directory in increasing byte order of name. After a regular file's
// header, exactly Size bytes of contents must be written with Write.
// Writer refuses anything Reader would refuse, so its output always
// reads back.
type Writer struct {
	bw        *bufio.Writer
	started   bool
	closed    bool
	stack     []wdir // open directories
	inFile    bool
	file      Header
	remaining int64
	err       error // sticky
	buf       [8]byte
}

type wdir struct {
	path    string
	last    string
	hasLast bool
}

// NewWriter starts a NAR on w. Output is buffered until Close.
func NewWriter(w io.Writer) *Writer {
	return &Writer{bw: bufio.NewWriterSize(w, 64<<10)}
}

func (w *Writer) fail(p string, format string, args ...any) error {
	if p != "" {
		w.err = fmt.Errorf("nar: writing %s: %s", quote(p), fmt.Sprintf(format, args...))
	} else {
		w.err = fmt.Errorf("nar: %s", fmt.Sprintf(format, args...))
	}
	return w.err
}

func (w *Writer) writeUint64(n uint64) {
	binary.LittleEndian.PutUint64(w.buf[:], n)
	w.bw.Write(w.buf[:])
}

func (w *Writer) writePadding(n uint64) {
	clear(w.buf[:])
	w.bw.Write(w.buf[:padLen(n)])
}

// str writes strings in NAR encoding; bufio keeps the first write error
// and reports it on Flush, which every path ends with.
func (w *Writer) str(ss ...string) {
	for _, s := range ss {
		w.writeUint64(uint64(len(s)))
		w.bw.WriteString(s)
		w.writePadding(uint64(len(s)))
	}
}

// finishFile ends the current regular file, if any.
func (w *Writer) finishFile() error {
	if !w.inFile {
		return nil
	}
	if w.remaining != 0 {
		return w.fail(w.file.Path, "wrote %d of the %d bytes of contents", w.file.Size-w.remaining, w.file.Size)
	}
	w.inFile = false
	w.writePadding(uint64(w.file.Size))
	w.closeNode(w.file.Path)
	return nil
}

// closeNode ends a node, and the directory entry around it unless it is
// the root.
func (w *Writer) closeNode(p string) {
	w.str(")")
	if p != "/" {
		w.str(")")
	}
}

// popTo closes directories until parent is the innermost open one.
func (w *Writer) popTo(parent string) bool {
	for len(w.stack) > 0 && w.stack[len(w.stack)-1].path != parent {
		w.closeNode(w.stack[len(w.stack)-1].path)
		w.stack = w.stack[:len(w.stack)-1]
	}
	return len(w.stack) > 0
}

// WriteHeader starts the next node. LinkTarget is needed for symlinks,
// Size and Executable for regular files; Offset is ignored.
func (w *Writer) WriteHeader(h *Header) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return w.fail(h.Path, "writer is closed")
	}
	if err := w.finishFile(); err != nil {
		return err
	}
	switch h.Type {
	case TypeRegular:
		if h.Size < 0 {
			return w.fail(h.Path, "negative size %d", h.Size)
		}
	case TypeSymlink:
		if msg := checkTarget(h.LinkTarget); msg != "" {
			return w.fail(h.Path, "%s", msg)
		}
	case TypeDirectory:
	default:
		return w.fail(h.Path, "invalid node type %d", uint8(h.Type))
	}
	if !w.started {
		if h.Path != "/" {
			return w.fail(h.Path, "the first node must be the root '/'")
		}
		w.started = true
		w.str(magic)
	} else {
		if h.Path == "/" || path.Clean(h.Path) != h.Path || h.Path[0] != '/' {
			return w.fail(h.Path, "not a canonical path below the root '/'")
		}
		parent, name := path.Split(h.Path)
		if parent != "/" {
			parent = parent[:len(parent)-1]
		}
		if msg := checkName(name); msg != "" {
			return w.fail(h.Path, "%s", msg)
		}
		if !w.popTo(parent) {
			return w.fail(h.Path, "parent %s is not an open directory (nodes must come in archive order)", quote(parent))
		}
		top := &w.stack[len(w.stack)-1]
		if top.hasLast && name <= top.last {
			return w.fail(h.Path, "entries must be written in increasing byte order of name, without repeats: %s after %s", quote(name), quote(top.last))
		}
		if len(w.stack) >= MaxDepth {
			return w.fail(h.Path, "exceeds maximum NAR directory depth of %d", MaxDepth)
		}
		top.last, top.hasLast = name, true
		w.str("entry", "(", "name", name, "node")
	}
	w.str("(", "type", h.Type.String())
	switch h.Type {
	case TypeRegular:
		if h.Executable {
			w.str("executable", "")
		}
		w.str("contents")
		w.writeUint64(uint64(h.Size))
		w.inFile, w.file, w.remaining = true, *h, h.Size
	case TypeSymlink:
		w.str("target", h.LinkTarget)
		w.closeNode(h.Path)
	case TypeDirectory:
		w.stack = append(w.stack, wdir{path: h.Path})
	}
	return nil
}

// Write writes contents of the current regular file.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if !w.inFile {
		return 0, w.fail("", "contents written outside a regular file")
	}
	if int64(len(p)) > w.remaining {
		n, _ := w.bw.Write(p[:w.remaining])
		w.remaining -= int64(n)
		return n, w.fail(w.file.Path, "contents longer than the declared size %d", w.file.Size)
	}
	n, err := w.bw.Write(p)
	w.remaining -= int64(n)
	if err != nil {
		w.err = err
	}
	return n, err
}

// ReadFrom copies a file's contents from r; it lets io.Copy skip a buffer.
func (w *Writer) ReadFrom(r io.Reader) (int64, error) {
	if w.err != nil {
		return 0, w.err
	}
	if !w.inFile {
		return 0, w.fail("", "contents written outside a regular file")
	}
	n, err := w.bw.ReadFrom(io.LimitReader(r, w.remaining))
	w.remaining -= n
	if err != nil {
		w.err = err
		return n, err
	}
	// Anything more than the declared size is an error.
	var one [1]byte
	if m, _ := r.Read(one[:]); m > 0 {
		return n, w.fail(w.file.Path, "contents longer than the declared size %d", w.file.Size)
	}
	return n, nil
}

// Close finishes the archive (closing open directories) and flushes it.
// It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return nil
	}
	if !w.started {
		return w.fail("", "no root node written")
	}
	if err := w.finishFile(); err != nil {
		return err
	}
	w.popTo("")
	w.closed = true
	if err := w.bw.Flush(); err != nil {
		w.err = err
		return err
	}
	return nil
}
