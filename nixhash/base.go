package nixhash

import "fmt"

// decodeBase16 accepts upper and lower case, as Nix does.
func decodeBase16(s string) ([]byte, error) {
	if len(s)%2 != 0 {
		return nil, fmt.Errorf("odd length %d", len(s))
	}
	out := make([]byte, len(s)/2)
	for i := 0; i < len(s); i++ {
		v, ok := hexDigit(s[i])
		if !ok {
			return nil, fmt.Errorf("invalid character %s in base16 at offset %d", quote(s[i]), i)
		}
		out[i/2] |= v << (4 * (1 - i%2))
	}
	return out, nil
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

var base64Value = func() (t [256]int8) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = int8(i)
	}
	return t
}()

// decodeBase64 reproduces Nix's lenient base64 reader, because hashes in
// existing Nix code (SRI without padding, for one) rely on it: decoding
// stops at the first '=', newlines are skipped, and leftover bits are
// dropped. The caller checks the decoded length, which rejects most
// malformed input anyway.
func decodeBase64(s string) ([]byte, error) {
	out := make([]byte, 0, len(s)*3/4)
	var acc uint32
	bits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '=' {
			break
		}
		if c == '\n' {
			continue
		}
		v := base64Value[c]
		if v < 0 {
			return nil, fmt.Errorf("invalid character %s in base64 at offset %d", quote(c), i)
		}
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
		}
	}
	return out, nil
}

func quote(c byte) string {
	if c >= 0x20 && c < 0x7f && c != '\'' {
		return "'" + string(rune(c)) + "'"
	}
	return fmt.Sprintf("'\\x%02x'", c)
}
