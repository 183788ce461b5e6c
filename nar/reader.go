package nar

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// Error is a malformed NAR: what is wrong, in the entry at Path (the
// directory, for a bad entry name), found at byte Offset.
type Error struct {
	Path   string
	Offset int64
	Msg    string
	Err    error // io.ErrUnexpectedEOF for truncated input, or a read error
}

func (e *Error) Error() string {
	where := fmt.Sprintf("at byte %d", e.Offset)
	if e.Path != "" {
		where = fmt.Sprintf("in %s, %s", quote(e.Path), where)
	}
	msg := "bad archive: " + e.Msg + " (" + where + ")"
	if e.Err != nil && e.Err != io.ErrUnexpectedEOF {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

type readState uint8

const (
	stStart    readState = iota // magic and root not read yet
	stFile                      // inside a regular file's contents
	stNodeDone                  // a node header was returned; what follows it is next
	stEOF                       // the root node is complete
)

// dirFrame is a directory whose entries are being read.
type dirFrame struct {
	path      string
	last      string // previous entry name, for the order check
	hasLast   bool
	childOpen bool // an entry's "(" was read and its ")" is due
}

// Reader decodes a NAR as a sequence of Headers, in the order of the
// archive (depth first, entries sorted), with the contents of each
// regular file readable through Read until the next call to Next.
//
// It stops right after the root node and does not look for the end of
// input, so a NAR can be embedded in a longer stream. To leave that
// stream exactly after the NAR, pass a *bufio.Reader; any other reader is
// wrapped in one, which may read ahead.
type Reader struct {
	br        *bufio.Reader
	off       int64
	state     readState
	stack     []dirFrame
	cur       Header
	remaining int64 // unread bytes of the current file's contents
	err       error // sticky: once broken, always broken
	buf       [8]byte
}

// NewReader starts decoding r. Nothing is read until the first Next.
func NewReader(r io.Reader) *Reader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &Reader{br: br}
}

// Offset returns the number of bytes of NAR consumed so far.
func (r *Reader) Offset() int64 { return r.off }

// fail records and returns a format error at the current position.
func (r *Reader) fail(path string, err error, format string, args ...any) error {
	r.err = &Error{Path: path, Offset: r.off, Msg: fmt.Sprintf(format, args...), Err: err}
	return r.err
}

// full reads exactly len(p) bytes; what names the thing being read.
func (r *Reader) full(p []byte, path, what string) error {
	n, err := io.ReadFull(r.br, p)
	r.off += int64(n)
	if err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return r.fail(path, io.ErrUnexpectedEOF, "unexpected end of archive in %s", what)
		}
		return r.fail(path, err, "reading %s", what)
	}
	return nil
}

func (r *Reader) readUint64(path, what string) (uint64, error) {
	if err := r.full(r.buf[:], path, what); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(r.buf[:]), nil
}

// readPadding consumes the zeros after a string or contents of length n.
func (r *Reader) readPadding(n uint64, path, what string) error {
	p := r.buf[:padLen(n)]
	if err := r.full(p, path, what); err != nil {
		return err
	}
	for _, c := range p {
		if c != 0 {
			return r.fail(path, nil, "non-zero padding after %s", what)
		}
	}
	return nil
}

// readString reads a length-prefixed string of at most max bytes.
func (r *Reader) readString(max int, path, what string) (string, error) {
	n, err := r.readUint64(path, "length of "+what)
	if err != nil {
		return "", err
	}
	if n > uint64(max) {
		return "", r.fail(path, nil, "%s is too long (%d bytes, at most %d)", what, n, max)
	}
	b := make([]byte, n)
	if err := r.full(b, path, what); err != nil {
		return "", err
	}
	if err := r.readPadding(n, path, what); err != nil {
		return "", err
	}
	return string(b), nil
}

func (r *Reader) readTag(path string) (string, error) {
	return r.readString(maxTagLen, path, "tag")
}

func (r *Reader) expect(path, want string) error {
	tag, err := r.readTag(path)
	if err != nil {
		return err
	}
	if tag != want {
		return r.fail(path, nil, "expected tag '%s', got %s", want, quote(tag))
	}
	return nil
}

// Next advances to the next node, skipping any unread contents of the
// current file. It returns io.EOF after the root node is complete.
func (r *Reader) Next() (*Header, error) {
	if r.err != nil {
		return nil, r.err
	}
	switch r.state {
	case stStart:
		v, err := r.readString(len(magic), "", "magic")
		if err != nil || v != magic {
			return nil, r.fail("", nil, "input doesn't look like a Nix archive")
		}
		return r.readNode("/", 0)
	case stFile:
		if err := r.skipContents(); err != nil {
			return nil, err
		}
		if err := r.expect(r.cur.Path, ")"); err != nil {
			return nil, err
		}
	case stEOF:
		return nil, io.EOF
	}
	return r.nextInDirectory()
}

// skipContents discards the rest of the current file and its padding.
func (r *Reader) skipContents() error {
	for r.remaining > 0 {
		n := int(min(r.remaining, math.MaxInt32))
		m, err := r.br.Discard(n)
		r.off += int64(m)
		r.remaining -= int64(m)
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return r.fail(r.cur.Path, err, "unexpected end of archive in contents")
		}
	}
	return r.readPadding(uint64(r.cur.Size), r.cur.Path, "contents")
}

// nextInDirectory is reached when a node is complete: it closes the
// entry holding it, then reads the directory's next entry, or its end
// (which completes that directory, and so on up).
func (r *Reader) nextInDirectory() (*Header, error) {
	for {
		if len(r.stack) == 0 {
			r.state = stEOF
			return nil, io.EOF
		}
		top := &r.stack[len(r.stack)-1]
		if top.childOpen {
			if err := r.expect(top.path, ")"); err != nil {
				return nil, err
			}
			top.childOpen = false
		}
		tag, err := r.readTag(top.path)
		if err != nil {
			return nil, err
		}
		if tag == ")" {
			r.stack = r.stack[:len(r.stack)-1]
			continue
		}
		if tag != "entry" {
			return nil, r.fail(top.path, nil, "expected tag 'entry' or ')', got %s", quote(tag))
		}
		if err := r.expect(top.path, "("); err != nil {
			return nil, err
		}
		if err := r.expect(top.path, "name"); err != nil {
			return nil, err
		}
		name, err := r.readString(MaxNameLen, top.path, "file name")
		if err != nil {
			return nil, err
		}
		if msg := checkName(name); msg != "" {
			return nil, r.fail(top.path, nil, "%s", msg)
		}
		if top.hasLast && name <= top.last {
			if name == top.last {
				return nil, r.fail(top.path, nil, "NAR directory is not sorted: duplicate entry %s", quote(name))
			}
			return nil, r.fail(top.path, nil, "NAR directory is not sorted: %s after %s", quote(name), quote(top.last))
		}
		top.last, top.hasLast = name, true
		if err := r.expect(top.path, "node"); err != nil {
			return nil, err
		}
		top.childOpen = true
		path := top.path + "/" + name
		if top.path == "/" {
			path = "/" + name
		}
		return r.readNode(path, len(r.stack))
	}
}

// readNode reads a node's header, up to its contents for a file, through
// its ")" for a symlink, and after its type for a directory.
func (r *Reader) readNode(path string, depth int) (*Header, error) {
	if depth >= MaxDepth {
		return nil, r.fail(path, nil, "NAR directory nesting exceeds maximum depth of %d", MaxDepth)
	}
	if err := r.expect(path, "("); err != nil {
		return nil, err
	}
	if err := r.expect(path, "type"); err != nil {
		return nil, err
	}
	typ, err := r.readTag(path)
	if err != nil {
		return nil, err
	}
	r.cur = Header{Path: path}
	switch typ {
	case "regular":
		r.cur.Type = TypeRegular
		tag, err := r.readTag(path)
		if err != nil {
			return nil, err
		}
		if tag == "executable" {
			n, err := r.readUint64(path, "executable marker")
			if err != nil {
				return nil, err
			}
			if n != 0 {
				return nil, r.fail(path, nil, "executable marker has non-empty value")
			}
			r.cur.Executable = true
			if tag, err = r.readTag(path); err != nil {
				return nil, err
			}
		}
		if tag != "contents" {
			return nil, r.fail(path, nil, "expected tag 'contents', got %s", quote(tag))
		}
		size, err := r.readUint64(path, "file size")
		if err != nil {
			return nil, err
		}
		if size > math.MaxInt64 {
			return nil, r.fail(path, nil, "file size %d is too large", size)
		}
		r.cur.Size = int64(size)
		r.cur.Offset = r.off
		r.remaining = r.cur.Size
		r.state = stFile
	case "symlink":
		r.cur.Type = TypeSymlink
		if err := r.expect(path, "target"); err != nil {
			return nil, err
		}
		target, err := r.readString(MaxTargetLen, path, "symlink target")
		if err != nil {
			return nil, err
		}
		if msg := checkTarget(target); msg != "" {
			return nil, r.fail(path, nil, "%s", msg)
		}
		r.cur.LinkTarget = target
		if err := r.expect(path, ")"); err != nil {
			return nil, err
		}
		r.state = stNodeDone
	case "directory":
		r.cur.Type = TypeDirectory
		r.stack = append(r.stack, dirFrame{path: path})
		r.state = stNodeDone
	default:
		return nil, r.fail(path, nil, "unknown file type %s", quote(typ))
	}
	h := r.cur
	return &h, nil
}

// Read reads the contents of the current regular file; it returns io.EOF
// at their end, and (0, io.EOF) for other node types.
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.state != stFile || r.remaining == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.remaining {
		p = p[:r.remaining]
	}
	n, err := r.br.Read(p)
	r.off += int64(n)
	r.remaining -= int64(n)
	switch {
	case err == nil || (err == io.EOF && r.remaining == 0):
		return n, nil
	case err == io.EOF:
		return n, r.fail(r.cur.Path, io.ErrUnexpectedEOF, "unexpected end of archive in contents")
	}
	return n, r.fail(r.cur.Path, err, "reading contents")
}
