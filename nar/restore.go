package nar

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Restore unpacks the NAR read from r at dst, which must not exist; its
// parent must. The tree is built in a temporary directory next to dst and
// renamed into place only once the whole NAR has been read and checked,
// so an error leaves nothing at dst.
//
// Writing cannot escape dst: entry names are validated ('/', "." and ".."
// are refused), every parent is a directory this function just created,
// and files are created with O_EXCL, which never follows a symlink. Like
// Nix, files get mode 0666 and directories 0777 (less the umask), and
// executables gain all execute bits.
//
// The check that dst is absent and the final rename are not atomic
// together: callers that race for dst must hold a lock on it.
func Restore(r io.Reader, dst string) (err error) {
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("nar: restoring to %s: path already exists", quote(dst))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("nar: restoring to %s: %w", quote(dst), err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dst), ".nar-restore-*")
	if err != nil {
		return fmt.Errorf("nar: restoring to %s: %w", quote(dst), err)
	}
	defer func() {
		if rmErr := os.RemoveAll(tmp); rmErr != nil && err == nil {
			err = fmt.Errorf("nar: restoring to %s: removing temporary directory: %w", quote(dst), rmErr)
		}
	}()
	root := filepath.Join(tmp, "root")
	nr := NewReader(r)
	for {
		h, err := nr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if err := restoreNode(nr, h, root); err != nil {
			return err
		}
	}
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("nar: restoring to %s: path appeared while restoring", quote(dst))
	}
	if err := os.Rename(root, dst); err != nil {
		return fmt.Errorf("nar: restoring to %s: %w", quote(dst), err)
	}
	return nil
}

func restoreNode(nr *Reader, h *Header, root string) error {
	p := root
	if h.Path != "/" {
		p = filepath.Join(root, filepath.FromSlash(h.Path[1:]))
	}
	wrap := func(err error) error {
		return fmt.Errorf("nar: restoring %s: %w", quote(h.Path), err)
	}
	switch h.Type {
	case TypeDirectory:
		if err := os.Mkdir(p, 0o777); err != nil {
			return wrap(err)
		}
	case TypeSymlink:
		if err := os.Symlink(h.LinkTarget, p); err != nil {
			return wrap(err)
		}
	case TypeRegular:
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if err != nil {
			return wrap(err)
		}
		_, err = io.Copy(f, nr)
		if err == nil && h.Executable {
			var fi fs.FileInfo
			if fi, err = f.Stat(); err == nil {
				err = f.Chmod(fi.Mode().Perm() | 0o111)
			}
		}
		if cerr := f.Close(); err == nil && cerr != nil {
			err = wrap(cerr)
		}
		var narErr *Error
		if err != nil && !errors.As(err, &narErr) {
			err = wrap(err)
		}
		return err
	}
	return nil
}
