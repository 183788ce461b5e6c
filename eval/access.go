package eval

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-nix/cairn/syntax"
)

// Restricted and pure evaluation read files only through an allow list,
// as Nix's AllowListSourceAccessor does. A path may be read when it is
// an allowed prefix or below one; its ancestors may be looked at (a
// directory listing shows only the entries that lead somewhere allowed).
// What is allowed: the search path's directories (restricted mode only:
// pure mode has no search path), and every store path the evaluation
// itself made or fetched. A path outside the list does not exist for
// pathExists and the lookups that resolve symlinks; reading it is an
// error that tryEval does not catch.

// accessList is the allow list; nil when evaluation is unrestricted.
type accessList struct {
	prefixes  map[string]bool
	ancestors map[string]bool // proper ancestors of the prefixes, "/" included
}

// initAccess makes the allow list for restricted or pure evaluation,
// with the search path's directories in it.
func (ev *Evaluator) initAccess() {
	if !ev.Settings.RestrictEval && !ev.Settings.PureEval {
		return
	}
	ev.access = &accessList{prefixes: map[string]bool{}, ancestors: map[string]bool{}}
	cwd, _ := os.Getwd()
	for _, entry := range ev.Settings.NixPath {
		p := entry
		if i := strings.IndexByte(entry, '='); i >= 0 {
			p = entry[i+1:]
		}
		if isSearchPathURL(p) {
			continue
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(cwd, p)
		}
		ev.AllowPath(canonPath(p))
	}
}

// isSearchPathURL reports search path entries that are not directories.
func isSearchPathURL(p string) bool {
	return strings.Contains(p, "://") || strings.HasPrefix(p, "channel:") || strings.HasPrefix(p, "flake:")
}

// searchPathTarball is where a search path entry naming a tarball
// (http, https, file; channel:NAME for nixos.org's channels) was
// unpacked, "" when it cannot be had. The store glue registers the
// fetcher as Extra["fetchTarball"]; each URL is fetched once.
func (ev *Evaluator) searchPathTarball(url string) string {
	if p, ok := ev.searchPathURLs[url]; ok {
		return p
	}
	if ev.searchPathURLs == nil {
		ev.searchPathURLs = map[string]string{}
	}
	resolved := url
	if name, ok := strings.CutPrefix(url, "channel:"); ok {
		resolved = "https://channels.nixos.org/" + name + "/nixexprs.tar.xz"
	}
	p := ""
	fetch, ok := ev.Extra["fetchTarball"].(func(ev *Evaluator, url string) (string, error))
	if ok && (strings.HasPrefix(resolved, "http://") || strings.HasPrefix(resolved, "https://") || strings.HasPrefix(resolved, "file://")) {
		var err error
		if p, err = fetch(ev, resolved); err != nil {
			p = ""
		}
	}
	if p == "" && !strings.HasPrefix(url, "flake:") && ev.Settings.Warn != nil {
		// Nix then looks for it as a path too, in vain.
		ev.Settings.Warn(syntax.IndentMessage("warning: ", "Nix search path entry '"+url+"' cannot be downloaded, ignoring"))
		ev.Settings.Warn(syntax.IndentMessage("warning: ", "Nix search path entry '"+url+"' does not exist, ignoring"))
	}
	ev.searchPathURLs[url] = p
	return p
}

// AllowPath lets restricted evaluation read p (absolute and canonical)
// and everything below it. The store glue calls it for the store paths
// evaluation adds or fetches.
func (ev *Evaluator) AllowPath(p string) {
	a := ev.access
	if a == nil || a.prefixes[p] {
		return
	}
	a.prefixes[p] = true
	for d := p; d != "/"; {
		d = filepath.Dir(d)
		if a.ancestors[d] {
			break
		}
		a.ancestors[d] = true
	}
}

// Restricted reports whether file access goes through the allow list.
func (ev *Evaluator) Restricted() bool { return ev.access != nil }

// pathAllowed reports whether restricted evaluation may look at p.
func (ev *Evaluator) pathAllowed(p string) bool {
	a := ev.access
	if a == nil || a.prefixes[p] || a.ancestors[p] {
		return true
	}
	for d := p; d != "/" && d != "."; {
		d = filepath.Dir(d)
		if a.prefixes[d] {
			return true
		}
	}
	return false
}

// CheckAccess fails when restricted evaluation may not read p.
func (ev *Evaluator) CheckAccess(p string) error {
	if ev.pathAllowed(p) || strings.HasPrefix(p, corepkgsRoot+"/") {
		return nil
	}
	return ev.accessError(p)
}

// CheckAccessTree is CheckAccess for reading a whole tree (copying it
// to the store): p must lie within an allowed prefix. Nix would copy an
// ancestor of allowed paths with only their entries in it; Cairn refuses
// instead, so that a copy never holds more than the allow list lets out.
func (ev *Evaluator) CheckAccessTree(p string) error {
	a := ev.access
	if a == nil || strings.HasPrefix(p, corepkgsRoot+"/") {
		return nil
	}
	for d := p; ; d = filepath.Dir(d) {
		if a.prefixes[d] {
			return nil
		}
		if d == "/" || d == "." {
			break
		}
	}
	return ev.accessError(p)
}

func (ev *Evaluator) accessError(p string) error {
	mode := "in restricted mode"
	if ev.Settings.PureEval {
		mode = "in pure evaluation mode (use '--impure' to override)"
	}
	return ev.Errorf(EvalErr, syntax.NoPos, "access to absolute path '%s' is forbidden %s", p, mode)
}

// CheckURI fails when restricted evaluation may not fetch uri: it must
// start with an allowed-uris entry (at a '/' or whole, or the entry is a
// bare scheme such as "github:"), or name an allowed file.
func (ev *Evaluator) CheckURI(uri string) error {
	if !ev.Settings.RestrictEval {
		return nil
	}
	for _, prefix := range ev.Settings.AllowedURIs {
		if uri == prefix {
			return nil
		}
		if len(uri) > len(prefix) && prefix != "" && strings.HasPrefix(uri, prefix) &&
			(strings.HasSuffix(prefix, "/") || uri[len(prefix)] == '/' || isBareScheme(prefix)) {
			return nil
		}
	}
	if strings.HasPrefix(uri, "/") {
		return ev.CheckAccess(canonPath(uri))
	}
	if rest, ok := strings.CutPrefix(uri, "file://"); ok {
		return ev.CheckAccess(canonPath(rest))
	}
	return ev.Errorf(EvalErr, syntax.NoPos, "access to URI '%s' is forbidden in restricted mode", uri)
}

// isBareScheme reports a prefix like "github:" that allows a whole scheme.
func isBareScheme(prefix string) bool {
	scheme, ok := strings.CutSuffix(prefix, ":")
	if !ok || scheme == "" {
		return false
	}
	for i, c := range scheme {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// lstatAllowed is IO.Lstat for lookups that treat a forbidden path as
// missing (Nix's maybeLstat through the allow list).
func (ev *Evaluator) lstatAllowed(p string) (string, error) {
	if !ev.pathAllowed(p) {
		return "", os.ErrNotExist
	}
	return ev.lstat(p)
}
