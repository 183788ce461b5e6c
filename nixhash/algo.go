package nixhash

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"

	"github.com/zeebo/blake3"
)

// Algorithm is a hash algorithm Nix knows. The zero value means "none".
type Algorithm uint8

const (
	MD5 Algorithm = iota + 1
	SHA1
	SHA256
	SHA512
	BLAKE3
)

// Algorithms lists every algorithm, in the order Nix prints them in errors.
var Algorithms = []Algorithm{BLAKE3, MD5, SHA1, SHA256, SHA512}

// MaxSize is the largest digest size, in bytes.
const MaxSize = 64

// String returns Nix's name for a, e.g. "sha256".
func (a Algorithm) String() string {
	switch a {
	case MD5:
		return "md5"
	case SHA1:
		return "sha1"
	case SHA256:
		return "sha256"
	case SHA512:
		return "sha512"
	case BLAKE3:
		return "blake3"
	}
	return fmt.Sprintf("Algorithm(%d)", uint8(a))
}

// Valid reports whether a is one of the defined algorithms.
func (a Algorithm) Valid() bool {
	return a >= MD5 && a <= BLAKE3
}

// Size returns the digest size in bytes, 0 for an invalid algorithm.
func (a Algorithm) Size() int {
	switch a {
	case MD5:
		return md5.Size
	case SHA1:
		return sha1.Size
	case SHA256:
		return sha256.Size
	case SHA512:
		return sha512.Size
	case BLAKE3:
		return 32
	}
	return 0
}

// New returns a fresh hash.Hash for a, or nil for an invalid algorithm.
func (a Algorithm) New() hash.Hash {
	switch a {
	case MD5:
		return md5.New()
	case SHA1:
		return sha1.New()
	case SHA256:
		return sha256.New()
	case SHA512:
		return sha512.New()
	case BLAKE3:
		return blake3.New()
	}
	return nil
}

// ParseAlgorithm parses an algorithm name ("md5", "sha1", "sha256",
// "sha512", "blake3").
func ParseAlgorithm(s string) (Algorithm, error) {
	for _, a := range Algorithms {
		if a.String() == s {
			return a, nil
		}
	}
	return 0, &Error{Msg: fmt.Sprintf("unknown hash algorithm '%s', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'", s)}
}

// Format is a text encoding of a hash.
type Format uint8

const (
	Base16 Format = iota + 1
	Nix32
	Base64
	SRI
)

// String returns Nix's name for f: "base16", "nix32", "base64" or "sri".
func (f Format) String() string {
	switch f {
	case Base16:
		return "base16"
	case Nix32:
		return "nix32"
	case Base64:
		return "base64"
	case SRI:
		return "sri"
	}
	return fmt.Sprintf("Format(%d)", uint8(f))
}

// ParseFormat parses a format name. "base32" is accepted as Nix's
// deprecated alias for "nix32"; deprecated reports that, so a caller can
// warn as Nix does.
func ParseFormat(s string) (f Format, deprecated bool, err error) {
	switch s {
	case "base16":
		return Base16, false, nil
	case "nix32":
		return Nix32, false, nil
	case "base32":
		return Nix32, true, nil
	case "base64":
		return Base64, false, nil
	case "sri":
		return SRI, false, nil
	}
	return 0, false, &Error{Msg: fmt.Sprintf("unknown hash format '%s', expect 'base16', 'base32', 'base64', or 'sri'", s)}
}
