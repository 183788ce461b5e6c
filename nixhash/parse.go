package nixhash

import (
	"fmt"
	"strings"

	"github.com/cairn-nix/cairn/nixbase32"
)

// The parsers below follow Nix's Hash::parse* functions. In short:
//   - "algo:rest" or "algo-rest" (SRI) may name the algorithm;
//   - SRI is always base64; otherwise the encoding is chosen by the length
//     of rest for the algorithm (base16, nix32 or base64).

// encodedLen returns the length of f's encoding of a digest of n bytes.
func encodedLen(f Format, n int) int {
	switch f {
	case Base16:
		return 2 * n
	case Nix32:
		return nixbase32.EncodedLen(n)
	default:
		return (4*n/3 + 3) &^ 3
	}
}

// formatFromLen picks the encoding of an unprefixed digest from its length.
func formatFromLen(rest string, a Algorithm) (Format, error) {
	for _, f := range []Format{Base16, Nix32, Base64} {
		if len(rest) == encodedLen(f, a.Size()) {
			return f, nil
		}
	}
	return 0, errorf("hash '%s' has wrong length for hash algorithm '%s'", rest, a)
}

// formatLabel is the encoding's name in Nix's length error.
func formatLabel(f Format) string {
	switch f {
	case Base64:
		return "Base64"
	case SRI:
		return "SRI"
	}
	return f.String()
}

// decode parses rest, already stripped of any prefix, in format f.
func decode(rest string, a Algorithm, f Format) (Hash, error) {
	if !a.Valid() {
		return Hash{}, errorf("invalid hash algorithm %d", uint8(a))
	}
	var d []byte
	var err error
	switch f {
	case Base16:
		d, err = decodeBase16(rest)
	case Nix32:
		if nixbase32.ValidLen(len(rest)) {
			d, err = nixbase32.DecodeString(rest)
		} else {
			d = nil // reported as a length mismatch below
		}
	case Base64, SRI:
		d, err = decodeBase64(rest)
	default:
		return Hash{}, errorf("invalid hash format %d", uint8(f))
	}
	if err != nil {
		return Hash{}, &Error{Msg: fmt.Sprintf("invalid %s hash '%s'", formatLabel(f), rest), Err: err}
	}
	if len(d) != a.Size() {
		return Hash{}, errorf("invalid %s hash '%s', length %d != expected length %d", formatLabel(f), rest, len(d), a.Size())
	}
	h := Hash{algo: a}
	copy(h.digest[:], d)
	return h, nil
}

// ParseExplicit parses an unprefixed digest in a known format and
// algorithm (Nix's parseExplicitFormatUnprefixed). For SRI, s is just the
// base64 part.
func ParseExplicit(s string, a Algorithm, f Format) (Hash, error) {
	return decode(s, a, f)
}

// ParseNonSRIUnprefixed parses an unprefixed digest whose encoding is
// told by its length, as in derivations and content addresses.
func ParseNonSRIUnprefixed(s string, a Algorithm) (Hash, error) {
	if !a.Valid() {
		return Hash{}, errorf("invalid hash algorithm %d", uint8(a))
	}
	f, err := formatFromLen(s, a)
	if err != nil {
		return Hash{}, err
	}
	return decode(s, a, f)
}

// ParseSRI parses "algo-base64".
func ParseSRI(s string) (Hash, error) {
	name, rest, ok := strings.Cut(s, "-")
	if !ok {
		return Hash{}, errorf("hash '%s' is not SRI", s)
	}
	a, err := ParseAlgorithm(name)
	if err != nil {
		return Hash{}, err
	}
	return decode(rest, a, SRI)
}

// splitAlgo strips an "algo:" or, failing that, an "algo-" prefix. Like
// Nix it cuts at the first ':' (else the first '-') and insists that what
// precedes it is an algorithm name.
func splitAlgo(s string) (a Algorithm, rest string, sri bool, err error) {
	name, rest, ok := strings.Cut(s, ":")
	if !ok {
		name, rest, ok = strings.Cut(s, "-")
		sri = ok
	}
	if !ok {
		return 0, s, false, nil
	}
	a, err = ParseAlgorithm(name)
	return a, rest, sri, err
}

// parseAny is the shared body of ParseAny and ParseAnyPrefixed; resolve
// settles the algorithm from the one in the string (0 when absent).
func parseAny(s string, resolve func(parsed Algorithm) (Algorithm, error)) (Hash, Format, error) {
	parsed, rest, sri, err := splitAlgo(s)
	if err != nil {
		return Hash{}, 0, err
	}
	a, err := resolve(parsed)
	if err != nil {
		return Hash{}, 0, err
	}
	f := SRI
	if !sri {
		if f, err = formatFromLen(rest, a); err != nil {
			return Hash{}, 0, err
		}
	}
	h, err := decode(rest, a, f)
	return h, f, err
}

// ParseAny parses a hash in any form: "algo:digest", "algo-base64" or a
// bare digest. algo is the algorithm known from context, 0 if none; when
// both the string and algo name one they must agree.
func ParseAny(s string, algo Algorithm) (Hash, error) {
	h, _, err := ParseAnyFormat(s, algo)
	return h, err
}

// ParseAnyFormat is ParseAny that also reports the format found.
func ParseAnyFormat(s string, algo Algorithm) (Hash, Format, error) {
	return parseAny(s, func(parsed Algorithm) (Algorithm, error) {
		switch {
		case parsed == 0 && algo == 0:
			return 0, errorf("hash '%s' does not include a type, nor is the type otherwise known from context", s)
		case parsed != 0 && algo != 0 && parsed != algo:
			return 0, errorf("hash '%s' should have type '%s'", s, algo)
		case parsed != 0:
			return parsed, nil
		}
		return algo, nil
	})
}

// ParseAnyPrefixed parses "algo:digest" or "algo-base64"; the algorithm
// must be in the string.
func ParseAnyPrefixed(s string) (Hash, error) {
	h, _, err := parseAny(s, func(parsed Algorithm) (Algorithm, error) {
		if parsed == 0 {
			return 0, errorf("hash '%s' does not include a type", s)
		}
		return parsed, nil
	})
	return h, err
}

// ParseAllowEmpty is Nix's newHashAllowEmpty: an empty string gives the
// all-zero hash of algo (and empty=true, so the caller can warn as Nix
// does); anything else goes to ParseAny.
func ParseAllowEmpty(s string, algo Algorithm) (h Hash, empty bool, err error) {
	if s == "" {
		if algo == 0 {
			return Hash{}, false, errorf("empty hash requires explicit hash algorithm")
		}
		return Zero(algo), true, nil
	}
	h, err = ParseAny(s, algo)
	return h, false, err
}
