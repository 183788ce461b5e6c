package evalstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/cairn-nix/cairn/eval"
)

// fetchGit of a remote repository, the way Nix does it: Nix runs git to
// fetch (so git's own messages appear), into a bare repository kept in a
// cache ($XDG_CACHE_HOME/cairn/git), refreshed when older than
// tarball-ttl; the commit is then read from there.

// isRemoteGitURL reports URLs Cairn fetches with git.
func isRemoteGitURL(url string) bool {
	for _, p := range []string{"git://", "http://", "https://", "ssh://"} {
		if strings.HasPrefix(url, p) {
			return true
		}
	}
	return false
}

func fetchGitRemote(ev *eval.Evaluator, attrs map[string]any, via gitFetcher) (eval.Value, error) {
	g := ioOf(ev)
	url, _ := attrs["url"].(string)
	shown := url // a git:// URL is shown as it is, others as git+URL
	if !strings.HasPrefix(url, "git://") {
		shown = "git+" + url
	}
	input, failed, err := gitInput(ev, attrs, via, shown)
	if err != nil {
		return nil, err
	}
	rev, _ := attrs["rev"].(string)
	ref, _ := attrs["ref"].(string)
	shallow, _ := attrs["shallow"].(bool)
	if sub, _ := attrs["submodules"].(bool); sub {
		return nil, notFetching(ev, "fetching the submodules of '"+url+"'")
	}
	if _, err := exec.LookPath("git"); err != nil {
		return nil, notFetching(ev, "fetching Git repository '"+url+"' (git is not installed)")
	}
	stderr := g.stderr
	if stderr == nil {
		stderr = io.Discard
	}
	if ref == "" {
		ref = remoteHead(url, stderr)
		if ref == "" {
			warn(ev, "could not read HEAD ref from repo at '%s', using 'master'", url)
			ref = "master"
		}
	}
	cacheDir := gitCacheDir(url, shallow)
	if cacheDir == "" {
		return nil, failed("cannot find a cache directory for Git repositories")
	}
	if _, err := os.Stat(filepath.Join(cacheDir, "HEAD")); err != nil {
		if _, err := git.PlainInit(cacheDir, true); err != nil {
			return nil, failed("creating the Git cache '%s': %v", cacheDir, err)
		}
	}
	repo, err := git.PlainOpen(cacheDir)
	if err != nil {
		return nil, failed("opening the Git cache '%s': %v", cacheDir, err)
	}
	fullRef := ref
	if !strings.HasPrefix(ref, "refs/") && ref != "HEAD" {
		fullRef = "refs/heads/" + ref
	}
	localRefFile := filepath.Join(cacheDir, filepath.FromSlash(fullRef))
	doFetch := false
	if rev != "" {
		_, err := repo.CommitObject(plumbing.NewHash(rev))
		doFetch = err != nil
	} else if fi, err := os.Stat(localRefFile); err != nil || time.Since(fi.ModTime()) >= g.ttl {
		doFetch = true
	}
	if doFetch {
		refspec := fullRef + ":" + fullRef
		if rev != "" {
			refspec = rev
		}
		args := []string{"-C", cacheDir, "--git-dir", ".", "fetch", "--progress", "--force"}
		if shallow {
			args = append(args, "--depth", "1")
		}
		args = append(args, "--", url, refspec)
		cmd := exec.Command("git", args...)
		cmd.Stdout, cmd.Stderr = stderr, stderr
		if err := cmd.Run(); err != nil {
			return nil, failed("Failed to fetch git repository '%s'", url)
		}
		if rev == "" {
			now := time.Now()
			os.Chtimes(localRefFile, now, now)
		}
	}
	var hash plumbing.Hash
	if rev != "" {
		hash = plumbing.NewHash(rev)
	} else {
		r, err := repo.Reference(plumbing.ReferenceName(fullRef), true)
		if err != nil {
			return nil, failed("resolving Git reference '%s': %v", ref, err)
		}
		hash = r.Hash()
	}
	commit, err := repo.CommitObject(hash)
	if err != nil {
		return nil, failed("Cannot find Git revision '%s' in ref '%s' of repository '%s'! Please make sure that the rev exists on the ref you've specified or add allRefs = true; to fetchGit.", rev, ref, url)
	}
	root := &memNode{mode: filemode.Dir, children: map[string]*memNode{}}
	if err := readCommitTree(commit, "", root, false); err != nil {
		return nil, failed("reading commit %s of '%s': %v", commit.Hash, url, err)
	}
	b, err := g.storeInput(ev, root, attrs, input, failed)
	if err != nil {
		return nil, err
	}
	b.Set("submodules", eval.Bool(false))
	setLastModified(b, commit)
	if err := setCommitAttrs(b, repo, commit, shallow, via); err != nil {
		return nil, failed("counting the commits of '%s': %v", url, err)
	}
	return b.Build(), nil
}

// remoteHead is the branch a remote repository's HEAD names (as
// `git ls-remote --symref` says: "refs/heads/main"), "" when unknown.
func remoteHead(url string, stderr io.Writer) string {
	cmd := exec.Command("git", "ls-remote", "--symref", url)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, stderr
	if cmd.Run() != nil {
		return ""
	}
	line, _, _ := strings.Cut(out.String(), "\n")
	target, name, ok := strings.Cut(line, "\t")
	if !ok || name != "HEAD" {
		return ""
	}
	if t, ok := strings.CutPrefix(target, "ref: "); ok {
		return t
	}
	return target
}

// gitCacheDir is the bare repository caching url's objects.
func gitCacheDir(url string, shallow bool) string {
	dir := cairnCacheDir("git")
	if dir == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(url))
	name := hex.EncodeToString(sum[:])
	if shallow {
		name += "-shallow"
	}
	return filepath.Join(dir, name)
}
