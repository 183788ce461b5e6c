package eval

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cairn-nix/cairn/nixhash"
)

// Fetcher input schemes as Nix's fetchers define them, for parsing and
// printing flake references: which URLs each claims, which attributes
// each allows, and how each prints as a URL.

// A fetcher input: its scheme ("" for an unsupported type, which can be
// built but not shown) and attributes.
type fetchInput struct {
	scheme string
	attrs  inputAttrs
}

// inputSchemes in Nix's registry order (by name), which decides which
// scheme claims a URL first.
var inputSchemes = []string{"file", "git", "github", "gitlab", "hg", "indirect", "path", "sourcehut", "tarball"}

var inputSchemeAttrs = map[string][]string{
	"github":   {"host", "lastModified", "narHash", "owner", "ref", "repo", "rev", "treeHash"},
	"indirect": {"id", "narHash", "ref", "rev"},
	"path":     {"lastModified", "narHash", "path", "rev", "revCount"},
	"tarball":  {"lastModified", "name", "narHash", "rev", "revCount", "unpack", "url"},
	"git": {"allRefs", "dirtyRev", "dirtyShortRev", "exportIgnore", "keytype", "lastModified", "lfs", "name",
		"narHash", "publicKey", "publicKeys", "ref", "rev", "revCount", "shallow", "submodules", "url", "verifyCommit"},
	"hg": {"name", "narHash", "ref", "rev", "revCount", "url"},
}

func allowedInputAttrs(scheme string) []string {
	switch scheme {
	case "gitlab", "sourcehut":
		scheme = "github"
	case "file":
		scheme = "tarball"
	}
	return inputSchemeAttrs[scheme]
}

var (
	flakeIDRe  = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_-]*$`)
	revRe      = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)
	refRe      = regexp.MustCompile(`^[a-zA-Z0-9@][a-zA-Z0-9_.\/@+-]*$`)
	hostRe     = regexp.MustCompile(`^[a-zA-Z0-9.-]*$`)
	scpRe      = regexp.MustCompile(`^([^/]*)@(.*):(.*)$`)
	flakeIDRef = func() *regexp.Regexp {
		const (
			rev      = `[0-9a-fA-F]{40}`
			ref      = `[a-zA-Z0-9@][a-zA-Z0-9_.\/@+-]*`
			pchar    = `(?:[a-zA-Z0-9\-._~]|%[0-9a-fA-F][0-9a-fA-F]|[!$&'"()*+,;=]|[:@])`
			fragment = `(?:` + pchar + `|[/? "^])*`
		)
		return regexp.MustCompile(`^(([a-zA-Z][a-zA-Z0-9_-]*)(?:/(?:(` + rev + `)|(?:(` + ref + `)(?:/(` + rev + `))?)))?)(?:#(` + fragment + `))?$`)
	}()
)

// isLegalRefName approximates libgit2's check that a name is a valid
// branch, tag or reference name (git check-ref-format).
func isLegalRefName(name string) bool {
	if name == "@" || name == "" || strings.ContainsRune(name, 0x7f) {
		return false
	}
	for _, c := range []byte(name) {
		if c < 0x20 || strings.IndexByte(" ~^:?*[\\", c) >= 0 {
			return false
		}
	}
	if strings.Contains(name, "..") || strings.Contains(name, "@{") || strings.Contains(name, "//") ||
		strings.HasSuffix(name, "/") || strings.HasSuffix(name, ".") || strings.HasPrefix(name, "/") {
		return false
	}
	for _, comp := range strings.Split(name, "/") {
		if strings.HasPrefix(comp, ".") || strings.HasSuffix(comp, ".lock") {
			return false
		}
	}
	// As a branch or tag name it may not start with '-'; as a reference
	// it must be under refs/ or a one-level upper-case name like HEAD.
	if name[0] != '-' {
		return true
	}
	return false
}

// parseRev is Nix's Input::getRev: a prefixed hash, else SHA-1.
func parseRev(s string) (nixhash.Hash, error) {
	if h, err := nixhash.ParseAnyPrefixed(s); err == nil {
		return h, nil
	}
	return nixhash.ParseAny(s, nixhash.SHA1)
}

func (in *fetchInput) rev() (string, bool, error) {
	s, ok, err := in.attrs.maybeStr("rev")
	if !ok || err != nil {
		return "", false, err
	}
	h, err := parseRev(s)
	if err != nil {
		return "", false, err
	}
	return h.Encode(nixhash.Base16), true, nil
}

func (in *fetchInput) narHash() (string, bool, error) {
	s, ok, err := in.attrs.maybeStr("narHash")
	if !ok || err != nil {
		return "", false, err
	}
	h := nixhash.Zero(nixhash.SHA256)
	if s != "" {
		if h, err = nixhash.ParseSRI(s); err != nil {
			return "", false, err
		}
	}
	if h.Algo() != nixhash.SHA256 {
		return "", false, errors.New("narHash must use SHA-256")
	}
	return h.SRI(), true, nil
}

// fixup checks the attributes every input has, as Nix's fixupInput.
func (in *fetchInput) fixup() error {
	if _, err := in.attrs.str("type"); err != nil {
		return err
	}
	if _, _, err := in.attrs.maybeStr("ref"); err != nil {
		return err
	}
	if err := in.attrs.checkInt("revCount"); err != nil {
		return err
	}
	return in.attrs.checkInt("lastModified")
}

// inputFromURL lets each scheme in turn claim a URL.
func (fp *flakeParser) inputFromURL(u *parsedURL, requireTree bool) (*fetchInput, error) {
	for _, scheme := range inputSchemes {
		in, err := fp.schemeFromURL(scheme, u, requireTree)
		if err != nil {
			return nil, err
		}
		if in != nil {
			in.scheme = scheme
			return in, in.fixup()
		}
	}
	if app, transport, ok := strings.Cut(u.scheme, "+"); ok && app == "file" && transport == "git" {
		return nil, fmt.Errorf("input '%s' is unsupported; did you mean 'git+file' instead of 'file+git'?", u)
	}
	return nil, fmt.Errorf("input '%s' is unsupported", u)
}

func (fp *flakeParser) schemeFromURL(scheme string, u *parsedURL, requireTree bool) (*fetchInput, error) {
	attrs := inputAttrs{}
	str := func(k, v string) { attrs[k] = flakeAttr{kind: 's', s: v} }
	switch scheme {
	case "github", "gitlab", "sourcehut":
		if u.scheme != scheme {
			return nil, nil
		}
		path := u.pathSegments()
		var rev, ref, host *string
		switch {
		case len(path) == 3 && revRe.MatchString(path[2]):
			rev = &path[2]
		case len(path) >= 3:
			s := strings.Join(path[2:], "/")
			ref = &s
		case len(path) < 2:
			return nil, badURL("URL '%s' is invalid", u)
		}
		for _, k := range sortedQueryKeys(u.query) {
			v := u.query[k]
			switch k {
			case "rev":
				if rev != nil {
					return nil, badURL("URL '%s' contains multiple commit hashes", u)
				}
				rev = &v
			case "ref":
				if ref != nil {
					return nil, badURL("URL '%s' contains multiple branch/tag names", u)
				}
				ref = &v
			case "host":
				host = &v
			}
		}
		str("type", scheme)
		str("owner", path[0])
		str("repo", path[1])
		if rev != nil {
			str("rev", *rev)
		}
		if ref != nil {
			str("ref", *ref)
		}
		if host != nil {
			str("host", *host)
		}
		if h, ok := u.query["narHash"]; ok {
			str("narHash", h)
		}
	case "indirect":
		if u.scheme != "flake" {
			return nil, nil
		}
		path := u.pathSegments()
		switch len(path) {
		case 1:
		case 2:
			if revRe.MatchString(path[1]) {
				h, err := nixhash.ParseAny(path[1], nixhash.SHA1)
				if err != nil {
					return nil, err
				}
				str("rev", h.Encode(nixhash.Base16))
			} else if isLegalRefName(path[1]) {
				str("ref", path[1])
			} else {
				return nil, badURL("in flake URL '%s', '%s' is not a commit hash or branch/tag name", u, path[1])
			}
		case 3:
			if !isLegalRefName(path[1]) {
				return nil, badURL("in flake URL '%s', '%s' is not a branch/tag name", u, path[1])
			}
			str("ref", path[1])
			if !revRe.MatchString(path[2]) {
				return nil, badURL("in flake URL '%s', '%s' is not a commit hash", u, path[2])
			}
			h, err := nixhash.ParseAny(path[2], nixhash.SHA1)
			if err != nil {
				return nil, err
			}
			str("rev", h.Encode(nixhash.Base16))
		default:
			return nil, badURL("GitHub URL '%s' is invalid", u)
		}
		if !flakeIDRe.MatchString(path[0]) {
			return nil, badURL("'%s' is not a valid flake ID", path[0])
		}
		str("type", "indirect")
		str("id", path[0])
		return &fetchInput{attrs: attrs}, nil
	case "path":
		if u.scheme != "path" {
			return nil, nil
		}
		if u.auth != nil && u.auth.host != "" {
			return nil, fmt.Errorf("path URL '%s' should not have an authority ('%s')", u, u.auth)
		}
		p, err := urlPathToPath(u.path)
		if err != nil {
			return nil, err
		}
		str("type", "path")
		str("path", p)
		for _, k := range sortedQueryKeys(u.query) {
			v := u.query[k]
			switch k {
			case "rev", "narHash":
				str(k, v)
			case "revCount", "lastModified":
				n, err := strconv.ParseUint(v, 10, 64)
				if err != nil || v == "" || v[0] == '+' {
					return nil, fmt.Errorf("path URL '%s' has invalid parameter '%s'", u, k)
				}
				attrs[k] = flakeAttr{kind: 'i', n: n}
			default:
				return nil, fmt.Errorf("path URL '%s' has unsupported parameter '%s'", u, k)
			}
		}
		return &fetchInput{attrs: attrs}, nil
	case "git", "hg":
		app, transport, hasApp := strings.Cut(u.scheme, "+")
		switch {
		case scheme == "git" && u.scheme != "git" && !(hasApp && app == "git"):
			return nil, nil
		case scheme == "hg" && !(app == "hg" && slices.Contains([]string{"http", "https", "ssh", "file"}, transport)):
			return nil, nil
		}
		u2 := *u
		u2.query = map[string]string{}
		if scheme == "hg" {
			u2.scheme = transport
		}
		str("type", scheme)
		for k, v := range u.query {
			switch {
			case k == "rev" || k == "ref" || scheme == "git" && (k == "keytype" || k == "publicKey" || k == "publicKeys"):
				str(k, v)
			case scheme == "git" && (k == "shallow" || k == "submodules" || k == "lfs" || k == "exportIgnore" || k == "allRefs" || k == "verifyCommit"):
				attrs[k] = flakeAttr{kind: 'b', b: v == "1"}
			default:
				u2.query[k] = v
			}
		}
		str("url", u2.String())
	case "file", "tarball":
		app, transport, hasApp := strings.Cut(u.scheme, "+")
		if !hasApp {
			transport = app
		}
		if transport != "file" && transport != "http" && transport != "https" {
			return nil, nil
		}
		tarExt := hasTarballExtension(u)
		switch {
		case hasApp && app != scheme:
			return nil, nil
		case !hasApp && scheme == "file" && (requireTree || tarExt):
			return nil, nil
		case !hasApp && scheme == "tarball" && !(requireTree || tarExt):
			return nil, nil
		}
		u2 := *u
		u2.scheme = transport
		u2.query = map[string]string{}
		for k, v := range u.query {
			u2.query[k] = v
		}
		if h, ok := u.query["narHash"]; ok {
			str("narHash", h)
		}
		if r, ok := u.query["rev"]; ok {
			str("rev", r)
		}
		for _, k := range []string{"revCount", "lastModified"} {
			if v, ok := u.query[k]; ok {
				if n, err := strconv.ParseUint(v, 10, 64); err == nil {
					attrs[k] = flakeAttr{kind: 'i', n: n}
				}
			}
		}
		for _, k := range allowedInputAttrs(scheme) {
			delete(u2.query, k)
		}
		str("type", scheme)
		str("url", u2.String())
		return &fetchInput{attrs: attrs}, nil
	}
	return fp.schemeFromAttrs(scheme, attrs)
}

func sortedQueryKeys(q map[string]string) []string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func hasTarballExtension(u *parsedURL) bool {
	if len(u.path) == 0 {
		return false
	}
	p := u.path[len(u.path)-1]
	for _, ext := range []string{".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}

// inputFromAttrs is Nix's Input::fromAttrs.
func (fp *flakeParser) inputFromAttrs(attrs inputAttrs) (*fetchInput, error) {
	scheme, ok, err := attrs.maybeStr("type")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("'type' attribute to specify input scheme is required but not provided")
	}
	if !slices.Contains(inputSchemes, scheme) {
		in := &fetchInput{attrs: attrs}
		return in, in.fixup()
	}
	allowed := allowedInputAttrs(scheme)
	for _, k := range attrs.sortedKeys() {
		if k != "type" && k != "__final" && !slices.Contains(allowed, k) {
			return nil, fmt.Errorf("input attribute '%s' not supported by scheme '%s'", k, scheme)
		}
	}
	in, err := fp.schemeFromAttrs(scheme, attrs)
	if err != nil {
		return nil, err
	}
	in.scheme = scheme
	return in, in.fixup()
}

func (fp *flakeParser) schemeFromAttrs(scheme string, attrs inputAttrs) (*fetchInput, error) {
	in := &fetchInput{scheme: scheme, attrs: attrs}
	switch scheme {
	case "github", "gitlab", "sourcehut":
		if _, err := attrs.str("owner"); err != nil {
			return nil, err
		}
		if _, err := attrs.str("repo"); err != nil {
			return nil, err
		}
		ref, hasRef, err := attrs.maybeStr("ref")
		if err != nil {
			return nil, err
		}
		rev, hasRev, err := attrs.maybeStr("rev")
		if err != nil {
			return nil, err
		}
		if hasRef && hasRev {
			return nil, badURL("input %s contains both a commit hash ('%s') and a branch/tag name ('%s')", attrs.json(), rev, ref)
		}
		if hasRev {
			if _, err := nixhash.ParseAny(rev, nixhash.SHA1); err != nil {
				return nil, err
			}
		}
		if hasRef && !isLegalRefName(ref) {
			return nil, badURL("input %s contains an invalid branch/tag name", attrs.json())
		}
		host, hasHost, err := attrs.maybeStr("host")
		if err != nil {
			return nil, err
		}
		if hasHost && !hostRe.MatchString(host) {
			return nil, badURL("input %s contains an invalid instance host", attrs.json())
		}
	case "indirect":
		id, err := attrs.str("id")
		if err != nil {
			return nil, err
		}
		if !flakeIDRe.MatchString(id) {
			return nil, badURL("'%s' is not a valid flake ID", id)
		}
	case "path":
		if _, err := attrs.str("path"); err != nil {
			return nil, err
		}
	case "git":
		if _, err := attrs.maybeBool("verifyCommit"); err != nil {
			return nil, err
		}
		if ref, ok, err := attrs.maybeStr("ref"); err != nil {
			return nil, err
		} else if ok && !isLegalRefName(ref) {
			return nil, badURL("invalid Git branch/tag name '%s'", ref)
		}
		url, err := attrs.str("url")
		if err != nil {
			return nil, err
		}
		fixed, err := fp.fixGitURL(url)
		if err != nil {
			return nil, err
		}
		in.attrs = maps.Clone(attrs)
		in.attrs["url"] = flakeAttr{kind: 's', s: fixed.String()}
		for _, k := range []string{"shallow", "submodules", "allRefs"} {
			if _, err := attrs.maybeBool(k); err != nil {
				return nil, err
			}
		}
	case "hg":
		url, err := attrs.str("url")
		if err != nil {
			return nil, err
		}
		if _, err := fp.parseURL(url, false); err != nil {
			return nil, err
		}
		if ref, ok, err := attrs.maybeStr("ref"); err != nil {
			return nil, err
		} else if ok && !refRe.MatchString(ref) {
			return nil, badURL("invalid Mercurial branch/tag name '%s'", ref)
		}
	}
	return in, nil
}

// fixGitURL turns what Git accepts as a location (including scp-like
// user@host:path and plain paths) into a URL.
func (fp *flakeParser) fixGitURL(url string) (*parsedURL, error) {
	if !strings.HasPrefix(url, "/") && scpRe.MatchString(url) {
		url = scpRe.ReplaceAllString(url, "ssh://$1@$2/$3")
	}
	if !strings.HasPrefix(url, "file:") && !strings.HasPrefix(url, "git+file:") && !strings.Contains(url, "://") {
		path := strings.Split(url, "/")
		if strings.Contains(path[0], ":") {
			return nil, badURL("SCP-like URL '%s' is not supported; use SSH URL syntax instead (ssh://...)", url)
		}
		u := &parsedURL{scheme: "file", path: path}
		if strings.HasPrefix(url, "/") {
			u.auth = &urlAuthority{hostKind: 'n'}
		}
		return u, nil
	}
	u, err := fp.parseURL(url, false)
	if err != nil {
		return nil, err
	}
	if app, transport, ok := strings.Cut(u.scheme, "+"); ok && app == "git" {
		u.scheme = transport
	}
	return u, nil
}

// toURL is each scheme's Input::toURL.
func (fp *flakeParser) toURL(in *fetchInput) (*parsedURL, error) {
	a := in.attrs
	switch in.scheme {
	case "":
		return nil, fmt.Errorf("cannot show unsupported input '%s'", a.json())
	case "github", "gitlab", "sourcehut", "indirect":
		u := &parsedURL{scheme: in.scheme, query: map[string]string{}}
		if in.scheme == "indirect" {
			id, err := a.str("id")
			if err != nil {
				return nil, err
			}
			u.scheme, u.path = "flake", []string{id}
		} else {
			owner, err := a.str("owner")
			if err != nil {
				return nil, err
			}
			repo, err := a.str("repo")
			if err != nil {
				return nil, err
			}
			u.path = []string{owner, repo}
		}
		if ref, ok, _ := a.maybeStr("ref"); ok {
			u.path = append(u.path, ref)
		}
		rev, ok, err := in.rev()
		if err != nil {
			return nil, err
		}
		if ok {
			u.path = append(u.path, rev)
		}
		if in.scheme != "indirect" {
			h, ok, err := in.narHash()
			if err != nil {
				return nil, err
			}
			if ok {
				u.query["narHash"] = h
			}
			if host, ok, err := a.maybeStr("host"); err != nil {
				return nil, err
			} else if ok {
				u.query["host"] = host
			}
		}
		return u, nil
	case "path":
		p, err := a.str("path")
		if err != nil {
			return nil, err
		}
		u := &parsedURL{scheme: "path", path: strings.Split(p, "/"), query: map[string]string{}}
		for k, v := range a {
			switch k {
			case "path", "type", "__final":
				continue
			}
			switch v.kind {
			case 's':
				u.query[k] = v.s
			case 'i':
				u.query[k] = strconv.FormatUint(v.n, 10)
			case 'b':
				u.query[k] = map[bool]string{true: "1", false: "0"}[v.b]
			}
		}
		return u, nil
	}
	url, err := a.str("url")
	if err != nil {
		return nil, err
	}
	u, err := fp.parseURL(url, false)
	if err != nil {
		return nil, err
	}
	switch in.scheme {
	case "file", "tarball":
		h, ok, err := in.narHash()
		if err != nil {
			return nil, err
		}
		if ok {
			u.query["narHash"] = h
		}
		return u, nil
	}
	if in.scheme == "hg" || u.scheme != "git" {
		u.scheme = in.scheme + "+" + u.scheme
	}
	rev, ok, err := in.rev()
	if err != nil {
		return nil, err
	}
	if ok {
		u.query["rev"] = rev
	}
	if ref, ok, _ := a.maybeStr("ref"); ok {
		u.query["ref"] = ref
	}
	if in.scheme == "git" {
		for _, k := range []string{"shallow", "lfs", "submodules", "exportIgnore", "verifyCommit"} {
			b, err := a.maybeBool(k)
			if err != nil {
				return nil, err
			}
			if b {
				u.query[k] = "1"
			}
		}
	}
	return u, nil
}

// urlPathToPath joins decoded URL path segments into a file path.
func urlPathToPath(segs []string) (string, error) {
	for _, s := range segs {
		if strings.Contains(s, "/") {
			return "", badURL("URL path component '%s' contains '/', which is not allowed in file names", s)
		}
		if strings.Contains(s, "\x00") {
			return "", badURL("URL path component '%s' contains NUL byte which is not allowed", strings.ReplaceAll(s, "\x00", "␀"))
		}
	}
	if len(segs) == 0 {
		return "", nil
	}
	p := ""
	rest := segs
	if segs[0] == "" {
		p, rest = "/", segs[1:]
	}
	for _, s := range rest {
		if p != "" && !strings.HasSuffix(p, "/") {
			p += "/"
		}
		p += s
	}
	return p, nil
}

// pathToURLPath splits an absolute file path into URL path segments as
// std::filesystem iterates it: empty components dropped, a trailing
// separator kept as a final empty segment.
func pathToURLPath(p string) []string {
	var out []string
	if strings.HasPrefix(p, "/") {
		out = append(out, "")
	}
	for _, c := range strings.Split(p, "/") {
		if c != "" {
			out = append(out, c)
		}
	}
	if strings.HasSuffix(p, "/") {
		out = append(out, "")
	}
	return out
}
