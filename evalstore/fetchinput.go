package evalstore

import (
	"fmt"
	neturl "net/url"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/syntax"
)

// fetchTree's "tarball" and "file" inputs: a download, unpacked or not,
// stored as a NAR named "source".

var downloadInputAttrs = map[string]bool{"type": true, "url": true, "narHash": true, "name": true, "lastModified": true, "rev": true, "revCount": true}

// downloadInputType is the input type of a fetchTree URL that names a
// download, "" for other URLs.
func downloadInputType(url string) (typ, plain string) {
	for _, p := range []struct{ prefix, typ string }{{"tarball+", "tarball"}, {"file+", "file"}} {
		if rest, ok := strings.CutPrefix(url, p.prefix); ok && (strings.HasPrefix(rest, "http://") || strings.HasPrefix(rest, "https://")) {
			return p.typ, rest
		}
	}
	if strings.HasPrefix(url, "http://") || strings.HasPrefix(url, "https://") {
		return "tarball", url // as Nix: only file+ makes it a plain file
	}
	return "", url
}

func fetchDownloadInput(ev *eval.Evaluator, attrs map[string]any, typ string) (eval.Value, error) {
	g := ioOf(ev)
	for name := range attrs {
		if !downloadInputAttrs[name] {
			return nil, ev.Errorf(eval.EvalErr, syntax.NoPos, "input attribute '%s' not supported by scheme '%s'", name, typ)
		}
	}
	url, _ := attrs["url"].(string)
	if err := ev.CheckURI(url); err != nil {
		return nil, err
	}
	// The input as Nix shows it: the URL, with the NAR hash asked for.
	input := url
	if want, _ := attrs["narHash"].(string); want != "" {
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		input += sep + "narHash=" + neturl.QueryEscape(want)
	}
	fail := func(format string, args ...any) error {
		return ev.Errorf(eval.EvalErr, syntax.NoPos, format, args...).AddTracef(syntax.NoPos, "while fetching the input '%s'", input)
	}
	// Pure evaluation fetches only what a NAR hash pins down.
	if want, _ := attrs["narHash"].(string); want == "" && ev.Settings.PureEval {
		return nil, ev.Errorf(eval.EvalErr, syntax.NoPos, "in pure evaluation mode, 'fetchTree' doesn't fetch unlocked input '%s'", input)
	}
	unpack := typ == "tarball"
	data, cached := cachedDownload(url, g.ttl)
	if !cached {
		if unpack {
			warnRaw(ev, fmt.Sprintf("unpacking '%s' into the Git cache...", url))
		}
		var err error
		if data, err = download(url); err != nil {
			if unpack {
				return nil, fail("Failed to open archive (Source threw exception: %s)", syntax.IndentMessage("error: ", err.Error()))
			}
			return nil, fail("%s", err.Error())
		}
		rememberDownload(url, data)
	}
	root := &memNode{mode: filemode.Regular, data: data}
	var mtime int64
	if unpack {
		var err error
		if root, mtime, err = unpackArchive(data); err != nil {
			return nil, fail("%s", err.Error())
		}
	}
	b, err := g.storeInput(ev, root, attrs, input, fail)
	if err != nil {
		return nil, err
	}
	if unpack && mtime > 0 { // Nix leaves a zero time out
		b.Set("lastModified", eval.Int(mtime))
		b.Set("lastModifiedDate", eval.Str(time.Unix(mtime, 0).UTC().Format("20060102150405")))
	}
	return b.Build(), nil
}
