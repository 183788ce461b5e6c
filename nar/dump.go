package nar

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// DumpPath writes the NAR of the file, directory or symlink at p (not
// following a symlink at p itself). A file is executable in the NAR when
// its owner-execute bit is set; other metadata is not recorded.
func DumpPath(w io.Writer, p string) error {
	abs, err := filepath.Abs(p)
	if err != nil {
		return fmt.Errorf("nar: dumping %s: %w", quote(p), err)
	}
	dir, name := filepath.Split(abs)
	if name == "" { // the file system root
		return DumpFS(w, os.DirFS(abs), ".")
	}
	return DumpFS(w, os.DirFS(dir), name)
}

// DumpFS writes the NAR of name in fsys. Symlinks are archived as such
// when fsys implements fs.ReadLinkFS; otherwise they are followed as
// fs.Stat does.
func DumpFS(w io.Writer, fsys fs.FS, name string) error {
	nw := NewWriter(w)
	if err := dumpNode(nw, fsys, name, "/"); err != nil {
		return err
	}
	return nw.Close()
}

func dumpNode(nw *Writer, fsys fs.FS, name, narPath string) error {
	fi, err := fs.Lstat(fsys, name)
	if err != nil {
		return fmt.Errorf("nar: dumping %s: %w", quote(name), err)
	}
	switch mode := fi.Mode(); {
	case mode.IsRegular():
		return dumpFile(nw, fsys, name, narPath, fi)
	case mode.IsDir():
		entries, err := fs.ReadDir(fsys, name) // sorted by name, byte-wise
		if err != nil {
			return fmt.Errorf("nar: dumping %s: %w", quote(name), err)
		}
		if err := nw.WriteHeader(&Header{Path: narPath, Type: TypeDirectory}); err != nil {
			return err
		}
		for _, e := range entries {
			child := path.Join(narPath, e.Name())
			if err := dumpNode(nw, fsys, path.Join(name, e.Name()), child); err != nil {
				return err
			}
		}
		return nil
	case mode&fs.ModeSymlink != 0:
		target, err := fs.ReadLink(fsys, name)
		if err != nil {
			return fmt.Errorf("nar: dumping %s: %w", quote(name), err)
		}
		return nw.WriteHeader(&Header{Path: narPath, Type: TypeSymlink, LinkTarget: target})
	default:
		return fmt.Errorf("nar: dumping %s: file has an unsupported type (%s)", quote(name), mode.Type())
	}
}

func dumpFile(nw *Writer, fsys fs.FS, name, narPath string, fi fs.FileInfo) error {
	f, err := fsys.Open(name)
	if err != nil {
		return fmt.Errorf("nar: dumping %s: %w", quote(name), err)
	}
	defer f.Close()
	h := &Header{Path: narPath, Type: TypeRegular, Size: fi.Size(), Executable: fi.Mode()&0o100 != 0}
	if err := nw.WriteHeader(h); err != nil {
		return err
	}
	n, err := io.Copy(nw, f)
	if err != nil {
		return fmt.Errorf("nar: dumping %s: %w", quote(name), err)
	}
	if n != h.Size {
		return fmt.Errorf("nar: dumping %s: file changed size while being read (%d bytes, expected %d)", quote(name), n, h.Size)
	}
	return nil
}

// DumpBytes writes the NAR of a single non-executable file holding data
// (Nix's dumpString).
func DumpBytes(w io.Writer, data []byte) error {
	nw := NewWriter(w)
	if err := nw.WriteHeader(&Header{Path: "/", Type: TypeRegular, Size: int64(len(data))}); err != nil {
		return err
	}
	if _, err := nw.Write(data); err != nil {
		return err
	}
	return nw.Close()
}
