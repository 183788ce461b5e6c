package evalstore

import (
	"encoding/json"
	"fmt"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
	"github.com/cairn-nix/cairn/syntax"
)

// The fetchers. Their arguments are checked as Nix checks them; what
// needs no network works: fetchurl of file:// URLs, fetchurl and
// fetchTarball with a sha256 (whose path is known without fetching), and
// fetchTree of local paths. Anything else fails, saying so.

func init() {
	eval.Register(&eval.PrimOp{Name: "fetchurl", Arity: 1, Fn: func(ev *eval.Evaluator, pos syntax.Pos, args []eval.Value) (eval.Value, error) {
		return fetch(ev, pos, args[0], "fetchurl", false, "")
	}})
	eval.Register(&eval.PrimOp{Name: "fetchTarball", Arity: 1, Fn: func(ev *eval.Evaluator, pos syntax.Pos, args []eval.Value) (eval.Value, error) {
		return fetch(ev, pos, args[0], "fetchTarball", true, "source")
	}})
	eval.Register(&eval.PrimOp{Name: "fetchTree", Arity: 1, Fn: func(ev *eval.Evaluator, pos syntax.Pos, args []eval.Value) (eval.Value, error) {
		return fetchTree(ev, pos, args[0], false)
	}})
	eval.Register(&eval.PrimOp{Name: "fetchGit", Arity: 1, Fn: func(ev *eval.Evaluator, pos syntax.Pos, args []eval.Value) (eval.Value, error) {
		return fetchTree(ev, pos, args[0], true)
	}})
	eval.Register(&eval.PrimOp{Name: "fetchMercurial", Arity: 1, Fn: primFetchMercurial})
	eval.Register(&eval.PrimOp{Name: "getFlake", Arity: 1, Fn: primGetFlake})
}

// notFetching is the error for what would need a download or a tool.
func notFetching(ev *eval.Evaluator, what string) *eval.Error {
	return ev.Errorf(eval.EvalErr, syntax.NoPos, "%s: fetching is not supported by Cairn yet", what)
}

// urlBaseName is Nix's baseNameOf for strings: all trailing slashes go.
func urlBaseName(s string) string {
	s = strings.TrimRight(s, "/")
	return s[strings.LastIndexByte(s, '/')+1:]
}

// fetch is fetchurl and fetchTarball (Nix's fetch in fetchTree.cc).
func fetch(ev *eval.Evaluator, pos syntax.Pos, arg eval.Value, who string, unpack bool, name string) (eval.Value, error) {
	g := ioOf(ev)
	v, err := ev.Force(arg, pos)
	if err != nil {
		return nil, err
	}
	var (
		url            string
		haveURL        bool
		expected       nixhash.Hash
		nameAttrPassed bool
		attrs, isAttrs = v.(*eval.Attrs)
	)
	if isAttrs {
		for _, at := range attrs.All() {
			switch at.Name.String() {
			case "url":
				if url, err = ev.ForceStringNoCtx(at.Value, at.Pos, "while evaluating the url we should fetch"); err != nil {
					return nil, err
				}
				haveURL = true
			case "sha256":
				s, err := ev.ForceStringNoCtx(at.Value, at.Pos, "while evaluating the sha256 of the content we should fetch")
				if err != nil {
					return nil, err
				}
				if expected, err = parseHashAllowEmpty(ev, s, nixhash.SHA256); err != nil {
					return nil, err
				}
			case "name":
				nameAttrPassed = true
				if name, err = ev.ForceStringNoCtx(at.Value, at.Pos, "while evaluating the name of the content we should fetch"); err != nil {
					return nil, err
				}
			default:
				return nil, ev.Errorf(eval.EvalErr, pos, "unsupported argument '%s' to '%s'", at.Name, who)
			}
		}
		if !haveURL {
			return nil, ev.Errorf(eval.EvalErr, pos, "'url' argument required")
		}
	} else if url, err = ev.ForceStringNoCtx(v, pos, "while evaluating the url we should fetch"); err != nil {
		return nil, err
	}
	if who == "fetchTarball" && strings.HasPrefix(url, "channel:") {
		url = "https://channels.nixos.org/" + url[len("channel:"):] + "/nixexprs.tar.xz"
	}
	if err := ev.CheckURI(url); err != nil {
		return nil, err
	}
	if name == "" {
		name = urlBaseName(url)
	}
	if err := storepath.ValidateName(name); err != nil {
		var resolution string
		switch {
		case nameAttrPassed:
			resolution = "Please change the value for the 'name' attribute passed to '" + who + "', so that it can create a valid store path."
		case isAttrs:
			resolution = "Please add a valid 'name' attribute to the argument for '" + who + "', so that it can create a valid store path."
		default:
			resolution = "Please pass an attribute set with 'url' and 'name' attributes to '" + who + "',  so that it can create a valid store path."
		}
		return nil, ev.Errorf(eval.EvalErr, pos, "invalid store path name when fetching URL '%s': %s. %s", url, err.Error(), resolution)
	}
	if ev.Settings.PureEval && expected.IsZero() {
		return nil, ev.Errorf(eval.EvalErr, pos, "in pure evaluation mode, '%s' requires a 'sha256' argument", who)
	}
	method := storepath.Flat
	if unpack {
		method = storepath.NAR
	}
	if !expected.IsZero() && expected.Algo() == nixhash.SHA256 {
		// With the hash given, the path is known: what the store already
		// holds is used without a download.
		sp, err := g.dir.MakeFixedOutputPath(name, method, expected, storepath.References{})
		if err != nil {
			return nil, g.wrap(ev, err)
		}
		if g.isValid(sp) {
			full := g.dir.Print(sp)
			ev.AllowPath(full)
			return eval.StrCtx(full, eval.Context{full}), nil
		}
	}
	data, cached := cachedDownload(url, g.ttl)
	if !cached {
		if unpack {
			// Nix says so before it starts, as it unpacks while it
			// downloads.
			warnRaw(ev, fmt.Sprintf("unpacking '%s' into the Git cache...", url))
		}
		if data, err = download(url); err != nil {
			if !unpack {
				return nil, ev.Errorf(eval.EvalErr, syntax.NoPos, "%s", err.Error())
			}
			inner := syntax.IndentMessage("error: ", err.Error())
			return nil, ev.Errorf(eval.EvalErr, syntax.NoPos, "Failed to open archive (Source threw exception: %s)", inner).
				AddTracef(syntax.NoPos, "while fetching the input '%s'", url)
		}
		rememberDownload(url, data)
	}
	var root *memNode
	var h nixhash.Hash
	if unpack {
		if root, _, err = unpackArchive(data); err != nil {
			return nil, ev.Errorf(eval.EvalErr, syntax.NoPos, "%s", err.Error()).AddTracef(syntax.NoPos, "while fetching the input '%s'", url)
		}
		if h, err = root.narHash(); err != nil {
			return nil, g.wrap(ev, err)
		}
	} else {
		// A file, as Nix's downloadFile stores it: flat, sha256.
		root = &memNode{mode: filemode.Regular, data: data}
		h = nixhash.Sum(nixhash.SHA256, data)
	}
	if !expected.IsZero() {
		got := h
		if expected.Algo() != nixhash.SHA256 && !unpack {
			got = nixhash.Sum(expected.Algo(), data)
		}
		if got != expected {
			return nil, ev.Errorf(eval.HashMismatchErr, syntax.NoPos, "hash mismatch in file downloaded from '%s':\n  specified: %s\n  got:       %s",
				url, expected.Format(nixhash.Nix32, true), got.Format(nixhash.Nix32, true))
		}
	}
	sp, err := g.storeTree(name, root, method, h)
	if err != nil {
		return nil, g.wrap(ev, err)
	}
	full := g.dir.Print(sp)
	ev.AllowPath(full)
	return eval.StrCtx(full, eval.Context{full}), nil
}

// searchPathTarball fetches a search path entry's tarball as
// fetchTarball would, and returns where it was unpacked.
func searchPathTarball(ev *eval.Evaluator, url string) (string, error) {
	v, err := fetch(ev, syntax.NoPos, eval.Str(url), "fetchTarball", true, "source")
	if err != nil {
		return "", err
	}
	s, ok := v.(*eval.String)
	if !ok {
		return "", fmt.Errorf("fetchTarball gave no path")
	}
	return s.S, nil
}

// warnRaw prints an informational line as it is.
func warnRaw(ev *eval.Evaluator, text string) {
	if ev.Settings.Warn != nil {
		ev.Settings.Warn(text)
	}
}

// fetchTree is fetchTree and fetchGit: the input's attributes are
// checked as Nix checks them; local paths are fetched.
func fetchTree(ev *eval.Evaluator, pos syntax.Pos, arg eval.Value, isFetchGit bool) (eval.Value, error) {
	fetcher := "fetchTree"
	typ := ""
	if isFetchGit {
		fetcher, typ = "fetchGit", "git"
	}
	v, err := ev.Force(arg, pos)
	if err != nil {
		return nil, err
	}
	attrs := map[string]any{}
	attrSet, isAttrs := v.(*eval.Attrs)
	if !isAttrs {
		url, _, err := ev.CoerceToString(pos, v, "while evaluating the first argument passed to '"+fetcher+"'", false, false)
		if err != nil {
			return nil, err
		}
		if isFetchGit {
			if isLocalGitURL(url) {
				return fetchGitLocal(ev, map[string]any{"url": url}, viaFetchGit)
			}
			if isRemoteGitURL(url) {
				return fetchGitRemote(ev, map[string]any{"url": url}, viaFetchGit)
			}
			return nil, notFetching(ev, "fetching Git repository '"+url+"'")
		}
		if !ev.Settings.Features["flakes"] {
			return nil, ev.Errorf(eval.EvalErr, pos, "passing a string argument to '%s' requires the 'flakes' experimental feature", fetcher)
		}
		return fetchURLInput(ev, url)
	}
	if at, ok := attrSet.GetStr("type"); ok {
		if isFetchGit {
			return nil, ev.Errorf(eval.EvalErr, pos, "unexpected argument 'type'")
		}
		if typ, err = ev.ForceStringNoCtx(at.Value, at.Pos, "while evaluating the `type` argument passed to '"+fetcher+"'"); err != nil {
			return nil, err
		}
	} else if !isFetchGit {
		return nil, ev.Errorf(eval.EvalErr, pos, "argument 'type' is missing in call to '%s'", fetcher)
	}
	attrs["type"] = typ
	for _, at := range attrSet.All() {
		name := at.Name.String()
		if name == "type" {
			continue
		}
		av, err := ev.Force(at.Value, at.Pos)
		if err != nil {
			return nil, err
		}
		switch x := av.(type) {
		case eval.Path, *eval.String:
			s, _, err := ev.CoerceToString(at.Pos, x, "", false, false)
			if err != nil {
				return nil, err
			}
			attrs[name] = s
		case eval.Bool:
			attrs[name] = bool(x)
		case eval.Int:
			if x < 0 {
				return nil, ev.Errorf(eval.EvalErr, pos, "negative value given for '%s' argument '%s': %d", fetcher, name, int64(x))
			}
			attrs[name] = uint64(x)
		default:
			if name == "publicKeys" {
				if err := requireFeature(ev, "verified-fetches", ""); err != nil {
					return nil, err
				}
				return nil, notFetching(ev, "fetching with 'publicKeys'")
			}
			return nil, ev.Errorf(eval.TypeErr, syntax.NoPos, "argument '%s' to '%s' is %s while a string, Boolean or integer is expected", name, fetcher, eval.ShowType(av))
		}
	}
	if !isFetchGit {
		if _, ok := attrs["name"]; ok {
			return nil, ev.Errorf(eval.EvalErr, pos, "argument 'name' isn’t supported in call to '%s'", fetcher)
		}
	}
	switch typ {
	case "path":
		return fetchPath(ev, attrs)
	case "git":
		if url, _ := attrs["url"].(string); isLocalGitURL(url) || isRemoteGitURL(url) {
			delete(attrs, "type")
			via := viaFetchTreeAttrs
			if isFetchGit {
				via = viaFetchGit
			}
			if isRemoteGitURL(url) {
				return fetchGitRemote(ev, attrs, via)
			}
			return fetchGitLocal(ev, attrs, via)
		}
		return nil, notFetching(ev, "fetching input of type 'git'")
	case "tarball", "file":
		if url, _ := attrs["url"].(string); strings.HasPrefix(url, "http://") || strings.HasPrefix(url, "https://") {
			return fetchDownloadInput(ev, attrs, typ)
		}
		return nil, notFetching(ev, "fetching input of type '"+typ+"'")
	case "github", "gitlab", "sourcehut", "hg", "indirect", "mercurial":
		return nil, notFetching(ev, "fetching input of type '"+typ+"'")
	}
	js, _ := json.Marshal(attrs) // keys sorted, as Nix prints them
	return nil, ev.Errorf(eval.EvalErr, syntax.NoPos, "cannot show unsupported input '%s'", js)
}

// fetchURLInput handles fetchTree's URL form for local inputs.
func fetchURLInput(ev *eval.Evaluator, url string) (eval.Value, error) {
	if typ, plain := downloadInputType(url); typ != "" {
		return fetchDownloadInput(ev, map[string]any{"type": typ, "url": plain}, typ)
	}
	scheme, rest, _ := strings.Cut(url, ":")
	switch scheme {
	case "path":
		p := rest
		if i := strings.IndexByte(p, '?'); i >= 0 {
			p = p[:i]
		}
		return fetchPath(ev, map[string]any{"type": "path", "path": strings.TrimPrefix(p, "//")})
	case "git+file":
		// A local Git repository, its parameters in the query.
		u, query, _ := strings.Cut(rest, "?")
		attrs := map[string]any{"url": "file:" + u}
		for _, kv := range strings.Split(query, "&") {
			k, v, ok := strings.Cut(kv, "=")
			switch {
			case !ok || k == "":
			case v == "1" && (k == "shallow" || k == "submodules" || k == "allRefs" || k == "lfs"):
				attrs[k] = true
			case v == "0":
				attrs[k] = false
			default:
				attrs[k] = v
			}
		}
		return fetchGitLocal(ev, attrs, viaFetchTreeURL)
	case "file", "tarball+file", "file+file":
		p := strings.TrimPrefix(rest, "//")
		if !strings.HasPrefix(p, "/") {
			kind := "tarball"
			if scheme == "file+file" {
				kind = "file"
			}
			e := ev.Errorf(eval.EvalErr, syntax.NoPos, "%s '%s' must use an absolute path. The 'file' scheme does not support relative paths.", kind, url)
			return nil, e.AddTracef(syntax.NoPos, "while fetching the input '%s'", url)
		}
	}
	return nil, notFetching(ev, "fetching '"+url+"'")
}

// fetchPath is the "path" input: the tree copied as a source, with its
// NAR hash and the newest modification time in it.
func fetchPath(ev *eval.Evaluator, attrs map[string]any) (eval.Value, error) {
	g := ioOf(ev)
	if err := requireFeature(ev, "flakes", ""); err != nil {
		return nil, err
	}
	p, _ := attrs["path"].(string)
	if !strings.HasPrefix(p, "/") {
		return nil, ev.Errorf(eval.EvalErr, syntax.NoPos, "cannot fetch input '%s' because it uses a relative path", inputString(attrs))
	}
	if err := ev.CheckURI(inputString(attrs)); err != nil {
		return nil, err
	}
	p = canon(p)
	var mtime int64
	hs := nixhash.NewHasher(nixhash.SHA256)
	if err := dumpNAR(hs, p, nil); err != nil {
		return nil, g.wrap(ev, err)
	}
	_ = walkMtime(p, &mtime)
	h := hs.Sum()
	sp, err := g.dir.MakeFixedOutputPath("source", storepath.NAR, h, storepath.References{})
	if err != nil {
		return nil, g.wrap(ev, err)
	}
	if lm, ok := attrs["lastModified"].(uint64); ok {
		mtime = int64(lm)
	}
	full := g.dir.Print(sp)
	ev.AllowPath(full)
	b := eval.NewAttrsBuilder(4)
	b.Set("outPath", eval.StrCtx(full, eval.Context{full}))
	b.Set("narHash", eval.Str(h.SRI()))
	b.Set("lastModified", eval.Int(mtime))
	b.Set("lastModifiedDate", eval.Str(time.Unix(mtime, 0).UTC().Format("20060102150405")))
	return b.Build(), nil
}

// walkMtime finds the newest modification time below p, not following
// symlinks (Nix's dumpPathAndGetMtime).
func walkMtime(p string, max *int64) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return err
	}
	if t := fi.ModTime().Unix(); t > *max {
		*max = t
	}
	if fi.IsDir() {
		entries, err := os.ReadDir(p)
		if err != nil {
			return err
		}
		for _, e := range entries {
			_ = walkMtime(p+"/"+e.Name(), max)
		}
	}
	return nil
}

// inputString shows an input in URL form, as Nix's Input::to_string.
func inputString(attrs map[string]any) string {
	p, _ := attrs["path"].(string)
	var q []string
	for k, v := range attrs {
		if k == "type" || k == "path" {
			continue
		}
		b, _ := json.Marshal(v)
		q = append(q, k+"="+strings.Trim(string(b), `"`))
	}
	sort.Strings(q)
	s := "path:" + p
	if len(q) > 0 {
		s += "?" + strings.Join(q, "&")
	}
	return s
}

func primFetchMercurial(ev *eval.Evaluator, pos syntax.Pos, args []eval.Value) (eval.Value, error) {
	v, err := ev.Force(args[0], pos)
	if err != nil {
		return nil, err
	}
	url := ""
	if attrs, ok := v.(*eval.Attrs); ok {
		for _, at := range attrs.All() {
			switch at.Name.String() {
			case "url":
				if url, _, err = ev.CoerceToString(at.Pos, at.Value, "while evaluating the `url` attribute passed to builtins.fetchMercurial", false, false); err != nil {
					return nil, err
				}
			case "rev":
				if _, err = ev.ForceStringNoCtx(at.Value, at.Pos, "while evaluating the `rev` attribute passed to builtins.fetchMercurial"); err != nil {
					return nil, err
				}
			case "name":
				if _, err = ev.ForceStringNoCtx(at.Value, at.Pos, "while evaluating the `name` attribute passed to builtins.fetchMercurial"); err != nil {
					return nil, err
				}
			default:
				return nil, ev.Errorf(eval.EvalErr, at.Pos, "unsupported argument '%s' to 'fetchMercurial'", at.Name)
			}
		}
		if url == "" {
			return nil, ev.Errorf(eval.EvalErr, pos, "'url' argument required")
		}
	} else if url, _, err = ev.CoerceToString(pos, v, "while evaluating the first argument passed to builtins.fetchMercurial", false, false); err != nil {
		return nil, err
	}
	return nil, notFetching(ev, "fetching Mercurial repository '"+url+"'")
}

func primGetFlake(ev *eval.Evaluator, pos syntax.Pos, args []eval.Value) (eval.Value, error) {
	ref, err := ev.ForceStringNoCtx(args[0], pos, "while evaluating the argument passed to builtins.getFlake")
	if err != nil {
		return nil, err
	}
	return nil, notFetching(ev, "fetching flake '"+ref+"'")
}
