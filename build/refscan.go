package build

import (
	"github.com/cairn-nix/cairn/storepath"
)

// hashLen is the length of a store path's hash part.
const hashLen = 32

// isNix32 marks the characters of Nix's base32 alphabet.
var isNix32 [256]bool

func init() {
	for _, c := range "0123456789abcdfghijklmnpqrsvwxyz" {
		isNix32[c] = true
	}
}

// refScanner finds which candidate hash parts occur in what is written to
// it (a NAR), as Nix's RefScanSink does: a window of 32 alphabet
// characters is looked up, and a character outside the alphabet lets the
// scan jump past it. The last bytes of each write are kept so that a hash
// split across writes is found.
type refScanner struct {
	cands map[string]storepath.StorePath
	found map[storepath.StorePath]bool
	tail  []byte
}

func newRefScanner(cands []storepath.StorePath) *refScanner {
	s := &refScanner{cands: map[string]storepath.StorePath{}, found: map[storepath.StorePath]bool{}}
	for _, c := range cands {
		s.cands[c.HashPart()] = c
	}
	return s
}

func (s *refScanner) Write(p []byte) (int, error) {
	n := len(p)
	if len(s.tail) > 0 {
		// The joint: the kept tail and the start of p.
		k := len(p)
		if k > hashLen-1 {
			k = hashLen - 1
		}
		joint := append(append([]byte(nil), s.tail...), p[:k]...)
		s.scan(joint)
	}
	s.scan(p)
	if len(p) >= hashLen-1 {
		s.tail = append(s.tail[:0], p[len(p)-(hashLen-1):]...)
	} else {
		s.tail = append(s.tail, p...)
		if len(s.tail) > hashLen-1 {
			s.tail = s.tail[len(s.tail)-(hashLen-1):]
		}
	}
	return n, nil
}

func (s *refScanner) scan(p []byte) {
	for i := 0; i+hashLen <= len(p); {
		j := hashLen - 1
		for j >= 0 && isNix32[p[i+j]] {
			j--
		}
		if j >= 0 {
			i += j + 1
			continue
		}
		if c, ok := s.cands[string(p[i:i+hashLen])]; ok {
			s.found[c] = true
		}
		i++
	}
}

// refs returns the candidates found, sorted.
func (s *refScanner) refs() []storepath.StorePath {
	out := make([]storepath.StorePath, 0, len(s.found))
	for p := range s.found {
		out = append(out, p)
	}
	sortPaths(out)
	return out
}
