package nixhash

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"

	"github.com/cairn-nix/cairn/nixbase32"
)

// Hash is a digest together with its algorithm. It is a comparable value:
// two Hashes are == exactly when algorithm and digest agree. The zero Hash
// has no algorithm and stands for "no hash".
type Hash struct {
	algo   Algorithm
	digest [MaxSize]byte // bytes past algo.Size() are always zero
}

// Error is a malformed or mismatched hash. Msg follows Nix's wording.
type Error struct {
	Msg string
	Err error // underlying decoding error, if any
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

func errorf(format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// FromBytes makes a Hash from a raw digest, which must have the
// algorithm's size.
func FromBytes(a Algorithm, digest []byte) (Hash, error) {
	if !a.Valid() {
		return Hash{}, errorf("invalid hash algorithm %d", uint8(a))
	}
	if len(digest) != a.Size() {
		return Hash{}, errorf("%s digest must be %d bytes, not %d", a, a.Size(), len(digest))
	}
	h := Hash{algo: a}
	copy(h.digest[:], digest)
	return h, nil
}

// Zero returns the all-zero digest of algorithm a (Nix's Hash(algo)),
// which Nix uses as a placeholder for a hash that is not known yet.
func Zero(a Algorithm) Hash {
	return Hash{algo: a}
}

// Algo returns the algorithm, 0 for the zero Hash.
func (h Hash) Algo() Algorithm { return h.algo }

// Size returns the digest length in bytes.
func (h Hash) Size() int { return h.algo.Size() }

// IsZero reports whether h is the zero Hash (no algorithm).
func (h Hash) IsZero() bool { return h.algo == 0 }

// Bytes returns a copy of the digest.
func (h Hash) Bytes() []byte {
	return append([]byte(nil), h.digest[:h.algo.Size()]...)
}

// Compress XOR-folds the digest into size bytes: byte i goes into byte
// i mod size. Nix shortens sha256 digests to 20 bytes this way for store
// path hash parts.
func (h Hash) Compress(size int) []byte {
	if size <= 0 {
		return nil
	}
	out := make([]byte, size)
	for i, b := range h.digest[:h.algo.Size()] {
		out[i%size] ^= b
	}
	return out
}

// Compare orders hashes by algorithm, then digest bytes (which is the
// order of their base16 encodings).
func Compare(a, b Hash) int {
	if a.algo != b.algo {
		if a.algo < b.algo {
			return -1
		}
		return 1
	}
	return bytes.Compare(a.digest[:], b.digest[:])
}

// CompressInto is Compress writing into out (len(out) bytes), which it
// zeroes first.
func (h Hash) CompressInto(out []byte) {
	clear(out)
	if len(out) == 0 {
		return
	}
	for i, b := range h.digest[:h.algo.Size()] {
		out[i%len(out)] ^= b
	}
}

// AppendEncode appends the digest alone in format f to b, as Encode.
func (h Hash) AppendEncode(b []byte, f Format) []byte {
	d := h.digest[:h.algo.Size()]
	switch f {
	case Base16:
		return hex.AppendEncode(b, d)
	case Nix32:
		n := len(b)
		b = append(b, make([]byte, nixbase32.EncodedLen(len(d)))...)
		nixbase32.Encode(b[n:], d)
		return b
	default:
		return base64.StdEncoding.AppendEncode(b, d)
	}
}

// Encode returns the digest alone in format f (SRI gives plain base64).
func (h Hash) Encode(f Format) string {
	d := h.digest[:h.algo.Size()]
	switch f {
	case Base16:
		return hex.EncodeToString(d)
	case Nix32:
		return nixbase32.EncodeToString(d)
	default:
		return base64.StdEncoding.EncodeToString(d)
	}
}

// Format prints h the way Nix's Hash::to_string does: SRI is always
// "algo-base64"; the other formats get an "algo:" prefix when withAlgo.
func (h Hash) Format(f Format, withAlgo bool) string {
	s := h.Encode(f)
	switch {
	case f == SRI:
		return h.algo.String() + "-" + s
	case withAlgo:
		return h.algo.String() + ":" + s
	}
	return s
}

// SRI returns e.g. "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=".
func (h Hash) SRI() string { return h.Format(SRI, true) }

// String returns the SRI form, or "" for the zero Hash.
func (h Hash) String() string {
	if h.IsZero() {
		return ""
	}
	return h.SRI()
}

// MarshalText gives the SRI form, as Nix's JSON does.
func (h Hash) MarshalText() ([]byte, error) {
	if h.IsZero() {
		return nil, errorf("cannot encode the zero Hash")
	}
	return []byte(h.SRI()), nil
}

// UnmarshalText accepts only SRI, as Nix's JSON reader does.
func (h *Hash) UnmarshalText(b []byte) error {
	v, err := ParseSRI(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}
