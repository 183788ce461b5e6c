package storepath

import (
	"crypto/sha256"
	"path"
	"slices"
	"strings"

	"github.com/cairn-nix/cairn/nixhash"
)

// DefaultDir is the usual store directory.
const DefaultDir = "/nix/store"

// Dir is a store directory. Store paths are hashed together with it, so
// the same content has different paths in different stores.
type Dir struct {
	path string
}

// Default is the Dir for /nix/store.
var Default = Dir{path: DefaultDir}

// NewDir checks a store directory: absolute, in canonical form (no
// trailing slash, no "." or ".." parts, no doubled slashes) and not "/".
func NewDir(p string) (Dir, error) {
	if !strings.HasPrefix(p, "/") {
		return Dir{}, errorf("store directory '%s' is not an absolute path", p)
	}
	if p == "/" || path.Clean(p) != p {
		return Dir{}, errorf("store directory '%s' is not a canonical path other than '/'", p)
	}
	return Dir{path: p}, nil
}

// Path returns the directory, e.g. "/nix/store". The zero Dir acts as
// Default.
func (d Dir) Path() string {
	if d.path == "" {
		return DefaultDir
	}
	return d.path
}

// Print returns the full path of p in d.
func (d Dir) Print(p StorePath) string {
	if p.IsZero() {
		return d.Path() + "/"
	}
	var buf [256]byte // one allocation, the result's
	return string(d.AppendPrint(buf[:0], p))
}

// AppendPrint appends the full path of p in d (Print) to b.
func (d Dir) AppendPrint(b []byte, p StorePath) []byte {
	b = append(b, d.Path()...)
	b = append(b, '/')
	return p.AppendTo(b)
}

// Parse parses a full store path. Like Nix it first canonicalises the
// path lexically (so "/nix/store/../store/x-y/" is fine), then demands
// that it sit directly in d.
func (d Dir) Parse(s string) (StorePath, error) {
	if s == "" {
		return StorePath{}, errorf("empty path is not a valid store path")
	}
	if !strings.HasPrefix(s, "/") {
		return StorePath{}, errorf("path '%s' is not in the Nix store: not an absolute path", s)
	}
	// The usual case, "<dir>/<base>" with no slash in base, is clean
	// already (base is too long to be "." or ".."): no need to clean it.
	if dir := d.Path(); len(s) > len(dir)+HashLen && s[len(dir)] == '/' && s[:len(dir)] == dir &&
		strings.IndexByte(s[len(dir)+1:], '/') < 0 {
		return ParseBaseName(s[len(dir)+1:])
	}
	return d.parseClean(s)
}

// parseClean is Parse for an absolute path that may need cleaning.
func (d Dir) parseClean(s string) (StorePath, error) {
	c := path.Clean(s)
	dir, base := path.Split(c)
	if strings.TrimSuffix(dir, "/") != d.Path() || base == "" {
		return StorePath{}, errorf("path '%s' is not in the Nix store", c)
	}
	return ParseBaseName(base)
}

// IsStorePath reports whether Parse accepts s.
func (d Dir) IsStorePath(s string) bool {
	_, err := d.Parse(s)
	return err == nil
}

// IsInStore reports whether s is below d (Nix's isInStore), without
// checking that the first component is a valid store path.
func (d Dir) IsInStore(s string) bool {
	prefix := d.Path() + "/"
	return len(s) > len(prefix) && strings.HasPrefix(s, prefix)
}

// SplitPath splits a path inside the store into the store path and the
// rest, e.g. "/nix/store/<h>-foo/bin/foo" into <h>-foo and "/bin/foo"
// (Nix's toStorePath).
func (d Dir) SplitPath(s string) (StorePath, string, error) {
	if !d.IsInStore(s) {
		return StorePath{}, "", errorf("path '%s' is not in the Nix store", s)
	}
	rest := s[len(d.Path())+1:]
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		p, err := d.Parse(s)
		return p, "", err
	}
	p, err := d.Parse(s[:len(d.Path())+1+i])
	if err != nil {
		return StorePath{}, "", err
	}
	return p, rest[i:], nil
}

// MakeStorePath computes the path for a typed hash, Nix's
// makeStorePath(type, hash, name): the name and type go into a
// sha256 of "<type>:<algo>:<base16>:<store dir>:<name>", folded to 20
// bytes.
func (d Dir) MakeStorePath(typ string, h nixhash.Hash, name string) (StorePath, error) {
	var buf [256]byte // the usual fingerprint fits: no allocation
	b := append(buf[:0], typ...)
	return d.makeStorePath(appendTypedHash(b, h), name)
}

// appendTypedHash appends ":<algo>:<base16>" to a fingerprint.
func appendTypedHash(b []byte, h nixhash.Hash) []byte {
	b = append(b, ':')
	b = append(b, h.Algo().String()...)
	b = append(b, ':')
	return h.AppendEncode(b, nixhash.Base16)
}

// MakeStorePathFromString is MakeStorePath with the hash already printed.
func (d Dir) MakeStorePathFromString(typ, hash, name string) (StorePath, error) {
	var buf [256]byte
	b := append(buf[:0], typ...)
	b = append(b, ':')
	b = append(b, hash...)
	return d.makeStorePath(b, name)
}

// makeStorePath finishes the fingerprint "<type>:<hash>" in b with the
// store directory and name, and folds its sha256 into a path.
func (d Dir) makeStorePath(b []byte, name string) (StorePath, error) {
	b = append(b, ':')
	b = append(b, d.Path()...)
	b = append(b, ':')
	b = append(b, name...)
	// crypto/sha256 directly, so that b stays on the caller's stack.
	sum := sha256.Sum256(b)
	var digest [DigestSize]byte
	for i, c := range sum {
		digest[i%DigestSize] ^= c
	}
	return New(digest, name)
}

// OutputPathName is the name of a derivation output's path: the
// derivation name, plus "-<output>" unless the output is "out".
func OutputPathName(drvName, outputName string) string {
	if outputName == "out" {
		return drvName
	}
	return drvName + "-" + outputName
}

// MakeOutputPath computes an input-addressed output path from the
// derivation's modulo hash (Nix's makeOutputPath).
func (d Dir) MakeOutputPath(outputName string, h nixhash.Hash, drvName string) (StorePath, error) {
	var buf [256]byte
	b := append(buf[:0], "output:"...)
	b = append(b, outputName...)
	return d.makeStorePath(appendTypedHash(b, h), OutputPathName(drvName, outputName))
}

// References are the store paths a store object refers to, plus whether
// it refers to itself.
type References struct {
	Others []StorePath
	Self   bool
}

// IsEmpty reports whether there are no references at all.
func (r References) IsEmpty() bool { return !r.Self && len(r.Others) == 0 }

// appendType appends a path type with its references to b, in Nix's
// order (a sorted set of full paths, then ":self").
func (d Dir) appendType(b []byte, typ string, refs References) []byte {
	others := refs.Others
	if !slices.IsSortedFunc(others, Compare) {
		others = slices.Clone(others)
		slices.SortFunc(others, Compare)
	}
	b = append(b, typ...)
	for i, r := range others {
		if i > 0 && r == others[i-1] {
			continue // a set: duplicates once
		}
		b = append(b, ':')
		b = d.AppendPrint(b, r)
	}
	if refs.Self {
		b = append(b, ":self"...)
	}
	return b
}

// makeTypedStorePath is MakeStorePath with the type and its references
// printed straight into the fingerprint.
func (d Dir) makeTypedStorePath(typ string, refs References, h nixhash.Hash, name string) (StorePath, error) {
	var buf [1024]byte // room for a dozen references without allocating
	b := d.appendType(buf[:0], typ, refs)
	return d.makeStorePath(appendTypedHash(b, h), name)
}

// MakeTextPath computes the path of a text object such as a .drv file or
// builtins.toFile output. Text objects are hashed with sha256 and cannot
// refer to themselves.
func (d Dir) MakeTextPath(name string, h nixhash.Hash, refs []StorePath) (StorePath, error) {
	if h.Algo() != nixhash.SHA256 {
		return StorePath{}, errorf("text store object '%s' must be hashed with sha256, not '%s'", name, h.Algo())
	}
	return d.makeTypedStorePath("text", References{Others: refs}, h, name)
}

// MakeFixedOutputPath computes the path of content hashed with a file
// ingestion method (Flat, NAR or Git; not Text). A NAR hash with sha256
// gives a "source" path that may have references; any other combination
// is a fixed output, which may not.
func (d Dir) MakeFixedOutputPath(name string, m Method, h nixhash.Hash, refs References) (StorePath, error) {
	switch m {
	case Flat, NAR:
	case Git:
		if a := h.Algo(); a != nixhash.SHA1 && a != nixhash.SHA256 {
			return StorePath{}, errorf("Git file ingestion must use SHA-1 or SHA-256 hash, but instead using: %s", a)
		}
	default:
		return StorePath{}, errorf("fixed output path '%s': method '%s' is not a file ingestion method", name, m)
	}
	if h.IsZero() {
		return StorePath{}, errorf("fixed output path '%s': no hash", name)
	}
	if m == NAR && h.Algo() == nixhash.SHA256 {
		return d.makeTypedStorePath("source", refs, h, name)
	}
	if !refs.IsEmpty() {
		return StorePath{}, errorf("fixed output derivation '%s' is not allowed to refer to other store paths.\n"+
			"You may need to use the 'unsafeDiscardReferences' derivation attribute, see the manual for more details.", name)
	}
	inner := "fixed:out:" + m.Prefix() + h.Format(nixhash.Base16, true) + ":"
	return d.MakeStorePath("output:out", nixhash.SumString(nixhash.SHA256, inner), name)
}

// MakePathFromCA computes the path of a content-addressed object
// (Nix's makeFixedOutputPathFromCA with ContentAddressWithReferences).
func (d Dir) MakePathFromCA(name string, ca ContentAddress, refs References) (StorePath, error) {
	if ca.Method == Text {
		if refs.Self {
			return StorePath{}, errorf("self-reference not allowed with text hashing")
		}
		return d.MakeTextPath(name, ca.Hash, refs.Others)
	}
	return d.MakeFixedOutputPath(name, ca.Method, ca.Hash, refs)
}
