package storepath

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cairn-nix/cairn/nixhash"
)

// Method is how content was hashed: as text (a .drv or toFile), as a flat
// file, as a NAR, or as a git object.
type Method uint8

const (
	Text Method = iota + 1
	Flat
	NAR
	Git
)

// String is the name in JSON and on the command line: "text", "flat",
// "nar" or "git".
func (m Method) String() string {
	switch m {
	case Text:
		return "text"
	case Flat:
		return "flat"
	case NAR:
		return "nar"
	case Git:
		return "git"
	}
	return fmt.Sprintf("Method(%d)", uint8(m))
}

// ParseMethod parses a name from String.
func ParseMethod(s string) (Method, error) {
	switch s {
	case "text":
		return Text, nil
	case "flat":
		return Flat, nil
	case "nar":
		return NAR, nil
	case "git":
		return Git, nil
	}
	return 0, errorf("unknown content address method '%s', expect 'text', 'flat', 'nar', or 'git'", s)
}

// Prefix is the legacy prefix put before an algorithm name, as in a .drv
// output's hash algorithm ("r:sha256"): "text:", "" (flat), "r:" or "git:".
func (m Method) Prefix() string {
	switch m {
	case Text:
		return "text:"
	case NAR:
		return "r:"
	case Git:
		return "git:"
	}
	return ""
}

// ParseMethodPrefix strips a legacy prefix from s; no prefix means Flat.
func ParseMethodPrefix(s string) (Method, string) {
	for _, m := range []Method{NAR, Git, Text} {
		if rest, ok := strings.CutPrefix(s, m.Prefix()); ok {
			return m, rest
		}
	}
	return Flat, s
}

// modernPrefix starts a content address: "text:" or "fixed:" plus the
// legacy prefix.
func (m Method) modernPrefix() string {
	if m == Text {
		return "text:"
	}
	return "fixed:" + m.Prefix()
}

// WithAlgo renders e.g. "fixed:r:sha256" or "text:sha256".
func (m Method) WithAlgo(a nixhash.Algorithm) string {
	return m.modernPrefix() + a.String()
}

// MarshalText gives String.
func (m Method) MarshalText() ([]byte, error) {
	if m < Text || m > Git {
		return nil, errorf("invalid content address method %d", uint8(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText parses with ParseMethod.
func (m *Method) UnmarshalText(b []byte) error {
	v, err := ParseMethod(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// ContentAddress is a method and a hash; its text form is
// "text:sha256:<nix32>" or "fixed:[r:|git:]<algo>:<nix32>".
type ContentAddress struct {
	Method Method
	Hash   nixhash.Hash
}

// IsZero reports whether ca is empty (no content address).
func (ca ContentAddress) IsZero() bool { return ca.Method == 0 && ca.Hash.IsZero() }

// String renders ca as Nix does (hash in nix32 with its algorithm).
func (ca ContentAddress) String() string {
	if ca.IsZero() {
		return ""
	}
	return ca.Method.modernPrefix() + ca.Hash.Format(nixhash.Nix32, true)
}

// MethodAlgo renders the legacy method prefix and algorithm, e.g.
// "r:sha256" (Nix's printMethodAlgo).
func (ca ContentAddress) MethodAlgo() string {
	return ca.Method.Prefix() + ca.Hash.Algo().String()
}

// parseMethodAlgo reads "text:<algo>:" or "fixed:[r:|git:]<algo>:" from
// the front of s, returning what follows.
func parseMethodAlgo(s string, whole string) (Method, nixhash.Algorithm, string, error) {
	prefix, rest, ok := strings.Cut(s, ":")
	if !ok {
		return 0, 0, "", errorf("not a content address because it is not in the form '<prefix>:<rest>': %s", whole)
	}
	var m Method
	switch prefix {
	case "text":
		m = Text
	case "fixed":
		m = Flat
		if r, ok := strings.CutPrefix(rest, "r:"); ok {
			m, rest = NAR, r
		} else if r, ok := strings.CutPrefix(rest, "git:"); ok {
			m, rest = Git, r
		}
	default:
		return 0, 0, "", errorf("content address prefix '%s' is unrecognized. Recognized prefixes are 'text' or 'fixed'", prefix)
	}
	algoName, rest, ok := strings.Cut(rest, ":")
	if !ok {
		return 0, 0, "", errorf("content address hash must be in form '<algo>:<hash>', but found: %s", whole)
	}
	a, err := nixhash.ParseAlgorithm(algoName)
	if err != nil {
		return 0, 0, "", err
	}
	return m, a, rest, nil
}

// ParseContentAddress parses the text form. The hash may be base16, nix32
// or base64 (told apart by length), without an algorithm prefix.
func ParseContentAddress(s string) (ContentAddress, error) {
	m, a, rest, err := parseMethodAlgo(s, s)
	if err != nil {
		return ContentAddress{}, err
	}
	h, err := nixhash.ParseNonSRIUnprefixed(rest, a)
	if err != nil {
		return ContentAddress{}, errorf("content address '%s': %v", s, err)
	}
	return ContentAddress{Method: m, Hash: h}, nil
}

// ParseMethodWithAlgo parses "fixed:r:sha256", "text:sha256" and the like
// (Nix's ContentAddressMethod::parseWithAlgo).
func ParseMethodWithAlgo(s string) (Method, nixhash.Algorithm, error) {
	m, a, _, err := parseMethodAlgo(s+":", s)
	return m, a, err
}

// caJSON is the JSON shape: {"hash": "<SRI>", "method": "nar"}; fields in
// the order Nix's JSON (sorted keys) prints them.
type caJSON struct {
	Hash   *nixhash.Hash `json:"hash"`
	Method *Method       `json:"method"`
}

// MarshalJSON writes {"hash": SRI, "method": name}.
func (ca ContentAddress) MarshalJSON() ([]byte, error) {
	return json.Marshal(caJSON{Hash: &ca.Hash, Method: &ca.Method})
}

// UnmarshalJSON reads the form MarshalJSON writes; both keys are needed.
func (ca *ContentAddress) UnmarshalJSON(b []byte) error {
	var v caJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return errorf("content address JSON: %v", err)
	}
	if v.Hash == nil || v.Method == nil {
		return errorf("content address JSON %s: needs both 'hash' and 'method'", b)
	}
	*ca = ContentAddress{Method: *v.Method, Hash: *v.Hash}
	return nil
}
