package narinfo

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/cairn-nix/cairn/storepath"
)

// fullText is the .narinfo Nix writes for makeFullNarInfo(impure).
const fullText = `StorePath: /nix/store/n5wkd9frr45pa74if5gpz9j7mifg27fh-foo
URL: nar/1w1fff338fvdw53sqgamddn1b2xgds473pv6y13gizdbqjv4i5p3.nar.xz
Compression: xz
FileHash: sha256:09ymwqf5i9q7d4dm7x4pjjcqqj0qrcp5lnznbh42gfsci5hcbqqm
FileSize: 4029176
NarHash: sha256:09ymwqf5i9q7d4dm7x4pjjcqqj0qrcp5lnznbh42gfsci5hcbqqm
NarSize: 34878
References: g1w7hy3qg1w7hy3qg1w7hy3qg1w7hy3q-bar n5wkd9frr45pa74if5gpz9j7mifg27fh-foo
Deriver: g1w7hy3qg1w7hy3qg1w7hy3qg1w7hy3q-bar.drv
Sig: asdf:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==
Sig: qwer:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==
CA: fixed:r:sha256:1lr187v6dck1rjh2j6svpikcfz53wyl3qrlcbb405zlh13x0khhh
`

func TestTextRoundTrip(t *testing.T) {
	ni := makeFullNarInfo(t, true)
	// The text form has no registration time or ultimate flag.
	ni.RegistrationTime, ni.Ultimate = 0, false
	if got := ni.String(); got != fullText {
		t.Errorf("text differs:\n got %s\nwant %s", got, fullText)
	}
	parsed, err := Parse([]byte(fullText), storepath.Dir{}, "full.narinfo")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(parsed, ni) {
		t.Errorf("parsed %+v\nwant   %+v", parsed, ni)
	}
}

// A cache.nixos.org-style file: no CA, unknown extra fields, System.
func TestParseCacheStyle(t *testing.T) {
	src := "StorePath: /nix/store/n5wkd9frr45pa74if5gpz9j7mifg27fh-foo\n" +
		"URL: nar/x.nar.xz\n" +
		"Compression: xz\n" +
		"NarHash: sha256:09ymwqf5i9q7d4dm7x4pjjcqqj0qrcp5lnznbh42gfsci5hcbqqm\n" +
		"NarSize: 34878\n" +
		"References: \n" +
		"Deriver: unknown-deriver\n" +
		"System: x86_64-linux\n" +
		"Future: ignored\n"
	ni, err := Parse([]byte(src), storepath.Dir{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if ni.System != "x86_64-linux" || !ni.Deriver.IsZero() || len(ni.References) != 0 || !ni.FileHash.IsZero() {
		t.Errorf("parsed %+v", ni)
	}
	want := strings.Replace(src, "Deriver: unknown-deriver\n", "", 1)
	want = strings.Replace(want, "Future: ignored\n", "", 1)
	if got := ni.String(); got != want {
		t.Errorf("printed:\n%s\nwant:\n%s", got, want)
	}
}

func TestParseDefaults(t *testing.T) {
	src := "StorePath: /nix/store/n5wkd9frr45pa74if5gpz9j7mifg27fh-foo\nURL: u\nNarHash: sha256-FePFYIlMuycIXPZbWi7LGEiMmZSX9FMbaQenWBzm1Sc=\nNarSize: +7\nCompression: \nReferences: \nReferences: n5wkd9frr45pa74if5gpz9j7mifg27fh-foo\nCA: \nCA: text:sha256:09ymwqf5i9q7d4dm7x4pjjcqqj0qrcp5lnznbh42gfsci5hcbqqm\n"
	ni, err := Parse([]byte(src), storepath.Dir{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if ni.Compression != "bzip2" || ni.NarSize != 7 || len(ni.References) != 1 || ni.CA.Method != storepath.Text {
		t.Errorf("parsed %+v", ni)
	}
}

func TestParseErrors(t *testing.T) {
	const (
		path = "StorePath: /nix/store/n5wkd9frr45pa74if5gpz9j7mifg27fh-foo\n"
		url  = "URL: u\n"
		hash = "NarHash: sha256:09ymwqf5i9q7d4dm7x4pjjcqqj0qrcp5lnznbh42gfsci5hcbqqm\n"
		size = "NarSize: 5\n"
	)
	for _, tc := range []struct {
		src   string
		line  int
		field string
		msg   string
	}{
		{path + "garbage", 2, "", "expecting ':'"},
		{path + "URL: u", 2, "URL", "expecting '\\n'"},
		{path + "URL:", 2, "URL", "expecting '\\n'"},
		{"StorePath: /nix/store/foo\n", 1, "StorePath", "too short"},
		{"StorePath: /gnu/store/n5wkd9frr45pa74if5gpz9j7mifg27fh-foo\n", 1, "StorePath", "not in the Nix store"},
		{path + url + "Compression: rar\n", 3, "Compression", "invalid Compression"},
		{path + "FileHash: abc\n", 2, "FileHash", "bad hash"},
		{path + "NarHash: sha256:abc\n", 2, "NarHash", "bad hash"},
		{path + "FileSize: -1\n", 2, "FileSize", "invalid FileSize"},
		{path + "NarSize: 1x\n", 2, "NarSize", "invalid NarSize"},
		{path + "NarSize: 99999999999999999999\n", 2, "NarSize", "invalid NarSize"},
		{path + "References: a b\n", 2, "References", "too short"},
		{path + "References: n5wkd9frr45pa74if5gpz9j7mifg27fh-foo\nReferences: \n", 3, "References", "extra References"},
		{path + "Deriver: \n", 2, "Deriver", "too short"},
		{path + "Sig: nocolon\n", 2, "Sig", "missing ':'"},
		{path + "Sig: k:\n", 2, "Sig", "empty data"},
		{path + "Sig: k:!!\n", 2, "Sig", "invalid character"},
		{path + "CA: fixed:sha256:abc\n", 2, "CA", "wrong length"},
		{path + "CA: text:sha256:09ymwqf5i9q7d4dm7x4pjjcqqj0qrcp5lnznbh42gfsci5hcbqqm\nCA: text:sha256:09ymwqf5i9q7d4dm7x4pjjcqqj0qrcp5lnznbh42gfsci5hcbqqm\n", 3, "CA", "extra CA"},
		{url + hash + size, 0, "StorePath", "missing"},
		{path + url + size, 0, "NarHash", "missing"},
		{path + hash + size, 0, "URL", "missing"},
		{path + url + hash, 0, "NarSize", "missing or zero"},
		{path + url + hash + "NarSize: 0\n", 0, "NarSize", "missing or zero"},
		// A blank line glues onto the next field's name, as in Nix.
		{path + "\n" + url + hash + size, 0, "URL", "missing"},
	} {
		_, err := Parse([]byte(tc.src), storepath.Dir{}, "x.narinfo")
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: error %v, want a *ParseError", tc.src, err)
			continue
		}
		if pe.Line != tc.line || pe.Field != tc.field || !strings.Contains(pe.Msg, tc.msg) {
			t.Errorf("%q: got line %d field %q msg %q; want line %d field %q msg containing %q",
				tc.src, pe.Line, pe.Field, pe.Msg, tc.line, tc.field, tc.msg)
		}
	}
}

func TestFingerprintAndSignatures(t *testing.T) {
	pi := makeFull(t, false)
	fp, err := pi.Fingerprint(storepath.Dir{})
	if err != nil {
		t.Fatal(err)
	}
	want := "1;/nix/store/n5wkd9frr45pa74if5gpz9j7mifg27fh-foo;sha256:09ymwqf5i9q7d4dm7x4pjjcqqj0qrcp5lnznbh42gfsci5hcbqqm;34878;" +
		"/nix/store/g1w7hy3qg1w7hy3qg1w7hy3qg1w7hy3q-bar,/nix/store/n5wkd9frr45pa74if5gpz9j7mifg27fh-foo"
	if fp != want {
		t.Errorf("fingerprint\n got %s\nwant %s", fp, want)
	}
	if _, err := (&PathInfo{StorePath: pi.StorePath, NarHash: pi.NarHash}).Fingerprint(storepath.Dir{}); err == nil {
		t.Error("fingerprint without a NAR size")
	}

	k1, _ := GenerateKey("cache-1", nil)
	k2, _ := GenerateKey("cache-2", nil)
	if err := pi.Sign(storepath.Dir{}, k1); err != nil {
		t.Fatal(err)
	}
	if err := pi.Sign(storepath.Dir{}, k1); err != nil || len(pi.Sigs) != 1 {
		t.Fatalf("signing twice: %v, %d sigs", err, len(pi.Sigs))
	}
	keys := PublicKeys{"cache-1": k1.PublicKey(), "cache-2": k2.PublicKey()}
	if n, err := pi.CountValidSignatures(storepath.Dir{}, keys); n != 1 || err != nil {
		t.Errorf("valid signatures: %d, %v", n, err)
	}
	// A signature claiming another key's name does not verify.
	forged := k2.Sign([]byte(fp))
	forged.KeyName = "cache-1"
	pi.Sigs = []Signature{forged}
	if n, _ := pi.CountValidSignatures(storepath.Dir{}, keys); n != 0 {
		t.Error("forged signature accepted")
	}
	// The content address holds, so no signature is needed.
	if !pi.IsContentAddressed(storepath.Dir{}) {
		t.Error("foo is not content-addressed")
	}
	pi.References = pi.References[:1]
	if pi.IsContentAddressed(storepath.Dir{}) {
		t.Error("content address holds without the self reference")
	}
	// A round trip through the text keeps the signature valid.
	ni := makeFullNarInfo(t, true)
	ni.Sigs = nil
	if err := ni.Sign(storepath.Dir{}, k2); err != nil {
		t.Fatal(err)
	}
	back, err := Parse(ni.Text(storepath.Dir{}), storepath.Dir{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := back.CountValidSignatures(storepath.Dir{}, keys); n != 1 || err != nil {
		t.Errorf("after text round trip: %d valid, %v", n, err)
	}
	if !bytes.Equal(back.Sigs[0].Sig, ni.Sigs[0].Sig) {
		t.Error("signature changed in the round trip")
	}
}
