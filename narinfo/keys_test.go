package narinfo

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// RFC 8032 section 7.1, test 3, as in Nix's local-keys test.
func TestRFC8032Vector(t *testing.T) {
	seed := unhex(t, "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42")
	pub := unhex(t, "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf")
	msg := unhex(t, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
	want := unhex(t, "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704")

	sk, err := ParseSecretKey("test:" + base64.StdEncoding.EncodeToString(append(seed, pub...)))
	if err != nil {
		t.Fatal(err)
	}
	sig := sk.Sign(msg)
	if sig.KeyName != "test" || !bytes.Equal(sig.Sig, want) {
		t.Errorf("signature %x, want %x", sig.Sig, want)
	}
	pk := sk.PublicKey()
	if !bytes.Equal(pk.Key, pub) {
		t.Errorf("public key %x, want %x", pk.Key, pub)
	}
	if ok, err := pk.Verify(msg, sig); !ok || err != nil {
		t.Errorf("verify: %v %v", ok, err)
	}
}

func TestKeyRoundTrip(t *testing.T) {
	sk, err := GenerateKey("test-key-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	pk := sk.PublicKey()
	s1, s2 := sk.Sign([]byte("hello world")), sk.Sign([]byte("hello world"))
	if !bytes.Equal(s1.Sig, s2.Sig) {
		t.Error("signing is not deterministic")
	}
	if ok, err := pk.Verify([]byte("hello world"), s1); !ok || err != nil {
		t.Errorf("verify: %v %v", ok, err)
	}
	if ok, _ := pk.Verify([]byte("hello world!"), s1); ok {
		t.Error("verified a signature of other data")
	}
	sk2, err := ParseSecretKey(sk.String())
	if err != nil || sk2.Name != sk.Name || !bytes.Equal(sk2.Key, sk.Key) {
		t.Errorf("secret key round trip: %v", err)
	}
	pk2, err := ParsePublicKey(pk.String())
	if err != nil || pk2.Name != pk.Name || !bytes.Equal(pk2.Key, pk.Key) {
		t.Errorf("public key round trip: %v", err)
	}
	sig, err := ParseSignature(s1.String())
	if err != nil || sig.KeyName != s1.KeyName || !bytes.Equal(sig.Sig, s1.Sig) {
		t.Errorf("signature round trip: %v", err)
	}
	keys, err := ParsePublicKeys("  " + pk.String() + "\n cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY= ")
	if err != nil || len(keys) != 2 {
		t.Fatalf("ParsePublicKeys: %v, %d keys", err, len(keys))
	}
	if ok, err := keys.Verify([]byte("hello world"), s1); !ok || err != nil {
		t.Errorf("keys.Verify: %v %v", ok, err)
	}
	if ok, err := keys.Verify([]byte("x"), Signature{KeyName: "unknown", Sig: s1.Sig}); ok || err != nil {
		t.Errorf("unknown key: %v %v", ok, err)
	}
	if _, err := keys.Verify([]byte("x"), Signature{KeyName: "test-key-1", Sig: []byte{1, 2}}); err == nil {
		t.Error("short signature accepted")
	}
}

func TestKeyErrors(t *testing.T) {
	for _, tc := range []struct {
		s, want string
		parse   func(string) error
	}{
		{"nocolon", "missing ':'", func(s string) error { _, err := ParsePublicKey(s); return err }},
		{":AAAA", "empty name", func(s string) error { _, err := ParsePublicKey(s); return err }},
		{"k:", "empty data", func(s string) error { _, err := ParsePublicKey(s); return err }},
		{"k:AAAA", "is 3 bytes, not 32", func(s string) error { _, err := ParsePublicKey(s); return err }},
		{"k:AA*A", "invalid character", func(s string) error { _, err := ParsePublicKey(s); return err }},
		{"k:AAAA", "is 3 bytes, not 64", func(s string) error { _, err := ParseSecretKey(s); return err }},
		{"k:" + strings.Repeat("A", 40), "secret key", func(s string) error { _, err := ParseSecretKey(s); return err }},
	} {
		err := tc.parse(tc.s)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.s, err, tc.want)
		}
	}
	// Secret key errors must not repeat the key.
	err := func() error { _, err := ParseSecretKey("k:" + strings.Repeat("B", 40)); return err }()
	if err == nil || strings.Contains(err.Error(), "BBBB") {
		t.Errorf("secret key error leaks the key: %v", err)
	}
	if _, err := GenerateKey("a:b", nil); err == nil {
		t.Error("key name with ':' accepted")
	}
}

// Nix's base64 decoder stops at '=', skips newlines and needs no padding.
func TestNixBase64(t *testing.T) {
	for in, want := range map[string]string{
		"aGVsbG8=":      "hello",
		"aGVsbG8":       "hello",
		"aGVs\nbG8=":    "hello",
		"aGVsbG8=trail": "hello",
		"":              "",
	} {
		got, err := decodeNixBase64(in)
		if err != nil || string(got) != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
}
