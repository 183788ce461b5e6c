package store

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-nix/cairn/nar"
	"github.com/cairn-nix/cairn/narinfo"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
	"golang.org/x/sys/unix"
)

func TestOpenCreatesNixLayout(t *testing.T) {
	root := t.TempDir()
	s := openRoot(t, root)
	for _, p := range []string{"nix/store/.links", "nix/var/nix/db/db.sqlite", "nix/var/nix/db/big-lock",
		"nix/var/nix/gcroots/per-user", "nix/var/nix/profiles/per-user", "nix/var/nix/temproots"} {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("missing %s: %v", p, err)
		}
	}
	data, err := os.ReadFile(filepath.Join(root, "nix/var/nix/db/schema"))
	must(t, err)
	if string(data) != "10" {
		t.Errorf("schema file = %q, want \"10\"", data)
	}
	var tables []string
	rows, err := s.db.Query("select name from sqlite_master where type = 'table' order by name")
	must(t, err)
	for rows.Next() {
		var n string
		must(t, rows.Scan(&n))
		tables = append(tables, n)
	}
	rows.Close()
	want := []string{"DerivationOutputs", "Realisations", "RealisationsRefs", "Refs", "SchemaMigrations", "ValidPaths", "sqlite_sequence"}
	if !slices.Equal(tables, want) {
		t.Errorf("tables = %v, want %v", tables, want)
	}
	var mode string
	must(t, s.db.QueryRow("pragma journal_mode").Scan(&mode))
	if mode != "wal" {
		t.Errorf("journal mode %q, want wal", mode)
	}
	s.Close()
	// Reopening an existing store works, and a newer schema is refused.
	s2 := openRoot(t, root)
	s2.Close()
	must(t, os.WriteFile(filepath.Join(root, "nix/var/nix/db/schema"), []byte("11"), 0o644))
	if _, err := OpenConfig(RootConfig(root)); err == nil || !strings.Contains(err.Error(), "schema is version 11") {
		t.Errorf("opening a schema 11 store: %v", err)
	}
}

func TestParseURI(t *testing.T) {
	t.Setenv("NIX_STORE_DIR", "")
	t.Setenv("NIX_STATE_DIR", "")
	tests := []struct {
		uri                       string
		store, real, state, errIn string
	}{
		{uri: "local", store: "/nix/store", real: "/nix/store", state: "/nix/var/nix"},
		{uri: "local?root=/tmp/r", store: "/nix/store", real: "/tmp/r/nix/store", state: "/tmp/r/nix/var/nix"},
		{uri: "/tmp/r", store: "/nix/store", real: "/tmp/r/nix/store", state: "/tmp/r/nix/var/nix"},
		{uri: "local?store=/s&state=/st&real=/r", store: "/s", real: "/r", state: "/st"},
		{uri: "daemon", errIn: "daemon"},
		{uri: "ssh://host", errIn: "scheme 'ssh'"},
		{uri: "local?state=rel", errIn: "absolute"},
	}
	for _, tt := range tests {
		c, err := ParseURI(tt.uri, DefaultSettings())
		if tt.errIn != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errIn) {
				t.Errorf("%s: error %v, want one mentioning %q", tt.uri, err, tt.errIn)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.uri, err)
			continue
		}
		if c.StoreDir != tt.store || c.RealStoreDir != tt.real || c.StateDir != tt.state {
			t.Errorf("%s: got store %s real %s state %s", tt.uri, c.StoreDir, c.RealStoreDir, c.StateDir)
		}
	}
	// "auto" is the local store when its state directory is writable.
	state := t.TempDir()
	t.Setenv("NIX_STATE_DIR", state)
	c, err := ParseURI("auto", DefaultSettings())
	if err != nil || c.StateDir != state || c.RealStoreDir != "/nix/store" {
		t.Errorf("auto: %+v %v", c, err)
	}
	must(t, os.MkdirAll(filepath.Join(state, "daemon-socket"), 0o755))
	must(t, os.WriteFile(filepath.Join(state, "daemon-socket/socket"), nil, 0o644))
	must(t, os.Chmod(state, 0o555))
	defer os.Chmod(state, 0o755)
	if os.Geteuid() != 0 { // root may write anywhere
		if _, err := ParseURI("auto", DefaultSettings()); err == nil || !strings.Contains(err.Error(), "daemon") {
			t.Errorf("auto with a daemon: %v", err)
		}
	}
}

func TestSettingsFile(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "nix.conf"), []byte("# comment\nstore = local?root=/x\nkeep-outputs = true\ninclude extra.conf\n!include missing.conf\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "extra.conf"), []byte("keep-derivations = false\n"), 0o644))
	t.Setenv("NIX_CONF_DIR", dir)
	t.Setenv("NIX_USER_CONF_FILES", "")
	t.Setenv("NIX_REMOTE", "")
	s, err := LoadSettings()
	must(t, err)
	if s.Store != "local?root=/x" || !s.KeepOutputs || s.KeepDerivations {
		t.Errorf("settings = %+v", s)
	}
	must(t, os.WriteFile(filepath.Join(dir, "nix.conf"), []byte("keep-outputs = maybe\n"), 0o644))
	if _, err := LoadSettings(); err == nil || err.Error() != "Boolean setting 'keep-outputs' has invalid value 'maybe'" {
		t.Errorf("bad Boolean: %v", err)
	}
}

func TestAddPathRoundTrip(t *testing.T) {
	s := newStore(t)
	src := filepath.Join(t.TempDir(), "tree")
	makeTree(t, src)
	p, err := s.AddPath(src, "tree", storepath.NAR)
	must(t, err)

	// Computing without writing gives the same path.
	cp, err := (&Computer{StoreDir: s.Dir()}).AddPath(src, "tree", storepath.NAR)
	must(t, err)
	if cp != p {
		t.Errorf("Computer gives %s, Local %s", cp, p)
	}
	// The stored object has the source's NAR.
	want := narOf(t, src)
	var got bytes.Buffer
	must(t, s.NarFromPath(p, &got))
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatal("NAR of the stored path differs from the source's")
	}
	info, err := s.PathInfo(p)
	must(t, err)
	if info.NarHash != nixhash.Sum(nixhash.SHA256, want) || info.NarSize != uint64(len(want)) {
		t.Errorf("path info %+v does not match the NAR", info)
	}
	if info.CA.Method != storepath.NAR || info.CA.Hash != info.NarHash {
		t.Errorf("content address %v", info.CA)
	}
	// Canonical metadata: mtime 1, read-only, executables 0555.
	filepath.Walk(s.RealPath(p), func(q string, fi os.FileInfo, err error) error {
		must(t, err)
		var st unix.Stat_t
		must(t, unix.Lstat(q, &st))
		if st.Mtim.Sec != 1 {
			t.Errorf("%s: mtime %d", q, st.Mtim.Sec)
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			if m := fi.Mode().Perm(); m != 0o444 && m != 0o555 {
				t.Errorf("%s: mode %o", q, m)
			}
		}
		return nil
	})
	// Adding again is a no-op returning the same path.
	p2, err := s.AddPath(src, "tree", storepath.NAR)
	must(t, err)
	if p2 != p {
		t.Errorf("second add gave %s", p2)
	}
	assertClean(t, s, false)
}

func TestAddFlatAndFixed(t *testing.T) {
	s := newStore(t)
	dir := t.TempDir()
	f := filepath.Join(dir, "file.txt")
	must(t, os.WriteFile(f, []byte("contents\n"), 0o755))
	tests := []struct {
		method storepath.Method
		algo   nixhash.Algorithm
	}{
		{storepath.Flat, nixhash.SHA256}, {storepath.Flat, nixhash.SHA1}, {storepath.Flat, nixhash.MD5},
		{storepath.NAR, nixhash.SHA512}, {storepath.NAR, nixhash.SHA256},
	}
	for _, tt := range tests {
		p, err := s.AddPathWith(f, AddOptions{Method: tt.method, Algo: tt.algo})
		must(t, err)
		var h nixhash.Hash
		if tt.method == storepath.Flat {
			h = nixhash.Sum(tt.algo, []byte("contents\n"))
		} else {
			h = nixhash.Sum(tt.algo, narOf(t, f))
		}
		want, err := s.Dir().MakeFixedOutputPath("file.txt", tt.method, h, storepath.References{})
		must(t, err)
		if p != want {
			t.Errorf("%v %v: path %s, want %s", tt.method, tt.algo, p, want)
		}
		info, err := s.PathInfo(p)
		must(t, err)
		if info.CA.Hash != h {
			t.Errorf("%v %v: CA %v", tt.method, tt.algo, info.CA)
		}
	}
	// Stored keeping its executable bit (nix-store --add-fixed): the same
	// path, hence in a fresh store.
	s2 := newStore(t)
	pk, err := s2.AddPathWith(f, AddOptions{Method: storepath.Flat, KeepExecutable: true})
	must(t, err)
	pp, err := s.AddPathWith(f, AddOptions{Method: storepath.Flat})
	must(t, err)
	if pk != pp {
		t.Errorf("KeepExecutable changed the path: %s vs %s", pk, pp)
	}
	for st, want := range map[*Local]os.FileMode{s: 0o444, s2: 0o555} {
		fi, err := os.Stat(st.RealPath(pk))
		must(t, err)
		if fi.Mode().Perm() != want {
			t.Errorf("stored mode %o, want %o", fi.Mode().Perm(), want)
		}
	}
	assertClean(t, s2, false)
	// A directory cannot be added flat; a missing source is named.
	if _, err := s.AddPathWith(dir, AddOptions{Method: storepath.Flat}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("flat directory: %v", err)
	}
	if _, err := s.AddPath(filepath.Join(dir, "missing"), "x", storepath.NAR); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing source: %v", err)
	}
	if _, err := s.AddPath(f, "bad/name", storepath.NAR); err == nil {
		t.Error("a name with a slash was accepted")
	}
	assertClean(t, s, false)
}

func TestAddTextReferencesAndClosure(t *testing.T) {
	s := newStore(t)
	a, err := s.AddText("a", "a", nil)
	must(t, err)
	b, err := s.AddText("b", "b refers to "+s.PrintPath(a), []storepath.StorePath{a})
	must(t, err)
	c, err := s.AddText("c", "c", []storepath.StorePath{a, b})
	must(t, err)
	want, err := s.Dir().MakeTextPath("c", nixhash.SumString(nixhash.SHA256, "c"), []storepath.StorePath{a, b})
	must(t, err)
	if c != want {
		t.Errorf("text path %s, want %s", c, want)
	}
	refs, err := s.References(c)
	must(t, err)
	if len(refs) != 2 {
		t.Errorf("references of c: %v", refs)
	}
	rs, err := s.Referrers(a)
	must(t, err)
	if !slices.Contains(rs, b) || !slices.Contains(rs, c) {
		t.Errorf("referrers of a: %v", rs)
	}
	cl, err := s.Closure([]storepath.StorePath{c}, false, false, false)
	must(t, err)
	if len(cl) != 3 {
		t.Errorf("closure of c: %v", cl)
	}
	rcl, err := s.Closure([]storepath.StorePath{a}, true, false, false)
	must(t, err)
	if len(rcl) != 3 {
		t.Errorf("referrers closure of a: %v", rcl)
	}
	sorted, err := s.TopoSort([]storepath.StorePath{a, b, c})
	must(t, err)
	if !slices.Equal(sorted, []storepath.StorePath{c, b, a}) {
		t.Errorf("topo sort: %v", sorted)
	}
	// A reference to an invalid path is refused, and nothing registered.
	ghost, _ := s.Dir().MakeTextPath("ghost", nixhash.SumString(nixhash.SHA256, "ghost"), nil)
	if _, err := s.AddText("d", "d", []storepath.StorePath{ghost}); err == nil || !strings.Contains(err.Error(), "is not valid") {
		t.Errorf("reference to an invalid path: %v", err)
	}
	if _, err := s.AddText("", "x", nil); err == nil {
		t.Error("an empty name was accepted")
	}
	all, err := s.AllValid()
	must(t, err)
	if len(all) != 3 {
		t.Errorf("valid paths: %v", all)
	}
	assertClean(t, s, true)
}

func TestDerivationRegistration(t *testing.T) {
	s := newStore(t)
	src, err := s.AddText("builder.sh", "echo hi", nil)
	must(t, err)
	d, text := simpleDrv(t, s, "hello", []storepath.StorePath{src}, "out", "dev")
	drvPath, err := s.AddText("hello.drv", text, []storepath.StorePath{src})
	must(t, err)
	outs, err := s.DerivationOutputs(drvPath)
	must(t, err)
	for _, name := range []string{"out", "dev"} {
		want, _, err := d.OutputPath(s.Dir(), name)
		must(t, err)
		if outs[name] != want {
			t.Errorf("output %s: registered %s, want %s", name, outs[name], want)
		}
	}
	ders, err := s.ValidDerivers(outs["out"])
	must(t, err)
	if !slices.Equal(ders, []storepath.StorePath{drvPath}) {
		t.Errorf("valid derivers: %v", ders)
	}
	// A derivation whose output path is wrong is not registered.
	bad := strings.Replace(text, outs["out"].HashPart(), strings.Repeat("0", 32), -1)
	if _, err := s.AddText("bad.drv", bad, []storepath.StorePath{src}); err == nil {
		t.Error("a derivation with a wrong output path was registered")
	}
	if _, err := s.AddText("garbage.drv", "Derive(", nil); err == nil || !strings.Contains(err.Error(), "parsing derivation") {
		t.Errorf("unparsable .drv: %v", err)
	}
	must(t, s.RegisterDerivationOutput(drvPath, "extra", src))
	outs, err = s.DerivationOutputs(drvPath)
	must(t, err)
	if outs["extra"] != src {
		t.Errorf("registered output: %v", outs)
	}
}

func TestAddDumpSpooledAndBad(t *testing.T) {
	defer func(n int64) { narBufferSize = n }(narBufferSize)
	for _, limit := range []int64{32 << 20, 64} { // in memory, then spooled
		narBufferSize = limit
		s := newStore(t)
		src := filepath.Join(t.TempDir(), "tree")
		makeTree(t, src)
		data := narOf(t, src)
		p, err := s.AddDump(bytes.NewReader(data), "tree", storepath.NAR, nixhash.SHA256, nil)
		must(t, err)
		p2, err := s.AddPath(src, "tree", storepath.NAR)
		must(t, err)
		if p != p2 {
			t.Errorf("limit %d: dump gave %s, path %s", limit, p, p2)
		}
		// Corrupt and truncated NARs fail with an error naming the
		// problem, and leave nothing registered or lying around.
		for i, bad := range [][]byte{data[:len(data)/2], append(slices.Clone(data), "garbage!"...), bytes.Replace(data, []byte("directory"), []byte("directorx"), 1)} {
			_, err := s.AddDump(bytes.NewReader(bad), "bad", storepath.NAR, nixhash.SHA256, nil)
			if err == nil {
				t.Errorf("limit %d: bad NAR %d accepted", limit, i)
			}
		}
		all, err := s.AllValid()
		must(t, err)
		if len(all) != 1 {
			t.Errorf("valid paths after bad NARs: %v", all)
		}
		assertClean(t, s, false)
	}
}

func TestAddNARChecksHash(t *testing.T) {
	s := newStore(t)
	src := filepath.Join(t.TempDir(), "tree")
	makeTree(t, src)
	data := narOf(t, src)
	h := nixhash.Sum(nixhash.SHA256, data)
	p, err := s.Dir().MakeFixedOutputPath("tree", storepath.NAR, h, storepath.References{})
	must(t, err)
	ca := storepath.ContentAddress{Method: storepath.NAR, Hash: h}

	wrong := &narinfo.PathInfo{StorePath: p, NarHash: nixhash.Sum(nixhash.SHA256, []byte("x")), NarSize: uint64(len(data))}
	if err := s.AddNAR(wrong, bytes.NewReader(data)); err == nil || !strings.Contains(err.Error(), "hash mismatch importing path") {
		t.Errorf("wrong hash: %v", err)
	}
	wrongSize := &narinfo.PathInfo{StorePath: p, NarHash: h, NarSize: 12}
	if err := s.AddNAR(wrongSize, bytes.NewReader(data)); err == nil || !strings.Contains(err.Error(), "size mismatch") {
		t.Errorf("wrong size: %v", err)
	}
	other, _ := s.Dir().MakeTextPath("other", h, nil)
	wrongCA := &narinfo.PathInfo{StorePath: other, NarHash: h, NarSize: uint64(len(data)), CA: ca}
	if err := s.AddNAR(wrongCA, bytes.NewReader(data)); err == nil {
		t.Error("a content address for another path was accepted")
	}
	if valid, _ := s.IsValid(p); valid {
		t.Fatal("path registered despite errors")
	}
	good := &narinfo.PathInfo{StorePath: p, NarHash: h, NarSize: uint64(len(data)), CA: ca}
	must(t, s.AddNAR(good, bytes.NewReader(data)))
	must(t, s.AddNAR(good, bytes.NewReader(data))) // valid already: skipped
	assertClean(t, s, false)
}

func TestModuloHasher(t *testing.T) {
	mod := "abc"
	tests := []struct{ in, out string }{
		{"xxabcxxabc", "xx\x00\x00\x00xx\x00\x00\x00|2|7"},
		{"ab", "ab"},
		{"aabcabc", "a\x00\x00\x00\x00\x00\x00|1|4"},
	}
	for _, tt := range tests {
		for split := 0; split <= len(tt.in); split++ {
			m := newModuloHasher(nixhash.SHA256, mod)
			m.Write([]byte(tt.in[:split]))
			m.Write([]byte(tt.in[split:]))
			if got, want := m.sum(), nixhash.SumString(nixhash.SHA256, tt.out); got != want {
				t.Errorf("%q split at %d: wrong hash", tt.in, split)
			}
		}
	}
}

func TestExportImport(t *testing.T) {
	a := newStore(t)
	src := filepath.Join(t.TempDir(), "tree")
	makeTree(t, src)
	p, err := a.AddPath(src, "tree", storepath.NAR)
	must(t, err)
	q, err := a.AddText("q", "refers to "+a.PrintPath(p), []storepath.StorePath{p})
	must(t, err)
	var exp bytes.Buffer
	must(t, a.Export([]storepath.StorePath{q, p}, &exp))

	b := newStore(t)
	got, err := b.Import(bytes.NewReader(exp.Bytes()))
	must(t, err)
	if !slices.Equal(got, []storepath.StorePath{p, q}) {
		t.Errorf("imported %v", got)
	}
	for _, x := range got {
		ia, _ := a.PathInfo(x)
		ib, err := b.PathInfo(x)
		must(t, err)
		if ia.NarHash != ib.NarHash || !slices.Equal(ia.References, ib.References) {
			t.Errorf("%s: info differs after import", x)
		}
	}
	assertClean(t, b, false)

	// Importing again is harmless; garbage is refused with a clear error.
	if _, err := b.Import(bytes.NewReader(exp.Bytes())); err != nil {
		t.Errorf("re-import: %v", err)
	}
	bad := [][]byte{exp.Bytes()[:exp.Len()/2], append([]byte{2, 0, 0, 0, 0, 0, 0, 0}, exp.Bytes()[8:]...), {}}
	for i, data := range bad {
		c := newStore(t)
		if _, err := c.Import(bytes.NewReader(data)); err == nil {
			t.Errorf("bad export %d accepted", i)
		}
		assertClean(t, c, false)
	}
	// An export whose first path refers to one not in the store fails.
	var partial bytes.Buffer
	must(t, a.Export([]storepath.StorePath{q}, &partial))
	c := newStore(t)
	if _, err := c.Import(&partial); err == nil || !strings.Contains(err.Error(), "not valid") {
		t.Errorf("import without its references: %v", err)
	}
	assertClean(t, c, false)
}

func TestDumpLoadDB(t *testing.T) {
	a := newStore(t)
	src := filepath.Join(t.TempDir(), "tree")
	makeTree(t, src)
	p, err := a.AddPath(src, "tree", storepath.NAR)
	must(t, err)
	_, err = a.AddText("q", "q", []storepath.StorePath{p})
	must(t, err)
	var dump bytes.Buffer
	must(t, a.DumpDB(&dump, nil))
	infos, err := ParseValidityRegistration(bytes.NewReader(dump.Bytes()), a.Dir(), true)
	must(t, err)
	if len(infos) != 2 {
		t.Fatalf("parsed %d entries", len(infos))
	}

	// A second store holding the same objects but no metadata learns it
	// all from the dump.
	b := newStore(t)
	for _, info := range infos {
		var n bytes.Buffer
		must(t, a.NarFromPath(info.StorePath, &n))
		must(t, nar.Restore(&n, b.RealPath(info.StorePath)))
	}
	must(t, b.LoadDB(bytes.NewReader(dump.Bytes())))
	var dump2 bytes.Buffer
	must(t, b.DumpDB(&dump2, nil))
	if dump.String() != dump2.String() {
		t.Errorf("dump after load-db differs:\n%s\nvs\n%s", dump.String(), dump2.String())
	}
	for i, bad := range []string{"/nix/store/x\n", "/nix/store/" + p.String() + "\nzz\n1\n\n0\n", "/tmp/x\n"} {
		if err := b.LoadDB(strings.NewReader(bad)); err == nil {
			t.Errorf("bad registration %d accepted", i)
		}
	}
}

func TestVerifyFindsProblems(t *testing.T) {
	s := newStore(t)
	src := filepath.Join(t.TempDir(), "tree")
	makeTree(t, src)
	p, err := s.AddPath(src, "tree", storepath.NAR)
	must(t, err)
	q, err := s.AddText("q", "q", nil)
	must(t, err)
	r, err := s.AddText("r", "r", []storepath.StorePath{q})
	must(t, err)
	assertClean(t, s, false)

	// Modified contents are reported.
	f := filepath.Join(s.RealPath(p), "share/doc/README")
	must(t, os.Chmod(filepath.Dir(f), 0o755))
	must(t, os.Chmod(f, 0o644))
	must(t, os.WriteFile(f, []byte("tampered\n"), 0o644))
	var log []string
	logf := func(format string, a ...any) { log = append(log, format) }
	bad, err := s.Verify(VerifyOptions{CheckContents: true, Log: logf})
	must(t, err)
	if !bad || !slices.Contains(log, "path '%s' was modified! expected hash '%s', got '%s'") {
		t.Errorf("tampering not reported: %v", log)
	}
	ok, _, err := s.VerifyPath(p)
	must(t, err)
	if ok {
		t.Error("VerifyPath did not notice the change")
	}
	// A vanished path with a valid referrer is an error; once the
	// referrer is gone too, both are unregistered.
	_, err = deletePath(s.RealPath(q))
	must(t, err)
	log = nil
	bad, err = s.Verify(VerifyOptions{Log: logf})
	must(t, err)
	if !bad {
		t.Error("vanished path with referrer not reported")
	}
	_, err = deletePath(s.RealPath(r))
	must(t, err)
	_, err = s.Verify(VerifyOptions{Log: logf})
	must(t, err)
	for _, x := range []storepath.StorePath{q, r} {
		if v, _ := s.IsValid(x); v {
			t.Errorf("%s still valid after disappearing", x)
		}
	}
}

func TestFollowLinksAndResolve(t *testing.T) {
	s := newStore(t)
	p, err := s.AddText("t", "t", nil)
	must(t, err)
	dir := t.TempDir()
	l1, l2 := filepath.Join(dir, "l1"), filepath.Join(dir, "l2")
	must(t, os.Symlink(s.PrintPath(p), l1))
	must(t, os.Symlink("l1", l2))
	for _, arg := range []string{s.PrintPath(p), l1, l2, s.PrintPath(p) + "/sub"} {
		got, err := s.FollowLinksToStorePath(arg)
		if err != nil || got != p {
			t.Errorf("%s: %v %v", arg, got, err)
		}
	}
	if _, err := s.FollowLinksToStorePath(dir); err == nil {
		t.Error("a directory outside the store was accepted")
	}
	real, _, err := s.Resolve(s.PrintPath(p))
	must(t, err)
	var b bytes.Buffer
	must(t, CatFile(&b, real))
	if b.String() != "t" {
		t.Errorf("cat: %q", b.String())
	}
	ghost, _ := s.Dir().MakeTextPath("ghost", nixhash.SumString(nixhash.SHA256, "g"), nil)
	if _, _, err := s.Resolve(s.PrintPath(ghost)); err == nil {
		t.Error("resolving an invalid path worked")
	}
	var inv *InvalidPathError
	if _, err := s.PathInfo(ghost); !errors.As(err, &inv) {
		t.Errorf("PathInfo of invalid path: %v", err)
	}
	if err := s.NarFromPath(ghost, io.Discard); !errors.As(err, &inv) {
		t.Errorf("NarFromPath of invalid path: %v", err)
	}
}
