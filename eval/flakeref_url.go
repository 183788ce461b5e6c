package eval

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// URLs as Nix's fetchers parse and print them (RFC 3986, with Nix's
// leniencies), for flake references.

// badURLError is Nix's BadURL, which some parsing steps catch to try
// another form of flake reference.
type badURLError struct{ msg string }

func (e *badURLError) Error() string { return e.msg }

func badURL(format string, args ...any) error { return &badURLError{fmt.Sprintf(format, args...)} }

// parsedURL is Nix's ParsedURL: path segments and query decoded.
type parsedURL struct {
	scheme   string
	auth     *urlAuthority
	path     []string
	query    map[string]string
	fragment string
}

type urlAuthority struct {
	user, password       string
	hasUser, hasPassword bool
	host                 string
	hostKind             byte // 'n'ame, '4' or '6'
	port                 string
}

func (a *urlAuthority) String() string {
	var b strings.Builder
	if a.hasUser {
		b.WriteString(percentEncode(a.user, ""))
		if a.hasPassword {
			b.WriteString(":" + percentEncode(a.password, ""))
		}
		b.WriteByte('@')
	}
	switch a.hostKind {
	case '4':
		b.WriteString(a.host)
	case '6':
		b.WriteString("[" + percentEncode(a.host, ":") + "]")
	default:
		b.WriteString(percentEncode(a.host, ""))
	}
	if a.port != "" {
		b.WriteString(":" + a.port)
	}
	return b.String()
}

func (u *parsedURL) String() string {
	var b strings.Builder
	b.WriteString(u.scheme + ":")
	if u.auth != nil {
		b.WriteString("//" + u.auth.String())
	}
	for i, p := range u.path {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(percentEncode(p, ":@"))
	}
	if len(u.query) > 0 {
		b.WriteByte('?')
		keys := make([]string, 0, len(u.query))
		for k := range u.query {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(percentEncode(k, ":@/?") + "=" + percentEncode(u.query[k], ":@/?"))
		}
	}
	if u.fragment != "" {
		b.WriteString("#" + percentEncode(u.fragment, ""))
	}
	return b.String()
}

// pathSegments drops empty segments, as Nix's pathSegments(true).
func (u *parsedURL) pathSegments() []string {
	var out []string
	for _, p := range u.path {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

func isSubDelim(c byte) bool { return strings.IndexByte("!$&'()*+,;=", c) >= 0 }

// isQuery reports whether q is a query as Boost.URL reads one: RFC 3986's
// pchars, '/' and '?', and also '[' and ']',
// with every '%' starting two hex digits.
func isQuery(q string) bool { return validURLPart(q, ":@/?[]") }

func percentEncode(s, keep string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// percentEncodeSet encodes only the bytes in set.
func percentEncodeSet(s, set string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) >= 0 {
			fmt.Fprintf(&b, "%%%02X", s[i])
		} else {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func percentDecode(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		// Boost.URL's words for the two ways an escape can be wrong.
		if i+2 >= len(s) {
			return "", badURL("invalid URI parameter '%s': %s", s, "incomplete pct-encoding")
		}
		if !isHex(s[i+1]) || !isHex(s[i+2]) {
			return "", badURL("invalid URI parameter '%s': %s", s, "bad hexdig in pct-encoding")
		}
		v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
		b.WriteByte(byte(v))
		i += 2
	}
	return b.String(), nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// validURLPart checks a URL component's characters: pchars, pct-encoded
// bytes, and the extra characters allowed.
func validURLPart(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 2
		case isUnreserved(c) || isSubDelim(c) || strings.IndexByte(extra, c) >= 0:
		default:
			return false
		}
	}
	return true
}

type flakeParser struct {
	warn func(string)
}

// parseURL is Nix's parseURL; lenient allows spaces and quotes in the
// query and fragment.
func (fp *flakeParser) parseURL(s string, lenient bool) (*parsedURL, error) {
	fixed := s
	if lenient {
		var b strings.Builder
		rest := s
		if before, after, ok := strings.Cut(rest, "?"); ok {
			q, frag, hasFrag := strings.Cut(after, "#")
			b.WriteString(before + "?" + percentEncodeSet(q, " \""))
			rest = ""
			if hasFrag {
				rest = "#" + frag
			}
		}
		if before, after, ok := strings.Cut(rest, "#"); ok {
			b.WriteString(before + "#" + percentEncodeSet(after, " \"^"))
		} else {
			b.WriteString(rest)
		}
		fixed = b.String()
	}
	invalid := func() (*parsedURL, error) { return nil, badURL("'%s' is not a valid URL: %s", s, "leftover") }
	rest, fragment, hasFrag := strings.Cut(fixed, "#")
	rest, query, hasQuery := strings.Cut(rest, "?")
	// Boost.URL lets a fragment hold further '#'s.
	if hasFrag && !validURLPart(fragment, ":@/?#") || hasQuery && !isQuery(query) {
		return invalid()
	}
	i := 0
	for i < len(rest) && (isUnreserved(rest[i]) && rest[i] != '_' && rest[i] != '~' || rest[i] == '+') {
		i++
	}
	if i == len(rest) || rest[i] != ':' || i == 0 || !('a' <= rest[0]|0x20 && rest[0]|0x20 <= 'z') {
		if !validURLPart(rest, ":@/") {
			return invalid()
		}
		return nil, badURL("'%s' doesn't have a scheme", fixed)
	}
	u := &parsedURL{scheme: rest[:i]}
	rest = rest[i+1:]
	if strings.HasPrefix(rest, "//") {
		rest = rest[2:]
		end := strings.IndexByte(rest, '/')
		if end < 0 {
			end = len(rest)
		}
		a, err := parseAuthority(rest[:end])
		if err != nil {
			return invalid()
		}
		u.auth = a
		rest = rest[end:]
	}
	if !validURLPart(rest, ":@/") {
		return invalid()
	}
	transportIsFile := u.scheme == "file" || strings.HasSuffix(u.scheme, "+file")
	if u.auth != nil && u.auth.host != "" && transportIsFile {
		return nil, badURL("file:// URL '%s' has unexpected authority '%s'", fixed, u.auth)
	}
	if transportIsFile && rest == "" {
		rest = "/"
	}
	for _, seg := range strings.Split(rest, "/") {
		d, err := percentDecode(seg)
		if err != nil {
			return nil, err
		}
		u.path = append(u.path, d)
	}
	var err error
	if u.query, err = fp.decodeQuery(query); err != nil {
		return nil, err
	}
	if u.fragment, err = percentDecode(fragment); err != nil {
		return nil, err
	}
	return u, nil
}

func parseAuthority(s string) (*urlAuthority, error) {
	a := &urlAuthority{hostKind: 'n'}
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		userinfo := s[:at]
		s = s[at+1:]
		if !validURLPart(userinfo, ":") {
			return nil, errors.New("bad userinfo")
		}
		user, pass, hasPass := strings.Cut(userinfo, ":")
		a.hasUser, a.hasPassword = true, hasPass
		a.user, _ = percentDecode(user)
		a.password, _ = percentDecode(pass)
	}
	hostEnd := len(s)
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return nil, errors.New("bad IP literal")
		}
		a.host, a.hostKind = s[1:end], '6'
		hostEnd = end + 1
	} else if c := strings.LastIndexByte(s, ':'); c >= 0 {
		hostEnd = c
	}
	if a.hostKind != '6' {
		if !validURLPart(s[:hostEnd], "") {
			return nil, errors.New("bad host")
		}
		a.host, _ = percentDecode(s[:hostEnd])
		if isIPv4(a.host) {
			a.hostKind = '4'
		}
	}
	if hostEnd < len(s) {
		if s[hostEnd] != ':' {
			return nil, errors.New("leftover")
		}
		a.port = s[hostEnd+1:]
		for i := 0; i < len(a.port); i++ {
			if a.port[i] < '0' || a.port[i] > '9' {
				return nil, errors.New("bad port")
			}
		}
		if a.port != "" {
			n, err := strconv.ParseUint(a.port, 10, 16)
			if err != nil || n == 0 {
				return nil, badURL("port '%s' is invalid", a.port)
			}
			a.port = strconv.FormatUint(n, 10)
		}
	}
	return a, nil
}

func isIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n > 255 || p == "" || len(p) > 1 && p[0] == '0' {
			return false
		}
	}
	return true
}

// decodeQuery splits "a=1&b=2"; a parameter without "=" is dropped with
// a warning, and the first of repeated names wins.
func (fp *flakeParser) decodeQuery(q string) (map[string]string, error) {
	out := map[string]string{}
	if q == "" {
		return out, nil
	}
	orig := q
	q = percentEncodeSet(q, " \"")
	if !isQuery(q) {
		// What the URL grammar cannot read to the end, as Boost.URL says.
		return nil, badURL("invalid URI query '%s': leftover", orig)
	}
	for _, p := range strings.Split(q, "&") {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			if fp.warn != nil {
				fp.warn(fmt.Sprintf("dubious URI query '%s' is missing equal sign '%s', ignoring", k, "="))
			}
			continue
		}
		kd, err := percentDecode(k)
		if err != nil {
			return nil, badURL("invalid URI query '%s': %s", q, err)
		}
		vd, err := percentDecode(v)
		if err != nil {
			return nil, badURL("invalid URI query '%s': %s", q, err)
		}
		if _, dup := out[kd]; !dup {
			out[kd] = vd
		}
	}
	return out, nil
}
