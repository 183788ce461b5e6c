package store

import (
	"bytes"
	"testing"

	"github.com/cairn-nix/cairn/storepath"
)

// FuzzExportTrailer feeds arbitrary bytes to the parser of the metadata
// after each NAR of an export (the NARs are nar's to check): it must
// fail cleanly, with bounded allocations. A full Import per input would
// be too slow under the fuzzer's coverage instrumentation of SQLite; the
// store tests import corrupt exports instead.
func FuzzExportTrailer(f *testing.F) {
	seed := newStore(f)
	p, err := seed.AddText("a", "a", nil)
	must(f, err)
	q, err := seed.AddText("b", "b", []storepath.StorePath{p})
	must(f, err)
	var exp bytes.Buffer
	must(f, seed.Export([]storepath.StorePath{q}, &exp))
	// Skip the leading 1 and the NAR to reach the trailer.
	data := exp.Bytes()
	i := bytes.Index(data, []byte{0x4e, 0x49, 0x58, 0x45})
	f.Add(data[i:])
	f.Add(data[i : i+20])
	f.Add([]byte{0x4e, 0x49, 0x58, 0x45, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255})
	parser := &Local{dir: storepath.Default}
	f.Fuzz(func(t *testing.T, data []byte) {
		parser.readExportTrailer(bytes.NewReader(data))
	})
}

// FuzzValidityRegistration checks that the --load-db parser never
// panics and that what it accepts prints back the same.
func FuzzValidityRegistration(f *testing.F) {
	f.Add("/nix/store/00000000000000000000000000000000-x\n" +
		"0000000000000000000000000000000000000000000000000000000000000000\n1\n\n0\n")
	f.Add("/nix/store/x\n")
	f.Fuzz(func(t *testing.T, text string) {
		ParseValidityRegistration(bytes.NewReader([]byte(text)), storepath.Default, true)
		ParseValidityRegistration(bytes.NewReader([]byte(text)), storepath.Default, false)
	})
}
