package store

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-nix/cairn/nar"
	"github.com/cairn-nix/cairn/narinfo"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// narBufferSize is how much of a dump is kept in memory before it is
// spooled into a temporary directory in the store (Nix's nar-buffer-size).
// A variable so that tests can exercise spooling with small inputs.
var narBufferSize int64 = 32 << 20

// AddOptions say how to add a file system object.
type AddOptions struct {
	// Name of the store path; default: the base name of the source.
	Name string
	// Method is storepath.NAR (the default) or storepath.Flat (a single
	// regular file hashed as is).
	Method storepath.Method
	// Algo is the content hash algorithm, default sha256. Anything but
	// NAR+sha256 makes a fixed-output path, which cannot have references.
	Algo nixhash.Algorithm
	// References of the new object (other store paths it mentions).
	References []storepath.StorePath
	// Filter, when set, decides which entries below the root are taken
	// (builtins.path's filter); path is the absolute path of the entry.
	Filter func(path string, fi os.FileInfo) bool
	// KeepExecutable, with Flat, stores the file with its executable bit,
	// as `nix-store --add-fixed` and `nix store add` do (Nix's
	// addToStoreSlow); otherwise the file is stored plain, as
	// builtins.path stores it (Nix's addToStore). The path is the same.
	KeepExecutable bool
}

func (o *AddOptions) fill(src string) error {
	if o.Name == "" {
		o.Name = filepath.Base(src)
	}
	if o.Method == 0 {
		o.Method = storepath.NAR
	}
	if o.Algo == 0 {
		o.Algo = nixhash.SHA256
	}
	switch o.Method {
	case storepath.NAR, storepath.Flat:
	case storepath.Git:
		return fmt.Errorf("adding '%s': the git file ingestion method is not supported by Cairn yet", src)
	default:
		return fmt.Errorf("adding '%s': cannot add a file system object with method '%s'", src, o.Method)
	}
	return storepath.ValidateName(o.Name)
}

// AddPath adds the file, directory or symlink at src, named name, hashed
// with method (NAR or Flat) and sha256, and returns its store path.
func (s *Local) AddPath(src, name string, method storepath.Method) (storepath.StorePath, error) {
	return s.AddPathWith(src, AddOptions{Name: name, Method: method})
}

// AddPathWith adds src with the given options.
func (s *Local) AddPathWith(src string, o AddOptions) (storepath.StorePath, error) {
	if err := o.fill(src); err != nil {
		return storepath.StorePath{}, err
	}
	src, err := canonicalParent(src)
	if err != nil {
		return storepath.StorePath{}, err
	}
	if o.Method == storepath.Flat && o.KeepExecutable {
		return s.addFlatKeepingMode(src, o)
	}
	dump, err := openDump(src, o.Method, o.Filter)
	if err != nil {
		return storepath.StorePath{}, err
	}
	defer dump.Close()
	return s.addFromDump(dump, o.Name, o.Method, o.Method, o.Algo, o.References, nixhash.Hash{})
}

// addFlatKeepingMode adds a regular file content-addressed by its bytes
// but stored from its NAR, so that an executable stays executable.
func (s *Local) addFlatKeepingMode(src string, o AddOptions) (storepath.StorePath, error) {
	caHash, err := hashFlat(src, o.Algo)
	if err != nil {
		return storepath.StorePath{}, err
	}
	dump, err := openDump(src, storepath.NAR, nil)
	if err != nil {
		return storepath.StorePath{}, err
	}
	defer dump.Close()
	return s.addFromDump(dump, o.Name, storepath.NAR, storepath.Flat, nixhash.SHA256, o.References, caHash)
}

// hashFlat hashes the bytes of the regular file at p.
func hashFlat(p string, a nixhash.Algorithm) (nixhash.Hash, error) {
	f, err := openDump(p, storepath.Flat, nil)
	if err != nil {
		return nixhash.Hash{}, err
	}
	defer f.Close()
	h, _, err := nixhash.SumReader(a, f)
	if err != nil {
		return nixhash.Hash{}, fmt.Errorf("reading '%s': %w", p, err)
	}
	return h, nil
}

// AddText adds a text object (a .drv file, builtins.toFile) with the
// given references; its path is a "text" path.
func (s *Local) AddText(name, text string, refs []storepath.StorePath) (storepath.StorePath, error) {
	if err := storepath.ValidateName(name); err != nil {
		return storepath.StorePath{}, err
	}
	return s.addFromDump(strings.NewReader(text), name, storepath.Flat, storepath.Text, nixhash.SHA256, refs, nixhash.Hash{})
}

// AddDump adds an object given as a dump: a NAR (method NAR) or the bytes
// of a regular file (method Flat), content-addressed with algo. This is
// the path for NARs whose hash is not known in advance.
func (s *Local) AddDump(r io.Reader, name string, method storepath.Method, algo nixhash.Algorithm, refs []storepath.StorePath) (storepath.StorePath, error) {
	if method != storepath.NAR && method != storepath.Flat {
		return storepath.StorePath{}, fmt.Errorf("adding '%s': a dump is a NAR or a flat file, not '%s'", name, method)
	}
	if err := storepath.ValidateName(name); err != nil {
		return storepath.StorePath{}, err
	}
	if method == storepath.NAR {
		// Only the NAR's own bytes may be hashed: check it as it streams
		// by, and refuse anything after it.
		br := asBufio(r)
		stream := narStream(br, io.Discard)
		defer stream.Close()
		r = io.MultiReader(stream, endOfInput{br})
	}
	return s.addFromDump(r, name, method, method, algo, refs, nixhash.Hash{})
}

// endOfInput reads as empty when br is at its end, and fails otherwise.
type endOfInput struct{ br *bufio.Reader }

func (e endOfInput) Read([]byte) (int, error) {
	if _, err := e.br.Peek(1); err == io.EOF {
		return 0, io.EOF
	} else if err != nil {
		return 0, err
	}
	return 0, errors.New("garbage after the end of the NAR")
}

// canonicalParent resolves symlinks in the parent directories of p but
// not p itself (Nix's makeParentCanonical), so adding a symlink adds
// the link.
func canonicalParent(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("adding '%s': %w", p, err)
	}
	dir, base := filepath.Split(abs)
	if base == "" {
		return abs, nil
	}
	rd, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", fmt.Errorf("getting status of '%s': %w", abs, unwrapPathErr(err))
	}
	return filepath.Join(rd, base), nil
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// openDump streams the dump of src: its NAR, or for Flat its bytes.
func openDump(src string, method storepath.Method, filter func(string, os.FileInfo) bool) (io.ReadCloser, error) {
	fi, err := os.Lstat(src)
	if err != nil {
		return nil, fmt.Errorf("getting status of '%s': %w", src, unwrapPathErr(err))
	}
	if method == storepath.Flat {
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("file '%s' is not a regular file; it cannot be added with the flat method", src)
		}
		f, err := os.Open(src)
		if err != nil {
			return nil, fmt.Errorf("opening '%s': %w", src, unwrapPathErr(err))
		}
		return f, nil
	}
	pr, pw := io.Pipe()
	go func() {
		var err error
		if filter != nil {
			err = dumpFiltered(pw, src, filter)
		} else {
			err = nar.DumpPath(pw, src)
		}
		pw.CloseWithError(err)
	}()
	return pr, nil
}

// addFromDump is Nix's addToStoreFromDump. The dump is read once: kept in
// memory when small, otherwise restored into a locked temporary directory
// in the store while its hash is computed. Once the path is known (and
// not already valid) the object is written under a temporary name,
// canonicalised, renamed into place, and registered; a crash at any point
// leaves at most unregistered garbage, which the GC removes.
//
// The dump is hashed with algo; that is the content hash unless caHash is
// given (a flat hash of a file whose NAR is the dump), which is then
// checked against what was written.
func (s *Local) addFromDump(dump io.Reader, name string, dumpMethod, hashMethod storepath.Method, algo nixhash.Algorithm, refs []storepath.StorePath, caHash nixhash.Hash) (storepath.StorePath, error) {
	if s.cfg.ReadOnly {
		return storepath.StorePath{}, fmt.Errorf("cannot add '%s' to a read-only store", name)
	}
	hasher := nixhash.NewHasher(algo)
	src := io.TeeReader(dump, hasher)
	var buf bytes.Buffer
	_, err := io.CopyN(&buf, src, narBufferSize)
	inMemory := err == io.EOF
	if err != nil && err != io.EOF {
		return storepath.StorePath{}, fmt.Errorf("adding '%s': %w", name, err)
	}

	var spool *tempDir
	defer func() {
		if spool != nil {
			spool.remove()
		}
	}()
	if !inMemory {
		if spool, err = s.createTempDir(); err != nil {
			return storepath.StorePath{}, err
		}
		if err := restoreDump(io.MultiReader(&buf, src), spool.x(), dumpMethod); err != nil {
			return storepath.StorePath{}, fmt.Errorf("adding '%s': %w", name, err)
		}
		// Read to the end, so the hash covers everything and the checks
		// at the end of the input run.
		if _, err := io.Copy(io.Discard, src); err != nil {
			return storepath.StorePath{}, fmt.Errorf("adding '%s': %w", name, err)
		}
		buf = bytes.Buffer{}
	}
	dumpHash, dumpSize := hasher.Sum(), hasher.Count()

	ca := storepath.ContentAddress{Method: hashMethod, Hash: dumpHash}
	if !caHash.IsZero() {
		ca.Hash = caHash
	}
	dst, err := s.dir.MakePathFromCA(name, ca, storepath.References{Others: refs})
	if err != nil {
		return storepath.StorePath{}, err
	}
	if err := s.AddTempRoot(dst); err != nil {
		return storepath.StorePath{}, err
	}
	if valid, err := s.IsValid(dst); err != nil || valid {
		return dst, err
	}

	real := s.RealPath(dst)
	locks, err := lockPaths([]string{real})
	if err != nil {
		return storepath.StorePath{}, err
	}
	defer locks.unlock()
	// Lock files are removed even after a failure: whoever waits on one
	// sees it marked stale and takes a fresh one.
	locks.setDeletion(true)
	if valid, err := s.IsValid(dst); err != nil || valid {
		return dst, err
	}
	if spool == nil {
		if spool, err = s.createTempDir(); err != nil {
			return storepath.StorePath{}, err
		}
		if err := restoreDump(&buf, spool.x(), dumpMethod); err != nil {
			return storepath.StorePath{}, fmt.Errorf("adding '%s': %w", name, err)
		}
	}

	if !caHash.IsZero() {
		// The file may have changed since it was hashed.
		got, err := hashFlat(spool.x(), caHash.Algo())
		if err != nil {
			return storepath.StorePath{}, err
		}
		if got != caHash {
			return storepath.StorePath{}, fmt.Errorf("adding '%s': the file changed while it was being added", name)
		}
	}
	// The NAR hash is the dump hash when the dump is a sha256'd NAR.
	narHash, narSize := dumpHash, dumpSize
	if dumpMethod != storepath.NAR || algo != nixhash.SHA256 {
		if narHash, narSize, err = hashNAR(spool.x()); err != nil {
			return storepath.StorePath{}, err
		}
	}
	info := &narinfo.PathInfo{StorePath: dst, NarHash: narHash, NarSize: uint64(narSize), References: refs, CA: ca}
	if err := s.moveIntoPlace(spool.x(), real); err != nil {
		return storepath.StorePath{}, err
	}
	if err := s.RegisterValidPaths([]*narinfo.PathInfo{info}); err != nil {
		deletePath(real) // unregistered: ours to remove, as we hold its lock
		return storepath.StorePath{}, err
	}
	return dst, nil
}

// restoreDump writes a dump at dst: a NAR is unpacked, a flat dump is
// written as a regular file.
func restoreDump(r io.Reader, dst string, method storepath.Method) error {
	if method == storepath.NAR {
		return nar.Restore(r, dst)
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// hashNAR returns the sha256 hash and size of the NAR of p.
func hashNAR(p string) (nixhash.Hash, int64, error) {
	h := nixhash.NewHasher(nixhash.SHA256)
	if err := nar.DumpPath(h, p); err != nil {
		return nixhash.Hash{}, 0, err
	}
	return h.Sum(), h.Count(), nil
}

// moveIntoPlace canonicalises a finished object under its temporary name
// and renames it to its store path. Leftovers at real (an unregistered
// object from an interrupted add) are removed first; the caller holds
// real's lock, so nobody else is writing there.
func (s *Local) moveIntoPlace(tmp, real string) error {
	if err := canonicalise(tmp); err != nil {
		return err
	}
	if _, err := deletePath(real); err != nil {
		return err
	}
	// Moving a directory to another parent needs write permission on it
	// (for its ".." entry), so the top directory stays writable until it
	// is in place; only then does it get its final mode.
	fi, err := os.Lstat(tmp)
	if err != nil {
		return fmt.Errorf("getting status of '%s': %w", tmp, err)
	}
	if fi.IsDir() {
		if err := os.Chmod(tmp, 0o755); err != nil {
			return fmt.Errorf("changing mode of '%s': %w", tmp, err)
		}
	}
	if err := os.Rename(tmp, real); err != nil {
		return fmt.Errorf("moving '%s' to '%s': %w", tmp, real, unwrapPathErr(err))
	}
	if fi.IsDir() {
		return canonTop(real)
	}
	return nil
}

// canonTop canonicalises one node, not its children.
func canonTop(p string) error {
	if err := os.Chmod(p, 0o555); err != nil {
		return fmt.Errorf("changing mode of '%s': %w", p, err)
	}
	return canonNode(p, os.Geteuid(), os.Getegid(), false)
}
