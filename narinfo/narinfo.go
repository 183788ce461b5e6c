package narinfo

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// PathInfo is what a store knows about a store object besides its
// contents (Nix's ValidPathInfo).
type PathInfo struct {
	// StorePath is the object's path; it is zero in "unkeyed" JSON.
	StorePath storepath.StorePath
	// Deriver is the derivation that built it, if known.
	Deriver storepath.StorePath
	// NarHash and NarSize describe the object's NAR serialisation.
	NarHash nixhash.Hash
	NarSize uint64
	// References are the store paths it refers to, sorted.
	References []storepath.StorePath
	// RegistrationTime is when it was added, in Unix seconds; 0 if unknown.
	RegistrationTime int64
	// Ultimate is set when this store built it itself.
	Ultimate bool
	// Sigs are signatures of the fingerprint, sorted, without duplicates.
	Sigs []Signature
	// CA is the content address, if the object is content-addressed.
	CA storepath.ContentAddress
}

// NarInfo is a binary cache's description of a store object: the path
// info plus where and how the compressed NAR is stored.
type NarInfo struct {
	PathInfo
	// URL is the compressed NAR's location, relative to the cache.
	URL string
	// Compression names the compression ("xz", "zstd", "none", ...).
	// Parse sets "bzip2" when the field is missing or empty, as Nix does.
	Compression string
	// FileHash and FileSize describe the compressed file; zero if unknown.
	FileHash nixhash.Hash
	FileSize uint64
	// System is an old field Nix neither reads nor writes; it is kept so
	// that such files print back with it.
	System string
}

// compressions are the names Nix accepts in Compression.
var compressions = []string{"none", "br", "bzip2", "compress", "grzip", "gzip", "lrzip", "lz4", "lzip", "lzma", "lzop", "xz", "zstd"}

// ParseError is a malformed .narinfo. Line is 0 for a missing field.
type ParseError struct {
	Whence string // the file or URL, for the message
	Line   int
	Field  string
	Msg    string
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("parsing narinfo")
	if e.Whence != "" {
		fmt.Fprintf(&b, " %q", e.Whence)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ": line %d", e.Line)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": %s", e.Field)
	}
	return b.String() + ": " + e.Msg
}

// Parse reads a .narinfo file for store dir (the zero Dir is
// /nix/store); whence names it in errors. It accepts what Nix accepts:
// each line is "Name: value\n" (the character after the colon is
// skipped unchecked, and the last line needs its newline), unknown
// names are ignored, a later field of the same name replaces an earlier
// one except References and CA, which may not be given twice, and
// StorePath, URL, NarHash and a non-zero NarSize are required.
func Parse(data []byte, dir storepath.Dir, whence string) (*NarInfo, error) {
	s := string(data)
	ni := &NarInfo{}
	line := 1 // the physical line of the field being read
	fail := func(field, format string, args ...any) error {
		return &ParseError{Whence: whence, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	var havePath, haveNarHash, haveRefs bool
	for pos := 0; pos < len(s); {
		colon := strings.IndexByte(s[pos:], ':')
		if colon < 0 {
			return nil, fail("", "expecting ':'")
		}
		colon += pos
		name := s[pos:colon]
		// Nix looks for the newline from two bytes past the colon, so a
		// name at the very end, or "Name:" with nothing after, fails here.
		eol := -1
		if colon+2 <= len(s) {
			if i := strings.IndexByte(s[colon+2:], '\n'); i >= 0 {
				eol = colon + 2 + i
			}
		}
		if eol < 0 {
			return nil, fail(name, "expecting '\\n'")
		}
		value := s[colon+2 : eol]
		switch name {
		case "StorePath":
			p, err := dir.Parse(value)
			if err != nil {
				return nil, fail(name, "%v", err)
			}
			ni.StorePath, havePath = p, true
		case "URL":
			ni.URL = value
		case "Compression":
			if value != "" && !slices.Contains(compressions, value) {
				return nil, fail(name, "invalid Compression '%s'", value)
			}
			ni.Compression = value
		case "FileHash":
			h, err := nixhash.ParseAnyPrefixed(value)
			if err != nil {
				return nil, fail(name, "bad hash: %v", err)
			}
			ni.FileHash = h
		case "FileSize", "NarSize":
			n, ok := parseUint(value)
			if !ok {
				return nil, fail(name, "invalid %s '%s'", name, value)
			}
			if name == "FileSize" {
				ni.FileSize = n
			} else {
				ni.NarSize = n
			}
		case "NarHash":
			h, err := nixhash.ParseAnyPrefixed(value)
			if err != nil {
				return nil, fail(name, "bad hash: %v", err)
			}
			ni.NarHash, haveNarHash = h, true
		case "References":
			if haveRefs {
				return nil, fail(name, "extra References")
			}
			for _, r := range strings.Split(value, " ") {
				if r == "" {
					continue
				}
				p, err := storepath.ParseBaseName(r)
				if err != nil {
					return nil, fail(name, "%v", err)
				}
				ni.References = append(ni.References, p)
			}
			// An empty References line does not count: Nix checks for
			// an existing non-empty set.
			haveRefs = len(ni.References) > 0
		case "Deriver":
			if value == "unknown-deriver" {
				break
			}
			p, err := storepath.ParseBaseName(value)
			if err != nil {
				return nil, fail(name, "%v", err)
			}
			ni.Deriver = p
		case "Sig":
			sig, err := ParseSignature(value)
			if err != nil {
				return nil, fail(name, "%v", err)
			}
			ni.Sigs = append(ni.Sigs, sig)
		case "CA":
			if !ni.CA.IsZero() {
				return nil, fail(name, "extra CA")
			}
			if value != "" {
				ca, err := storepath.ParseContentAddress(value)
				if err != nil {
					return nil, fail(name, "%v", err)
				}
				ni.CA = ca
			}
		case "System":
			ni.System = value
		}
		line += strings.Count(s[pos:eol+1], "\n")
		pos = eol + 1
	}
	if ni.Compression == "" {
		ni.Compression = "bzip2"
	}
	ni.References = sortPaths(ni.References)
	ni.Sigs = sortSigs(ni.Sigs)
	line = 0
	switch {
	case !havePath:
		return nil, fail("StorePath", "missing")
	case !haveNarHash:
		return nil, fail("NarHash", "missing")
	case ni.URL == "":
		return nil, fail("URL", "missing")
	case ni.NarSize == 0:
		return nil, fail("NarSize", "missing or zero")
	}
	return ni, nil
}

// parseUint reads a decimal uint64 as Nix's string2Int does: an
// optional '+', then digits, nothing else, no overflow.
func parseUint(s string) (uint64, bool) {
	s = strings.TrimPrefix(s, "+")
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// String returns the .narinfo text Nix writes (for the default store).
func (ni *NarInfo) String() string {
	return string(ni.Text(storepath.Dir{}))
}

// Text returns the .narinfo file for store dir, fields in Nix's order.
// References always appear, even when empty; Compression defaults to
// bzip2, FileHash, FileSize, Deriver, Sig and CA only when set.
func (ni *NarInfo) Text(dir storepath.Dir) []byte {
	var b bytes.Buffer
	field := func(name, value string) {
		b.WriteString(name)
		b.WriteString(": ")
		b.WriteString(value)
		b.WriteByte('\n')
	}
	field("StorePath", dir.Print(ni.StorePath))
	field("URL", ni.URL)
	comp := ni.Compression
	if comp == "" {
		comp = "bzip2"
	}
	field("Compression", comp)
	if !ni.FileHash.IsZero() {
		field("FileHash", ni.FileHash.Format(nixhash.Nix32, true))
	}
	if ni.FileSize != 0 {
		field("FileSize", strconv.FormatUint(ni.FileSize, 10))
	}
	field("NarHash", ni.NarHash.Format(nixhash.Nix32, true))
	field("NarSize", strconv.FormatUint(ni.NarSize, 10))
	refs := make([]string, 0, len(ni.References))
	for _, r := range sortPaths(ni.References) {
		refs = append(refs, r.String())
	}
	field("References", strings.Join(refs, " "))
	if !ni.Deriver.IsZero() {
		field("Deriver", ni.Deriver.String())
	}
	if ni.System != "" {
		field("System", ni.System)
	}
	for _, s := range sortSigs(ni.Sigs) {
		field("Sig", s.String())
	}
	if !ni.CA.IsZero() {
		field("CA", ni.CA.String())
	}
	return b.Bytes()
}

// Fingerprint is the text a store object's signatures sign:
// "1;<path>;<narHash>;<narSize>;<ref>,<ref>,..." with full paths and the
// NAR hash in nix32 with its algorithm. It needs the NAR size.
func (pi *PathInfo) Fingerprint(dir storepath.Dir) (string, error) {
	if pi.NarSize == 0 {
		return "", fmt.Errorf("cannot calculate fingerprint of path '%s' because its size is not known", dir.Print(pi.StorePath))
	}
	if pi.NarHash.IsZero() {
		return "", fmt.Errorf("cannot calculate fingerprint of path '%s' because its NAR hash is not known", dir.Print(pi.StorePath))
	}
	refs := make([]string, 0, len(pi.References))
	for _, r := range sortPaths(pi.References) {
		refs = append(refs, dir.Print(r))
	}
	return "1;" + dir.Print(pi.StorePath) + ";" + pi.NarHash.Format(nixhash.Nix32, true) + ";" +
		strconv.FormatUint(pi.NarSize, 10) + ";" + strings.Join(refs, ","), nil
}

// Sign adds key's signature of the fingerprint, replacing nothing: a
// signature already present is not added twice.
func (pi *PathInfo) Sign(dir storepath.Dir, key SecretKey) error {
	fp, err := pi.Fingerprint(dir)
	if err != nil {
		return err
	}
	pi.Sigs = sortSigs(append(pi.Sigs, key.Sign([]byte(fp))))
	return nil
}

// IsContentAddressed reports whether the path is what the content
// address (with the references) says it should be. Such paths need no
// signatures.
func (pi *PathInfo) IsContentAddressed(dir storepath.Dir) bool {
	if pi.CA.IsZero() {
		return false
	}
	refs := storepath.References{}
	for _, r := range pi.References {
		if r == pi.StorePath {
			refs.Self = true
		} else {
			refs.Others = append(refs.Others, r)
		}
	}
	p, err := dir.MakePathFromCA(pi.StorePath.Name(), pi.CA, refs)
	return err == nil && p == pi.StorePath
}

// CountValidSignatures returns how many signatures are good signatures
// by trusted keys. Signatures by unknown keys are skipped; a malformed
// signature by a trusted key is an error. Unlike Nix's checkSignatures
// it does not treat content-addressed paths specially; see
// IsContentAddressed.
func (pi *PathInfo) CountValidSignatures(dir storepath.Dir, keys PublicKeys) (int, error) {
	fp, err := pi.Fingerprint(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range pi.Sigs {
		ok, err := keys.Verify([]byte(fp), s)
		if err != nil {
			return n, fmt.Errorf("path '%s': %w", dir.Print(pi.StorePath), err)
		}
		if ok {
			n++
		}
	}
	return n, nil
}

func sortPaths(ps []storepath.StorePath) []storepath.StorePath {
	ps = slices.Clone(ps)
	slices.SortFunc(ps, storepath.Compare)
	return slices.Compact(ps)
}

// sortSigs orders signatures as Nix's std::set does (key name, then
// bytes) and drops duplicates.
func sortSigs(sigs []Signature) []Signature {
	sigs = slices.Clone(sigs)
	cmp := func(a, b Signature) int {
		if c := strings.Compare(a.KeyName, b.KeyName); c != 0 {
			return c
		}
		return bytes.Compare(a.Sig, b.Sig)
	}
	slices.SortFunc(sigs, cmp)
	return slices.CompactFunc(sigs, func(a, b Signature) bool { return cmp(a, b) == 0 })
}
