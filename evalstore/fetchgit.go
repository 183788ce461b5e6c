package evalstore

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/syntax"
)

// builtins.fetchGit of a repository on this machine (a path or a file://
// URL), as Nix does it: without rev or ref, the work tree's tracked files
// as they are now (the tree is "dirty" when they differ from HEAD);
// otherwise the tree of the commit asked for. Remote repositories are not
// fetched yet.

// gitAttrs are the fetchGit arguments Cairn reads; the others Nix knows
// are accepted when they ask for nothing a local fetch cannot give.
var gitAttrs = map[string]bool{
	"type": true, "url": true, "rev": true, "ref": true, "name": true, "submodules": true,
	"shallow": true, "allRefs": true, "exportIgnore": true, "lfs": true, "narHash": true,
	"lastModified": true, "revCount": true, "dirtyRev": true, "dirtyShortRev": true,
	"verifyCommit": true, "keytype": true, "publicKey": true, "publicKeys": true,
}

// isLocalGitURL reports whether a fetchGit URL names a repository here.
func isLocalGitURL(url string) bool {
	return strings.HasPrefix(url, "/") || strings.HasPrefix(url, "file://")
}

// gitFetcher says which builtin fetches: fetchGit, or fetchTree given
// attributes or a URL. Their results differ in small ways (see below).
type gitFetcher int

const (
	viaFetchGit gitFetcher = iota
	viaFetchTreeAttrs
	viaFetchTreeURL
)

// gitInput prepares a Git fetch as Nix does, for local and remote
// repositories alike: the attributes are checked, fetchTree given
// attributes is made shallow unless told otherwise, the URI is checked
// against restricted evaluation, and pure evaluation refuses an input
// without rev. It returns the input as Nix shows it in traces (shown,
// then the attributes that shape the fetch as sorted parameters) and a
// maker of errors carrying that trace.
func gitInput(ev *eval.Evaluator, attrs map[string]any, via gitFetcher, shown string) (string, func(string, ...any) error, error) {
	for name := range attrs {
		if !gitAttrs[name] {
			return "", nil, ev.Errorf(eval.EvalErr, syntax.NoPos, "input attribute '%s' not supported by scheme 'git'", name)
		}
	}
	if _, given := attrs["shallow"]; !given && via == viaFetchTreeAttrs {
		attrs["shallow"] = true
	}
	var params []string
	if via == viaFetchGit {
		params = append(params, "exportIgnore=1")
	}
	for _, k := range []string{"allRefs", "lfs", "ref", "rev", "shallow", "submodules"} {
		switch v := attrs[k].(type) {
		case string:
			params = append(params, k+"="+v)
		case bool:
			if v {
				params = append(params, k+"=1")
			}
		}
	}
	sort.Strings(params)
	input := shown
	if len(params) > 0 {
		input += "?" + strings.Join(params, "&")
	}
	failed := func(format string, args ...any) error {
		return ev.Errorf(eval.EvalErr, syntax.NoPos, format, args...).
			AddTracef(syntax.NoPos, "while fetching the input '%s'", input)
	}
	if rev, _ := attrs["rev"].(string); rev == "" && ev.Settings.PureEval {
		fetcher := "fetchTree"
		if via == viaFetchGit {
			fetcher = "fetchGit"
		}
		return "", nil, ev.Errorf(eval.EvalErr, syntax.NoPos, "in pure evaluation mode, '%s' doesn't fetch unlocked input '%s'", fetcher, input)
	}
	url, _ := attrs["url"].(string)
	if err := ev.CheckURI(url); err != nil {
		return "", nil, err
	}
	return input, failed, nil
}

// fetchGitLocal fetches the local repository url names (attrs are the
// fetchGit or fetchTree arguments).
func fetchGitLocal(ev *eval.Evaluator, attrs map[string]any, via gitFetcher) (eval.Value, error) {
	g := ioOf(ev)
	url, _ := attrs["url"].(string)
	dir := canon(strings.TrimPrefix(url, "file://"))
	fileURL := "file://" + dir
	_, failed, err := gitInput(ev, attrs, via, "git+"+fileURL)
	if err != nil {
		return nil, err
	}
	withSubmodules, _ := attrs["submodules"].(bool)
	for _, a := range []string{"lfs", "verifyCommit"} {
		if on, _ := attrs[a].(bool); on {
			return nil, notFetching(ev, "fetching Git repositories with '"+a+"'")
		}
	}
	repo, err := git.PlainOpen(dir)
	if err != nil {
		return nil, failed("Failed to fetch git repository '%s'", fileURL)
	}
	rev, _ := attrs["rev"].(string)
	ref, _ := attrs["ref"].(string)

	root := &memNode{mode: filemode.Dir, children: map[string]*memNode{}}
	var commit *object.Commit
	dirty := false
	head, headErr := repo.Head()
	switch {
	case rev != "":
		h := plumbing.NewHash(rev)
		if commit, err = repo.CommitObject(h); err != nil {
			// In libgit2's words, as Nix passes them on.
			return nil, failed("getting Git object '%s': object not found - no match for id (%s) (libgit2 error code = 9)", rev, rev)
		}
	case ref != "":
		r, err := repo.Reference(plumbing.ReferenceName(ref), true)
		if err != nil {
			r, err = repo.Reference(plumbing.NewBranchReferenceName(ref), true)
		}
		if err != nil {
			r, err = repo.Reference(plumbing.NewTagReferenceName(ref), true)
		}
		if err != nil {
			return nil, failed("resolving Git reference '%s': %v", ref, err)
		}
		if commit, err = repo.CommitObject(r.Hash()); err != nil {
			return nil, failed("getting Git object '%s': %v", r.Hash(), err)
		}
	default:
		if headErr == nil {
			commit, _ = repo.CommitObject(head.Hash())
		}
		dirtySub := func(subDir string) { warn(ev, "Git tree '%s' is dirty", subDir) }
		if dirty, err = workTreeDirty(repo, dir, withSubmodules, dirtySub); err != nil {
			return nil, failed("reading the status of '%s': %v", dir, err)
		}
	}
	if dirty {
		warn(ev, "Git tree '%s' is dirty", dir)
		if err := readWorkTree(repo, dir, root, withSubmodules); err != nil {
			return nil, failed("reading the work tree of '%s': %v", dir, err)
		}
	} else if commit != nil {
		if err := readCommitTree(commit, dir, root, withSubmodules); err != nil {
			return nil, failed("reading commit %s of '%s': %v", commit.Hash, dir, err)
		}
	}

	b, err := g.storeInput(ev, root, attrs, "git+"+fileURL, failed)
	if err != nil {
		return nil, err
	}
	b.Set("submodules", eval.Bool(withSubmodules))
	setLastModified(b, commit)
	shallow, _ := attrs["shallow"].(bool)
	zero := strings.Repeat("0", 40)
	switch {
	case dirty:
		headRev := zero
		if commit != nil {
			headRev = commit.Hash.String()
		}
		b.Set("dirtyRev", eval.Str(headRev+"-dirty"))
		b.Set("dirtyShortRev", eval.Str(headRev[:7]+"-dirty"))
		if via == viaFetchGit {
			b.Set("rev", eval.Str(zero))
			b.Set("shortRev", eval.Str(zero[:7]))
			b.Set("revCount", eval.Int(0))
		}
	case commit != nil:
		if err := setCommitAttrs(b, repo, commit, shallow, via); err != nil {
			return nil, failed("counting the commits of '%s': %v", dir, err)
		}
	default: // a repository without commits
		b.Set("rev", eval.Str(zero))
		b.Set("shortRev", eval.Str(zero[:7]))
		b.Set("revCount", eval.Int(0))
	}
	return b.Build(), nil
}

// setLastModified sets lastModified and lastModifiedDate from the
// commit's time (0 without a commit).
func setLastModified(b *eval.AttrsBuilder, commit *object.Commit) {
	var t int64
	if commit != nil {
		t = commit.Committer.When.Unix()
	}
	b.Set("lastModified", eval.Int(t))
	b.Set("lastModifiedDate", eval.Str(time.Unix(t, 0).UTC().Format("20060102150405")))
}

// setCommitAttrs sets rev, shortRev and revCount for a commit fetched
// whole. A shallow fetch does not count the history (it may not be
// there): fetchGit says 0, fetchTree leaves revCount out.
func setCommitAttrs(b *eval.AttrsBuilder, repo *git.Repository, commit *object.Commit, shallow bool, via gitFetcher) error {
	b.Set("rev", eval.Str(commit.Hash.String()))
	b.Set("shortRev", eval.Str(commit.Hash.String()[:7]))
	switch {
	case !shallow:
		n, err := revCount(repo, commit.Hash)
		if err != nil {
			return err
		}
		b.Set("revCount", eval.Int(n))
	case via == viaFetchGit:
		b.Set("revCount", eval.Int(0))
	}
	return nil
}

// workTreeDirty reports whether tracked files differ from HEAD, in the
// index or in the work tree; untracked files do not count. With
// submodules, a submodule moved or dirty makes the tree dirty. (Git's
// own status is not used: go-git's cannot read a submodule whose .git is
// a directory.)
//
// Each submodule found dirty is reported to dirtySub (innermost first),
// as Nix warns about it.
func workTreeDirty(repo *git.Repository, dir string, submodules bool, dirtySub func(string)) (bool, error) {
	idx, err := repo.Storer.Index()
	if err != nil {
		return false, err
	}
	// What HEAD holds, by path.
	inHead := map[string]plumbing.Hash{}
	if head, err := repo.Head(); err == nil {
		c, err := repo.CommitObject(head.Hash())
		if err != nil {
			return false, err
		}
		tree, err := c.Tree()
		if err != nil {
			return false, err
		}
		w := object.NewTreeWalker(tree, true, nil)
		for {
			name, e, err := w.Next()
			if err == io.EOF {
				break
			} else if err != nil {
				w.Close()
				return false, err
			}
			if e.Mode != filemode.Dir {
				inHead[name] = e.Hash
			}
		}
		w.Close()
	}
	// Every submodule is looked at, for its warning; the rest stops at
	// the first difference.
	dirty := len(inHead) != len(idx.Entries) // added or removed in the index
	for _, e := range idx.Entries {
		p := filepath.Join(dir, filepath.FromSlash(e.Name))
		if e.Mode == filemode.Submodule {
			if !submodules {
				continue
			}
			sub, err := git.PlainOpen(p)
			if err != nil {
				continue // not checked out
			}
			if head, err := sub.Head(); err != nil || head.Hash() != e.Hash {
				dirty = true
			}
			d, err := workTreeDirty(sub, p, true, dirtySub)
			if err != nil {
				return false, err
			}
			if d {
				dirtySub(p)
				dirty = true
			}
			continue
		}
		if dirty {
			continue
		}
		if h, ok := inHead[e.Name]; !ok || h != e.Hash {
			dirty = true // staged
			continue
		}
		mode, data, err := readWorkFile(p)
		if errors.Is(err, os.ErrNotExist) {
			dirty = true // deleted
			continue
		} else if err != nil {
			return false, err
		}
		if mode != e.Mode && !(mode == filemode.Regular && e.Mode == filemode.Deprecated) ||
			plumbing.ComputeHash(plumbing.BlobObject, data) != e.Hash {
			dirty = true // changed in the work tree
		}
	}
	return dirty, nil
}

// readWorkFile reads a file of the work tree as Git would store it: its
// mode and its content (a symlink's target).
func readWorkFile(p string) (filemode.FileMode, []byte, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return 0, nil, err
	}
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		target, err := os.Readlink(p)
		return filemode.Symlink, []byte(target), err
	case fi.Mode().IsRegular():
		data, err := os.ReadFile(p)
		if fi.Mode()&0o100 != 0 {
			return filemode.Executable, data, err
		}
		return filemode.Regular, data, err
	}
	return 0, nil, fmt.Errorf("'%s' is neither a file nor a symlink", p)
}

// readWorkTree reads the files the index tracks from the work tree, as
// they are now; files deleted since are left out. Submodules are read the
// same way from their own work trees when asked for.
func readWorkTree(repo *git.Repository, dir string, root *memNode, submodules bool) error {
	idx, err := repo.Storer.Index()
	if err != nil {
		return err
	}
	for _, e := range idx.Entries {
		if e.Mode == filemode.Submodule {
			if submodules {
				if err := readSubmodule(dir, e.Name, root, func(sub *git.Repository, subDir string, node *memNode) error {
					return readWorkTree(sub, subDir, node, true)
				}); err != nil {
					return err
				}
			}
			continue
		}
		mode, data, err := readWorkFile(filepath.Join(dir, filepath.FromSlash(e.Name)))
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted since
		} else if err != nil {
			return err
		}
		root.add(e.Name, mode, data)
	}
	return nil
}

// readSubmodule reads the submodule checked out at name (below dir) into
// the tree at name, with read.
func readSubmodule(dir, name string, root *memNode, read func(*git.Repository, string, *memNode) error) error {
	subDir := filepath.Join(dir, filepath.FromSlash(name))
	sub, err := git.PlainOpen(subDir)
	if err != nil {
		return fmt.Errorf("submodule '%s' is not checked out: %w", name, err)
	}
	node := root
	for _, c := range strings.Split(name, "/") {
		node = node.child(c)
	}
	return read(sub, subDir, node)
}

// readCommitTree reads a commit's tree; with submodules, each one's
// recorded commit too, from its checkout below dir.
func readCommitTree(c *object.Commit, dir string, root *memNode, submodules bool) error {
	tree, err := c.Tree()
	if err != nil {
		return err
	}
	if submodules {
		w := object.NewTreeWalker(tree, true, nil)
		defer w.Close()
		for {
			name, e, err := w.Next()
			if err == io.EOF {
				break
			} else if err != nil {
				return err
			}
			if e.Mode != filemode.Submodule {
				continue
			}
			hash := e.Hash
			if err := readSubmodule(dir, name, root, func(sub *git.Repository, subDir string, node *memNode) error {
				sc, err := sub.CommitObject(hash)
				if err != nil {
					return fmt.Errorf("submodule '%s': %w", name, err)
				}
				return readCommitTree(sc, subDir, node, true)
			}); err != nil {
				return err
			}
		}
	}
	return tree.Files().ForEach(func(f *object.File) error {
		switch f.Mode {
		case filemode.Regular, filemode.Deprecated, filemode.Executable, filemode.Symlink:
		default:
			return nil // submodules are not fetched
		}
		r, err := f.Reader()
		if err != nil {
			return err
		}
		defer r.Close()
		data, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		mode := f.Mode
		if mode == filemode.Deprecated {
			mode = filemode.Regular
		}
		root.add(f.Name, mode, data)
		return nil
	})
}

// revCount is the number of commits reachable from h.
func revCount(repo *git.Repository, h plumbing.Hash) (int64, error) {
	seen := map[plumbing.Hash]bool{}
	todo := []plumbing.Hash{h}
	for len(todo) > 0 {
		c := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[c] {
			continue
		}
		seen[c] = true
		commit, err := repo.CommitObject(c)
		if err != nil {
			return 0, fmt.Errorf("reading commit %s: %w", c, err)
		}
		todo = append(todo, commit.ParentHashes...)
	}
	return int64(len(seen)), nil
}
