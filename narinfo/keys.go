package narinfo

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Signature is a detached signature: the name of the key that made it and
// the raw signature bytes (64 for ed25519). Its text form is
// "keyname:base64".
type Signature struct {
	KeyName string
	Sig     []byte
}

// SecretKey is a named ed25519 private key in libsodium's 64-byte layout
// (seed followed by public key), which is also Go's ed25519.PrivateKey.
type SecretKey struct {
	Name string
	Key  ed25519.PrivateKey
}

// PublicKey is a named ed25519 public key.
type PublicKey struct {
	Name string
	Key  ed25519.PublicKey
}

// KeyError reports a malformed key or signature string. The text is never
// included for secret keys, so that it cannot leak into logs.
type KeyError struct {
	What string // "secret key", "public key" or "signature"
	Msg  string
}

func (e *KeyError) Error() string { return e.What + ": " + e.Msg }

// decodeNixBase64 decodes base64 the way Nix does: it stops at the first
// '=', skips newlines, and does not insist on padding or on the unused
// low bits being zero. Keys written by other tools therefore load in
// Cairn exactly when they load in Nix.
func decodeNixBase64(s string) ([]byte, error) {
	out := make([]byte, 0, len(s)*3/4+2)
	var acc, bits uint
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '=' {
			break
		}
		if c == '\n' {
			continue
		}
		var v byte
		switch {
		case c >= 'A' && c <= 'Z':
			v = c - 'A'
		case c >= 'a' && c <= 'z':
			v = c - 'a' + 26
		case c >= '0' && c <= '9':
			v = c - '0' + 52
		case c == '+':
			v = 62
		case c == '/':
			v = 63
		default:
			return nil, fmt.Errorf("invalid character %q in base64 at offset %d", c, i)
		}
		acc = acc<<6 | uint(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
			acc &= 1<<bits - 1
		}
	}
	return out, nil
}

// splitNamed parses "name:base64" as Nix does for keys and signatures:
// the name is everything before the first ':' and must be non-empty, and
// so must the decoded data.
func splitNamed(s, what string, quote bool) (string, []byte, error) {
	bad := func(msg string) error {
		if quote {
			msg += fmt.Sprintf(" in %q", s)
		}
		return &KeyError{What: what, Msg: msg}
	}
	name, data, ok := strings.Cut(s, ":")
	if !ok {
		return "", nil, bad("missing ':' between name and base64 data")
	}
	if name == "" {
		return "", nil, bad("empty name")
	}
	raw, err := decodeNixBase64(data)
	if err != nil {
		return "", nil, bad(err.Error())
	}
	if len(raw) == 0 {
		return "", nil, bad("empty data")
	}
	return name, raw, nil
}

func joinNamed(name string, data []byte) string {
	return name + ":" + base64.StdEncoding.EncodeToString(data)
}

// ParseSignature parses "keyname:base64". Like Nix it does not check the
// length here; Verify does.
func ParseSignature(s string) (Signature, error) {
	name, raw, err := splitNamed(s, "signature", true)
	if err != nil {
		return Signature{}, err
	}
	return Signature{KeyName: name, Sig: raw}, nil
}

// String gives "keyname:base64".
func (s Signature) String() string { return joinNamed(s.KeyName, s.Sig) }

// ParseSecretKey parses "name:base64" holding 64 bytes.
func ParseSecretKey(s string) (SecretKey, error) {
	name, raw, err := splitNamed(s, "secret key", false)
	if err != nil {
		return SecretKey{}, err
	}
	if len(raw) != ed25519.PrivateKeySize {
		return SecretKey{}, &KeyError{What: "secret key", Msg: fmt.Sprintf("key %q is %d bytes, not %d", name, len(raw), ed25519.PrivateKeySize)}
	}
	return SecretKey{Name: name, Key: ed25519.PrivateKey(raw)}, nil
}

// ParsePublicKey parses "name:base64" holding 32 bytes.
func ParsePublicKey(s string) (PublicKey, error) {
	name, raw, err := splitNamed(s, "public key", true)
	if err != nil {
		return PublicKey{}, err
	}
	if len(raw) != ed25519.PublicKeySize {
		return PublicKey{}, &KeyError{What: "public key", Msg: fmt.Sprintf("key %q is %d bytes, not %d", name, len(raw), ed25519.PublicKeySize)}
	}
	return PublicKey{Name: name, Key: ed25519.PublicKey(raw)}, nil
}

// GenerateKey makes a new key pair named name (as `nix key
// generate-secret --key-name`). rand may be nil for crypto/rand.
func GenerateKey(name string, random io.Reader) (SecretKey, error) {
	if name == "" {
		return SecretKey{}, errors.New("generating key: empty key name")
	}
	if strings.Contains(name, ":") {
		// A ':' would make the key unparsable, since the name ends at the first one.
		return SecretKey{}, fmt.Errorf("generating key: key name %q contains ':'", name)
	}
	if random == nil {
		random = rand.Reader
	}
	_, priv, err := ed25519.GenerateKey(random)
	if err != nil {
		return SecretKey{}, fmt.Errorf("generating key %q: %w", name, err)
	}
	return SecretKey{Name: name, Key: priv}, nil
}

// String gives "name:base64" (the secret; handle with care).
func (k SecretKey) String() string { return joinNamed(k.Name, k.Key) }

// PublicKey returns the matching public key, with the same name.
func (k SecretKey) PublicKey() PublicKey {
	pub := make(ed25519.PublicKey, ed25519.PublicKeySize)
	copy(pub, k.Key[32:])
	return PublicKey{Name: k.Name, Key: pub}
}

// Sign returns the detached signature of data, named after the key.
func (k SecretKey) Sign(data []byte) Signature {
	return Signature{KeyName: k.Name, Sig: ed25519.Sign(k.Key, data)}
}

// String gives "name:base64".
func (k PublicKey) String() string { return joinNamed(k.Name, k.Key) }

// Verify reports whether sig is k's signature of data. A signature made
// by a key of another name is not k's, whatever its bytes. A signature
// that is not 64 bytes long is an error, as in Nix.
func (k PublicKey) Verify(data []byte, sig Signature) (bool, error) {
	if sig.KeyName != k.Name {
		return false, nil
	}
	return k.verifyAnon(data, sig)
}

func (k PublicKey) verifyAnon(data []byte, sig Signature) (bool, error) {
	if len(sig.Sig) != ed25519.SignatureSize {
		return false, &KeyError{What: "signature", Msg: fmt.Sprintf("signature by %q is %d bytes, not %d", sig.KeyName, len(sig.Sig), ed25519.SignatureSize)}
	}
	if len(k.Key) != ed25519.PublicKeySize {
		return false, &KeyError{What: "public key", Msg: fmt.Sprintf("key %q is %d bytes, not %d", k.Name, len(k.Key), ed25519.PublicKeySize)}
	}
	return ed25519.Verify(k.Key, data, sig.Sig), nil
}

// PublicKeys is a set of trusted keys by name (Nix's trusted-public-keys).
type PublicKeys map[string]PublicKey

// ParsePublicKeys parses whitespace-separated "name:base64" keys, as in
// the trusted-public-keys setting.
func ParsePublicKeys(s string) (PublicKeys, error) {
	keys := PublicKeys{}
	for _, f := range strings.Fields(s) {
		k, err := ParsePublicKey(f)
		if err != nil {
			return nil, err
		}
		keys[k.Name] = k
	}
	return keys, nil
}

// Verify reports whether sig is a valid signature of data by the trusted
// key it names. An unknown key name is simply not trusted.
func (ks PublicKeys) Verify(data []byte, sig Signature) (bool, error) {
	k, ok := ks[sig.KeyName]
	if !ok {
		return false, nil
	}
	return k.verifyAnon(data, sig)
}
