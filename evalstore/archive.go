package evalstore

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// unpackArchive reads a tarball (plain, gzip, xz, bzip2 or zstd) or a
// zip file into a tree, as Nix's fetchTarball unpacks: when everything
// lies in one top-level directory, that directory is the result.
// mtime is the newest modification time of its entries (fetchTree's
// lastModified).
func unpackArchive(data []byte) (root *memNode, mtime int64, err error) {
	root = &memNode{mode: filemode.Dir, children: map[string]*memNode{}}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")) {
		mtime, err = unpackZip(data, root)
	} else {
		var r io.Reader
		if r, err = decompress(data); err == nil {
			mtime, err = unpackTar(r, root)
		}
	}
	if err != nil {
		return nil, 0, err
	}
	if len(root.children) == 1 {
		for _, only := range root.children {
			if only.mode == filemode.Dir {
				return only, mtime, nil
			}
		}
	}
	return root, mtime, nil
}

var errNotArchive = errors.New("Failed to open archive (Unrecognized archive format)")

// decompress recognises the compression by its magic number.
func decompress(data []byte) (io.Reader, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		return gzip.NewReader(bytes.NewReader(data))
	case bytes.HasPrefix(data, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return xz.NewReader(bytes.NewReader(data))
	case bytes.HasPrefix(data, []byte("BZh")):
		return bzip2.NewReader(bytes.NewReader(data)), nil
	case bytes.HasPrefix(data, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		d, err := zstd.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return d.IOReadCloser(), nil
	case len(data) >= 262 && string(data[257:262]) == "ustar":
		return bytes.NewReader(data), nil
	}
	return nil, errNotArchive
}

// archivePath cleans an entry's name; "" for the archive's root.
func archivePath(name string) (string, error) {
	p := path.Clean("/" + strings.TrimPrefix(name, "./"))
	if p == "/" {
		return "", nil
	}
	for _, c := range strings.Split(p[1:], "/") {
		if c == ".." {
			return "", fmt.Errorf("archive entry '%s' leaves the archive", name)
		}
	}
	return p[1:], nil
}

func unpackTar(r io.Reader, root *memNode) (mtime int64, err error) {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return mtime, nil
		} else if err != nil {
			return 0, fmt.Errorf("reading the archive: %w", err)
		}
		p, err := archivePath(h.Name)
		if err != nil {
			return 0, err
		}
		mtime = max(mtime, h.ModTime.Unix())
		if p == "" {
			continue
		}
		switch h.Typeflag {
		case tar.TypeDir:
			dirNode(root, p)
		case tar.TypeSymlink:
			root.add(p, filemode.Symlink, []byte(h.Linkname))
		case tar.TypeLink:
			target, err := archivePath(h.Linkname)
			if err != nil {
				return 0, err
			}
			n := lookup(root, target)
			if n == nil || n.mode == filemode.Dir {
				return 0, fmt.Errorf("archive entry '%s' links to a missing file '%s'", h.Name, h.Linkname)
			}
			root.add(p, n.mode, n.data)
		case tar.TypeReg, tar.TypeRegA:
			data, err := io.ReadAll(tr)
			if err != nil {
				return 0, fmt.Errorf("reading the archive: %w", err)
			}
			mode := filemode.Regular
			if h.Mode&0o100 != 0 {
				mode = filemode.Executable
			}
			root.add(p, mode, data)
		}
	}
}

func unpackZip(data []byte, root *memNode) (mtime int64, err error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 0, errNotArchive
	}
	for _, f := range zr.File {
		p, err := archivePath(f.Name)
		if err != nil {
			return 0, err
		}
		mtime = max(mtime, f.Modified.Unix())
		if p == "" {
			continue
		}
		m := f.Mode()
		if m.IsDir() {
			dirNode(root, p)
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return 0, err
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return 0, err
		}
		mode := filemode.Regular
		switch {
		case m&fs.ModeSymlink != 0:
			mode = filemode.Symlink
		case m&0o100 != 0:
			mode = filemode.Executable
		}
		root.add(p, mode, content)
	}
	return mtime, nil
}

// dirNode makes the directories of p.
func dirNode(root *memNode, p string) *memNode {
	n := root
	for _, c := range strings.Split(p, "/") {
		n = n.child(c)
	}
	return n
}

// lookup finds p in the tree.
func lookup(root *memNode, p string) *memNode {
	n := root
	for _, c := range strings.Split(p, "/") {
		if n == nil || n.mode != filemode.Dir {
			return nil
		}
		n = n.children[c]
	}
	return n
}
