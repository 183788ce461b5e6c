package store

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cairn-nix/cairn/narinfo"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// DumpDB writes the validity registration of paths (all valid paths when
// none are given), the text `nix-store --dump-db` prints: for each path,
// lines with the path, its NAR hash in base 16, NAR size, deriver (or an
// empty line), the number of references and the references.
func (s *Local) DumpDB(w io.Writer, paths []storepath.StorePath) error {
	if paths == nil {
		all, err := s.AllValid()
		if err != nil {
			return err
		}
		paths = all
	}
	bw := bufio.NewWriter(w)
	for _, p := range paths {
		info, err := s.PathInfo(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(bw, "%s\n%s\n%d\n", s.dir.Print(p), info.NarHash.Encode(nixhash.Base16), info.NarSize)
		if !info.Deriver.IsZero() {
			bw.WriteString(s.dir.Print(info.Deriver))
		}
		fmt.Fprintf(bw, "\n%d\n", len(info.References))
		for _, r := range info.References {
			fmt.Fprintf(bw, "%s\n", s.dir.Print(r))
		}
	}
	return bw.Flush()
}

// ParseValidityRegistration reads the format DumpDB writes. With
// hashGiven false the hash and size lines are absent (the format of
// --register-validity), and NarHash is left zero.
func ParseValidityRegistration(r io.Reader, dir storepath.Dir, hashGiven bool) ([]*narinfo.PathInfo, error) {
	br := bufio.NewReader(r)
	line := 0
	next := func() (string, bool, error) {
		s, err := br.ReadString('\n')
		if err == io.EOF {
			if s == "" {
				return "", true, nil
			}
			err = nil // a last line without newline counts
		}
		if err != nil {
			return "", false, err
		}
		line++
		return strings.TrimSuffix(s, "\n"), false, nil
	}
	bad := func(msg string, a ...any) error {
		return fmt.Errorf("validity registration, line %d: %s", line, fmt.Sprintf(msg, a...))
	}
	var out []*narinfo.PathInfo
	for {
		ps, eof, err := next()
		if err != nil {
			return nil, err
		}
		if eof {
			return out, nil
		}
		info := &narinfo.PathInfo{}
		if info.StorePath, err = dir.Parse(ps); err != nil {
			return nil, bad("%v", err)
		}
		field := func() (string, error) {
			s, eof, err := next()
			if err != nil {
				return "", err
			}
			if eof {
				return "", bad("missing input after '%s'", ps)
			}
			return s, nil
		}
		if hashGiven {
			hs, err := field()
			if err != nil {
				return nil, err
			}
			if info.NarHash, err = nixhash.ParseAny(hs, nixhash.SHA256); err != nil {
				return nil, bad("%v", err)
			}
			ss, err := field()
			if err != nil {
				return nil, err
			}
			if info.NarSize, err = strconv.ParseUint(ss, 10, 64); err != nil {
				return nil, bad("number expected, not '%s'", ss)
			}
		}
		ds, err := field()
		if err != nil {
			return nil, err
		}
		if ds != "" {
			if info.Deriver, err = dir.Parse(ds); err != nil {
				return nil, bad("%v", err)
			}
		}
		ns, err := field()
		if err != nil {
			return nil, err
		}
		n, err := strconv.Atoi(ns)
		if err != nil || n < 0 {
			return nil, bad("number expected, not '%s'", ns)
		}
		for i := 0; i < n; i++ {
			rs, err := field()
			if err != nil {
				return nil, err
			}
			rp, err := dir.Parse(rs)
			if err != nil {
				return nil, bad("%v", err)
			}
			info.References = append(info.References, rp)
		}
		out = append(out, info)
	}
}

// LoadDB registers the paths of a validity registration with hashes
// (`nix-store --load-db`), re-registering ones already valid. The objects
// must be in the store already; all are registered in one transaction.
func (s *Local) LoadDB(r io.Reader) error {
	infos, err := ParseValidityRegistration(r, s.dir, true)
	if err != nil {
		return err
	}
	return s.RegisterValidPaths(infos)
}
