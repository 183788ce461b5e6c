package nixhash

import (
	"crypto/sha256"
	"hash"
	"io"
	"unsafe"
)

// Hasher hashes a byte stream and counts its length, like Nix's HashSink.
type Hasher struct {
	algo Algorithm
	h    hash.Hash
	n    int64
}

// NewHasher starts hashing with a, which must be a valid algorithm (it is
// a programming error otherwise, and NewHasher panics).
func NewHasher(a Algorithm) *Hasher {
	h := a.New()
	if h == nil {
		panic("nixhash: NewHasher with invalid algorithm " + a.String())
	}
	return &Hasher{algo: a, h: h}
}

// Write adds p to the hash; it never fails.
func (s *Hasher) Write(p []byte) (int, error) {
	s.n += int64(len(p))
	return s.h.Write(p)
}

// WriteString adds str to the hash.
func (s *Hasher) WriteString(str string) (int, error) {
	s.n += int64(len(str))
	return io.WriteString(s.h, str)
}

// Sum returns the hash of what was written so far; writing may go on.
func (s *Hasher) Sum() Hash {
	h := Hash{algo: s.algo}
	s.h.Sum(h.digest[:0])
	return h
}

// Count returns the number of bytes written.
func (s *Hasher) Count() int64 { return s.n }

// Sum hashes data with a.
func Sum(a Algorithm, data []byte) Hash {
	if a == SHA256 {
		// The common case, without a Hasher on the heap.
		h := Hash{algo: a}
		d := sha256.Sum256(data)
		copy(h.digest[:], d[:])
		return h
	}
	s := NewHasher(a)
	s.Write(data)
	return s.Sum()
}

// SumString hashes str with a.
func SumString(a Algorithm, str string) Hash {
	if a == SHA256 {
		// sha256 only reads the bytes, so str need not be copied.
		return Sum(a, unsafe.Slice(unsafe.StringData(str), len(str)))
	}
	s := NewHasher(a)
	s.WriteString(str)
	return s.Sum()
}

// SumReader hashes everything r yields, returning the hash and the byte
// count.
func SumReader(a Algorithm, r io.Reader) (Hash, int64, error) {
	s := NewHasher(a)
	n, err := io.Copy(s, r)
	if err != nil {
		return Hash{}, n, err
	}
	return s.Sum(), n, nil
}
