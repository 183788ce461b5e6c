package storepath

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cairn-nix/cairn/nixbase32"
)

const (
	// DigestSize is the length of the digest in a store path, in bytes.
	DigestSize = 20
	// HashLen is the length of the hash part, in nix32 characters.
	HashLen = 32
	// MaxNameLen is the longest name Nix accepts.
	MaxNameLen = 211
	// DrvExtension ends the names of derivation paths.
	DrvExtension = ".drv"
)

// Error reports an invalid store path, name or content address, in
// Nix's wording.
type Error struct {
	Msg string
}

func (e *Error) Error() string { return e.Msg }

func errorf(format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// StorePath is a store object's base name: "<nix32 digest>-<name>". It is
// comparable; the zero value (empty name) is not a valid path.
type StorePath struct {
	digest [DigestSize]byte
	name   string
}

// New makes a store path from a digest and a name, checking the name.
func New(digest [DigestSize]byte, name string) (StorePath, error) {
	if err := ValidateName(name); err != nil {
		return StorePath{}, errorf("path '%s-%s' is not a valid store path: %s", nixbase32.EncodeToString(digest[:]), name, err)
	}
	return StorePath{digest: digest, name: name}, nil
}

// ParseBaseName parses "<hash>-<name>", a store path without its
// directory (as in JSON and .drv references to other paths by base name).
func ParseBaseName(s string) (StorePath, error) {
	if len(s) < HashLen+1 {
		return StorePath{}, errorf("'%s' is too short to be a valid store path", s)
	}
	// Nix 2.34 did not check the separator; newer Nix does, and so do we,
	// since the digest-and-name form cannot keep another byte there.
	if s[HashLen] != '-' {
		return StorePath{}, errorf("'%s' can't name a store path because the hash part is not followed by a '-'", s)
	}
	digest, ok := decodeHashPart(s)
	if !ok {
		for i := 0; i < HashLen; i++ {
			if !nixbase32.IsDigit(s[i]) {
				return StorePath{}, errorf("store path '%s' contains illegal base-32 character %s", s, quote(s[i]))
			}
		}
	}
	p := StorePath{digest: digest, name: s[HashLen+1:]}
	if err := ValidateName(p.name); err != nil {
		return StorePath{}, errorf("path '%s' is not a valid store path: %s", s, err)
	}
	return p, nil
}

// ValidateName checks a store path name as Nix's checkName does: 1 to 211
// characters from [0-9a-zA-Z+-._?=], and the first dash-separated part
// must not be "." or "..".
func ValidateName(name string) error {
	if name == "" {
		return errorf("name must not be empty")
	}
	if len(name) > MaxNameLen {
		return errorf("name '%s' must be no longer than %d characters", name, MaxNameLen)
	}
	if name[0] == '.' {
		switch {
		case name == "." || name == "..":
			return errorf("name '%s' is not valid", name)
		case strings.HasPrefix(name, ".-"):
			return errorf("name '%s' is not valid: first dash-separated component must not be '%s'", name, ".")
		case strings.HasPrefix(name, "..-"):
			return errorf("name '%s' is not valid: first dash-separated component must not be '%s'", name, "..")
		}
	}
	for i := 0; i < len(name); i++ {
		if !nameChar(name[i]) {
			return errorf("name '%s' contains illegal character %s", name, quote(name[i]))
		}
	}
	return nil
}

func nameChar(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return true
	}
	return strings.IndexByte("+-._?=", c) >= 0
}

// Digest returns the 20-byte digest.
func (p StorePath) Digest() [DigestSize]byte { return p.digest }

// HashPart returns the digest in nix32, the first 32 characters.
func (p StorePath) HashPart() string {
	var buf [HashLen]byte
	return string(appendHashPart(buf[:0], &p.digest))
}

// Name returns the part after the dash.
func (p StorePath) Name() string { return p.name }

// String returns the base name "<hash>-<name>", or "" for the zero value.
func (p StorePath) String() string {
	if p.IsZero() {
		return ""
	}
	var buf [256]byte // one allocation, the result's
	return string(p.AppendTo(buf[:0]))
}

// AppendTo appends p's base name (String) to b, without allocating.
func (p StorePath) AppendTo(b []byte) []byte {
	if p.IsZero() {
		return b
	}
	b = appendHashPart(slices.Grow(b, HashLen+1+len(p.name)), &p.digest)
	b = append(b, '-')
	return append(b, p.name...)
}

// IsZero reports whether p is the zero StorePath.
func (p StorePath) IsZero() bool { return p.name == "" }

// IsDerivation reports whether the name ends in ".drv".
func (p StorePath) IsDerivation() bool { return strings.HasSuffix(p.name, DrvExtension) }

// Compare orders store paths as Nix does, by base name. The nix32 text
// of a digest sorts like the digest read as a little-endian number, so
// the bytes are compared from the last one.
func Compare(a, b StorePath) int {
	for i := DigestSize - 1; i >= 0; i-- {
		if a.digest[i] != b.digest[i] {
			if a.digest[i] < b.digest[i] {
				return -1
			}
			return 1
		}
	}
	return strings.Compare(a.name, b.name)
}

// MarshalText gives the base name, as Nix's JSON does.
func (p StorePath) MarshalText() ([]byte, error) {
	if p.IsZero() {
		return nil, errorf("cannot encode the zero StorePath")
	}
	return []byte(p.String()), nil
}

// UnmarshalText parses a base name.
func (p *StorePath) UnmarshalText(b []byte) error {
	v, err := ParseBaseName(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// quote shows a byte in single quotes, escaping what does not print.
func quote(c byte) string {
	if c >= 0x20 && c < 0x7f && c != '\'' {
		return "'" + string(rune(c)) + "'"
	}
	return fmt.Sprintf("'\\x%02x'", c)
}

// Store paths are parsed all the time, always with a 20-byte digest:
// 160 bits, 32 nix32 characters of 5 bits, so that each run of 8
// characters is exactly 5 bytes. The digest is a little-endian number
// written most significant character first (nixbase32's encoding).

// digitValue is the value of a nix32 character, 0xff for other bytes.
var digitValue = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < len(nixbase32.Alphabet); i++ {
		t[nixbase32.Alphabet[i]] = byte(i)
	}
	return t
}()

// decodeHashPart decodes the first 32 characters of s; ok is false if
// one is not a nix32 character.
func decodeHashPart(s string) (d [DigestSize]byte, ok bool) {
	s = s[:HashLen]
	for g := 0; g < 4; g++ { // bytes 5g to 5g+4, from characters 31-8g down to 24-8g
		var v, bad uint64
		for t := 0; t < 8; t++ {
			c := uint64(digitValue[s[HashLen-1-8*g-t]])
			bad |= c
			v |= c << (5 * t)
		}
		if bad >= 32 {
			return d, false
		}
		for i := 0; i < 5; i++ {
			d[5*g+i] = byte(v >> (8 * i))
		}
	}
	return d, true
}

// appendHashPart appends the 32 nix32 characters of a digest.
func appendHashPart(b []byte, d *[DigestSize]byte) []byte {
	n := len(b)
	b = append(b, make([]byte, HashLen)...)
	nixbase32.Encode(b[n:], d[:])
	return b
}
