package storepath

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-nix/cairn/nixhash"
)

// TestContentAddressJSON checks libstore-tests/data/content-address: the
// values are those of Nix's content-address.cc.
func TestContentAddressJSON(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/content-address")
	cases := map[string]ContentAddress{
		"text.json": {Method: Text, Hash: nixhash.SumString(nixhash.SHA256, "asdf")},
		"nar.json":  {Method: NAR, Hash: nixhash.SumString(nixhash.SHA256, "qwer")},
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*.json")); len(files) != len(cases) {
		t.Errorf("found %d vectors, expected %d: the set changed", len(files), len(cases))
	}
	for name, want := range cases {
		raw := readFile(t, dir, name)
		var got ContentAddress
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got != want {
			t.Errorf("%s: read %v, want %v", name, got, want)
		}
		out, err := json.MarshalIndent(want, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(append(out, '\n'), raw) {
			t.Errorf("%s: wrote\n%s\nfile has\n%s", name, out, raw)
		}
		back, err := ParseContentAddress(want.String())
		if err != nil || back != want {
			t.Errorf("%s: text round trip %q -> %v, %v", name, want.String(), back, err)
		}
	}
}

// TestCommonProtocolContentAddresses checks that the worker-protocol
// vectors' text forms and JSON forms agree.
func TestCommonProtocolContentAddresses(t *testing.T) {
	dir := vectorDir(t, "libstore-tests/data/common-protocol")
	for _, stem := range []string{"content-address", "optional-content-address"} {
		var cas []*ContentAddress
		if err := json.Unmarshal(readFile(t, dir, stem+".json"), &cas); err != nil {
			t.Fatalf("%s.json: %v", stem, err)
		}
		wire := wireStrings(t, readFile(t, dir, stem+".bin"))
		if len(wire) != len(cas) {
			t.Fatalf("%s: %d wire strings, %d JSON values", stem, len(wire), len(cas))
		}
		for i, s := range wire {
			if cas[i] == nil {
				if s != "" {
					t.Errorf("%s[%d]: null in JSON, %q on the wire", stem, i, s)
				}
				continue
			}
			got, err := ParseContentAddress(s)
			if err != nil || got != *cas[i] || cas[i].String() != s {
				t.Errorf("%s[%d]: wire %q parsed %v (%v); JSON %v renders %q", stem, i, s, got, err, cas[i], cas[i].String())
			}
		}
	}
}

func TestContentAddressText(t *testing.T) {
	h := nixhash.SumString(nixhash.SHA256, "abc")
	const n32 = "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"
	const b16 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	tests := []struct {
		in, canon  string
		want       ContentAddress
		methodAlgo string
	}{
		{"text:sha256:" + n32, "text:sha256:" + n32, ContentAddress{Text, h}, "text:sha256"},
		{"fixed:sha256:" + b16, "fixed:sha256:" + n32, ContentAddress{Flat, h}, "sha256"},
		{"fixed:r:sha256:" + h.Encode(nixhash.Base64), "fixed:r:sha256:" + n32, ContentAddress{NAR, h}, "r:sha256"},
		{"fixed:git:sha256:" + n32, "fixed:git:sha256:" + n32, ContentAddress{Git, h}, "git:sha256"},
	}
	for _, tc := range tests {
		got, err := ParseContentAddress(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseContentAddress(%q) = %v, %v", tc.in, got, err)
			continue
		}
		if got.String() != tc.canon || got.MethodAlgo() != tc.methodAlgo {
			t.Errorf("%q renders %q / %q", tc.in, got.String(), got.MethodAlgo())
		}
	}
	bad := []struct{ in, want string }{
		{"sha256", "not in the form '<prefix>:<rest>'"},
		{"fixed:r:sha256", "must be in form '<algo>:<hash>'"},
		{"flat:sha256:" + n32, "content address prefix 'flat' is unrecognized"},
		{"fixed:sha3:" + n32, "unknown hash algorithm 'sha3'"},
		{"fixed:r:sha1:" + n32, "wrong length for hash algorithm 'sha1'"},
		{"text:sha256:sha256:" + n32, "wrong length"},
		{"text:sha256:sha256-" + h.Encode(nixhash.Base64), "wrong length"},
		{"fixed:R:sha256:" + n32, "unknown hash algorithm 'R'"},
	}
	for _, tc := range bad {
		if _, err := ParseContentAddress(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseContentAddress(%q) error %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestMethods(t *testing.T) {
	for _, m := range []Method{Text, Flat, NAR, Git} {
		if got, err := ParseMethod(m.String()); err != nil || got != m {
			t.Errorf("ParseMethod(%s) = %v, %v", m, got, err)
		}
		got, rest := ParseMethodPrefix(m.Prefix() + "sha256")
		if got != m || rest != "sha256" {
			t.Errorf("ParseMethodPrefix(%q) = %v %q", m.Prefix()+"sha256", got, rest)
		}
		gm, ga, err := ParseMethodWithAlgo(m.WithAlgo(nixhash.SHA1))
		if err != nil || gm != m || ga != nixhash.SHA1 {
			t.Errorf("ParseMethodWithAlgo(%q) = %v %v %v", m.WithAlgo(nixhash.SHA1), gm, ga, err)
		}
	}
	if _, err := ParseMethod("narwhal"); err == nil {
		t.Error("ParseMethod(narwhal) accepted")
	}
	if NAR.WithAlgo(nixhash.SHA256) != "fixed:r:sha256" || Text.WithAlgo(nixhash.SHA256) != "text:sha256" || Flat.WithAlgo(nixhash.MD5) != "fixed:md5" {
		t.Error("WithAlgo renders wrongly")
	}
	var ca ContentAddress
	for _, bad := range []string{`{"method":"nar"}`, `{"hash":"sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="}`,
		`{"hash":"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad","method":"nar"}`,
		`{"hash":"sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=","method":"r"}`, `[]`} {
		if err := json.Unmarshal([]byte(bad), &ca); err == nil {
			t.Errorf("content address JSON %s accepted", bad)
		}
	}
}
