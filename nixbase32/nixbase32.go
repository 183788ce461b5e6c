package nixbase32

import (
	"fmt"
	"strings"
)

// Alphabet is the digit set, digit value = index.
const Alphabet = "0123456789abcdfghijklmnpqrsvwxyz"

// invalid marks bytes that are not digits in reverse.
const invalid = 0xff

var reverse = func() (t [256]byte) {
	for i := range t {
		t[i] = invalid
	}
	for i := 0; i < len(Alphabet); i++ {
		t[Alphabet[i]] = byte(i)
	}
	return t
}()

// EncodedLen returns the length of the encoding of n bytes.
func EncodedLen(n int) int {
	if n <= 0 {
		return 0
	}
	return (n*8-1)/5 + 1
}

// DecodedLen returns the number of bytes an encoding of n characters holds.
// It is only meaningful when n is a length EncodedLen can return; see
// ValidLen.
func DecodedLen(n int) int {
	return n * 5 / 8
}

// ValidLen reports whether some byte string encodes to n characters.
func ValidLen(n int) bool {
	return n >= 0 && EncodedLen(DecodedLen(n)) == n
}

// IsDigit reports whether c is in the alphabet.
func IsDigit(c byte) bool {
	return reverse[c] != invalid
}

// Encode writes the encoding of src to dst, which must be
// EncodedLen(len(src)) bytes long.
func Encode(dst, src []byte) {
	n := len(dst)
	for k := 0; k < n; k++ {
		// Character k (from the left) holds bits [5m, 5m+5) of the
		// little-endian bit string, with m counted from the right.
		b := uint(n-1-k) * 5
		i, j := b/8, b%8
		c := src[i] >> j
		if j > 3 && int(i)+1 < len(src) {
			c |= src[i+1] << (8 - j)
		}
		dst[k] = Alphabet[c&0x1f]
	}
}

// EncodeToString returns the encoding of src.
func EncodeToString(src []byte) string {
	dst := make([]byte, EncodedLen(len(src)))
	Encode(dst, src)
	return string(dst)
}

// DecodeError describes why a string is not valid nix32.
type DecodeError struct {
	Input  string
	Offset int // index of the offending character, or -1 for the length
	Reason string
}

func (e *DecodeError) Error() string {
	if e.Offset < 0 {
		return fmt.Sprintf("invalid nix32 string '%s': %s", e.Input, e.Reason)
	}
	return fmt.Sprintf("invalid nix32 string '%s' at offset %d: %s", e.Input, e.Offset, e.Reason)
}

// Decode decodes s into dst, which must be DecodedLen(len(s)) bytes long.
// It rejects lengths no encoder produces, characters outside Alphabet, and
// set bits beyond the last byte (which would make two strings decode to
// the same bytes).
func Decode(dst []byte, s string) error {
	if !ValidLen(len(s)) {
		return &DecodeError{Input: s, Offset: -1, Reason: fmt.Sprintf("length %d is not the length of any encoding", len(s))}
	}
	if len(dst) != DecodedLen(len(s)) {
		return &DecodeError{Input: s, Offset: -1, Reason: fmt.Sprintf("decodes to %d bytes, not %d", DecodedLen(len(s)), len(dst))}
	}
	clear(dst)
	n := len(s)
	for k := 0; k < n; k++ {
		d := reverse[s[k]]
		if d == invalid {
			return &DecodeError{Input: s, Offset: k, Reason: fmt.Sprintf("invalid character %s", quoteByte(s[k]))}
		}
		b := uint(n-1-k) * 5
		i, j := b/8, b%8
		lo := d << j
		var hi byte
		if j > 3 {
			hi = d >> (8 - j)
		}
		dst[i] |= lo
		if hi != 0 {
			if int(i)+1 >= len(dst) {
				return &DecodeError{Input: s, Offset: k, Reason: fmt.Sprintf("character %s sets bits beyond the encoded length", quoteByte(s[k]))}
			}
			dst[i+1] |= hi
		}
	}
	return nil
}

// DecodeString decodes s, with the checks of Decode.
func DecodeString(s string) ([]byte, error) {
	if !ValidLen(len(s)) {
		return nil, &DecodeError{Input: s, Offset: -1, Reason: fmt.Sprintf("length %d is not the length of any encoding", len(s))}
	}
	dst := make([]byte, DecodedLen(len(s)))
	if err := Decode(dst, s); err != nil {
		return nil, err
	}
	return dst, nil
}

// quoteByte shows a byte in single quotes, escaping what does not print.
func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f && c != '\'' {
		return "'" + string(rune(c)) + "'"
	}
	q := fmt.Sprintf("%q", string([]byte{c}))
	return "'" + strings.Trim(q, `"`) + "'"
}
