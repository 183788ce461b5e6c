package derivation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// JSON values here are what encoding/json decodes into `any` with
// UseNumber: map[string]any, []any, string, json.Number, bool and nil.
// They are printed the way Nix's JSON library (nlohmann) prints them,
// because Nix hashes its output: the "__json" variable of a structured
// derivation is nlohmann's compact dump, with keys sorted.

// parseJSON decodes one JSON value that must fill s.
func parseJSON(s string) (any, error) {
	if !utf8.ValidString(s) {
		// nlohmann rejects invalid UTF-8; encoding/json would replace it.
		return nil, errors.New("invalid UTF-8 in JSON text")
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return v, nil
}

// parseJSONObject decodes a JSON object, as structured attributes must be.
func parseJSONObject(s string) (map[string]any, error) {
	v, err := parseJSON(s)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("JSON value is not an object")
	}
	return m, nil
}

// appendJSON prints v. indent < 0 prints compactly (nlohmann's dump());
// otherwise objects and arrays are broken over lines indented by indent
// spaces per level (dump(indent)).
func appendJSON(b []byte, v any, indent, depth int) []byte {
	newline := func(d int) {
		b = append(b, '\n')
		for i := 0; i < d*indent; i++ {
			b = append(b, ' ')
		}
	}
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, v)
	case string:
		return appendJSONString(b, v)
	case json.Number:
		return appendJSONNumber(b, v)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case uint64:
		return strconv.AppendUint(b, v, 10)
	case []string:
		a := make([]any, len(v))
		for i, s := range v {
			a[i] = s
		}
		return appendJSON(b, a, indent, depth)
	case []any:
		if len(v) == 0 {
			return append(b, "[]"...)
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			if indent >= 0 {
				newline(depth + 1)
			}
			b = appendJSON(b, e, indent, depth+1)
		}
		if indent >= 0 {
			newline(depth)
		}
		return append(b, ']')
	case map[string]any:
		if len(v) == 0 {
			return append(b, "{}"...)
		}
		b = append(b, '{')
		for i, k := range sortedKeys(v) {
			if i > 0 {
				b = append(b, ',')
			}
			if indent >= 0 {
				newline(depth + 1)
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			if indent >= 0 {
				b = append(b, ' ')
			}
			b = appendJSON(b, v[k], indent, depth+1)
		}
		if indent >= 0 {
			newline(depth)
		}
		return append(b, '}')
	}
	// Only the types above are built by this package.
	return append(b, "null"...)
}

// appendJSONString escapes as nlohmann does without ensure_ascii: short
// escapes for \b \f \n \r \t, \u00xx for other control characters, and
// UTF-8 left as is. Invalid UTF-8 becomes U+FFFD (nlohmann would fail).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, "\uFFFD"...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		switch c {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			} else {
				b = append(b, c)
			}
		}
		i++
	}
	return append(b, '"')
}

// appendJSONNumber prints a number as nlohmann would after parsing it:
// integers that fit 64 bits unchanged, everything else as a double.
func appendJSONNumber(b []byte, n json.Number) []byte {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			return strconv.AppendInt(b, v, 10)
		}
		if v, err := strconv.ParseUint(s, 10, 64); err == nil {
			return strconv.AppendUint(b, v, 10)
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return append(b, s...)
	}
	return appendNlohmannFloat(b, f)
}

// appendNlohmannFloat prints the shortest digits that read back as f,
// laid out as nlohmann's dump does: plain decimals with a ".0" for whole
// numbers while the exponent is small, else d.ddde+XX.
func appendNlohmannFloat(b []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return append(b, "null"...)
	}
	if f == 0 {
		if math.Signbit(f) {
			return append(b, "-0.0"...)
		}
		return append(b, "0.0"...)
	}
	if f < 0 {
		b = append(b, '-')
		f = -f
	}
	// 'e' with precision -1 gives the shortest digits: d.ddde±XX.
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, expS, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expS)
	k := len(digits)
	n := exp + 1 // position of the decimal point relative to the digits
	switch {
	case k <= n && n <= 15:
		b = append(b, digits...)
		b = append(b, bytes.Repeat([]byte{'0'}, n-k)...)
		return append(b, ".0"...)
	case 0 < n && n <= 15:
		b = append(b, digits[:n]...)
		b = append(b, '.')
		return append(b, digits[n:]...)
	case -4 < n && n <= 0:
		b = append(b, "0."...)
		b = append(b, bytes.Repeat([]byte{'0'}, -n)...)
		return append(b, digits...)
	}
	b = append(b, digits[0])
	if k > 1 {
		b = append(b, '.')
		b = append(b, digits[1:]...)
	}
	b = append(b, 'e')
	x := n - 1
	if x < 0 {
		b = append(b, '-')
		x = -x
	} else {
		b = append(b, '+')
	}
	if x < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(x), 10)
}
