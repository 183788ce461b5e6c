package nixbase32

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// Pairs taken from Nix's functional tests (hash-convert.sh).
var vectors = []struct{ hex, nix32 string }{
	{"800d59cfcd3c05e900cb4e214be48f6b886a08df", "vw46m23bizj4n8afrc0fj19wrp7mj3c0"},
	{"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"},
	{"204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445",
		"12k9jiq29iyqm03swfsgiw5mlqs173qazm3n7daz43infy12pyrcdf30fkk3qwv4yl2ick8yipc2mqnlh48xsvvxl60lbx8vp38yji0"},
	{"", ""},
	{"00", "00"},
	{"ff", "7z"},
	{"01", "01"},
}

func TestVectors(t *testing.T) {
	for _, v := range vectors {
		raw, _ := hex.DecodeString(v.hex)
		if got := EncodeToString(raw); got != v.nix32 {
			t.Errorf("EncodeToString(%s) = %q, want %q", v.hex, got, v.nix32)
		}
		back, err := DecodeString(v.nix32)
		if err != nil {
			t.Errorf("DecodeString(%q): %v", v.nix32, err)
			continue
		}
		if !bytes.Equal(back, raw) {
			t.Errorf("DecodeString(%q) = %x, want %s", v.nix32, back, v.hex)
		}
	}
}

func TestLengths(t *testing.T) {
	for n, want := range map[int]int{0: 0, 1: 2, 16: 26, 20: 32, 32: 52, 64: 103} {
		if got := EncodedLen(n); got != want {
			t.Errorf("EncodedLen(%d) = %d, want %d", n, got, want)
		}
		if got := DecodedLen(want); got != n {
			t.Errorf("DecodedLen(%d) = %d, want %d", want, got, n)
		}
		if !ValidLen(want) {
			t.Errorf("ValidLen(%d) = false", want)
		}
	}
	for _, n := range []int{1, 3, 6} {
		if ValidLen(n) {
			t.Errorf("ValidLen(%d) = true", n)
		}
	}
}

func TestRoundTripAllLengths(t *testing.T) {
	for n := 0; n < 70; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*37 + n)
		}
		s := EncodeToString(b)
		if len(s) != EncodedLen(n) {
			t.Fatalf("len %d: encoded length %d", n, len(s))
		}
		back, err := DecodeString(s)
		if err != nil || !bytes.Equal(back, b) {
			t.Fatalf("len %d: round trip %x -> %q -> %x, %v", n, b, s, back, err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		in, wantSub string
	}{
		{"1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5e", "invalid character 'e'"},
		{"1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5", "length 51"},
		{"1B8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s", "invalid character 'B'"},
		// The top digit of a 52-character string has 4 bits above byte 32.
		{"zb8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s", "beyond the encoded length"},
		{"8z", "beyond the encoded length"},
		{"0\x00", "invalid character '\\x00'"},
		{"u0", "at offset 0"},
	}
	for _, tc := range tests {
		_, err := DecodeString(tc.in)
		if err == nil {
			t.Errorf("DecodeString(%q) succeeded", tc.in)
			continue
		}
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("DecodeString(%q): error %T is not *DecodeError", tc.in, err)
		}
		if !strings.Contains(err.Error(), tc.wantSub) {
			t.Errorf("DecodeString(%q) error %q does not contain %q", tc.in, err, tc.wantSub)
		}
	}
}

func TestDecodeWrongDst(t *testing.T) {
	if err := Decode(make([]byte, 3), "00"); err == nil {
		t.Fatal("Decode into a too-long buffer succeeded")
	}
}

func TestAlphabet(t *testing.T) {
	for c := 0; c < 256; c++ {
		want := strings.IndexByte(Alphabet, byte(c)) >= 0
		if IsDigit(byte(c)) != want {
			t.Errorf("IsDigit(%q) = %v", rune(c), !want)
		}
	}
	for _, c := range "eotu" {
		if IsDigit(byte(c)) {
			t.Errorf("%q must not be a digit", c)
		}
	}
}
