package narinfo

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// JSON versions of path info (`nix path-info --json`) and nar info:
//   - 1: full store paths, content address as a string, signatures as
//     strings; the default when "version" is missing;
//   - 2: store paths as base names, content address as an object;
//   - 3: like 2, with signatures as {"keyName", "sig"} objects.
const (
	JSONV1 = 1
	JSONV2 = 2
	JSONV3 = 3
)

// JSONError is a malformed path-info or nar-info JSON document.
type JSONError struct {
	Key string
	Msg string
}

func (e *JSONError) Error() string {
	if e.Key == "" {
		return "path info JSON: " + e.Msg
	}
	return "path info JSON: " + e.Key + ": " + e.Msg
}

func jsonErr(key, format string, args ...any) error {
	return &JSONError{Key: key, Msg: fmt.Sprintf(format, args...)}
}

func checkVersion(v int) error {
	if v < JSONV1 || v > JSONV3 {
		return jsonErr("version", "unsupported path info JSON format version %d; supported versions are 1, 2 and 3", v)
	}
	return nil
}

// jsonValue builds the object; keys are sorted when printed.
func (pi *PathInfo) jsonValue(dir storepath.Dir, impure bool, version int) map[string]any {
	path := func(p storepath.StorePath) any {
		if p.IsZero() {
			return nil
		}
		if version == JSONV1 {
			return dir.Print(p)
		}
		return p.String()
	}
	m := map[string]any{
		"version":  version,
		"storeDir": dir.Path(),
		"narHash":  pi.NarHash.SRI(),
		"narSize":  pi.NarSize,
	}
	refs := []any{}
	for _, r := range sortPaths(pi.References) {
		refs = append(refs, path(r))
	}
	m["references"] = refs
	switch {
	case pi.CA.IsZero():
		m["ca"] = nil
	case version == JSONV1:
		m["ca"] = pi.CA.String()
	default:
		m["ca"] = map[string]any{"hash": pi.CA.Hash.SRI(), "method": pi.CA.Method.String()}
	}
	if impure {
		m["deriver"] = path(pi.Deriver)
		if pi.RegistrationTime != 0 {
			m["registrationTime"] = pi.RegistrationTime
		} else {
			m["registrationTime"] = nil
		}
		m["ultimate"] = pi.Ultimate
		sigs := []any{}
		for _, s := range sortSigs(pi.Sigs) {
			if version == JSONV3 {
				sigs = append(sigs, map[string]any{"keyName": s.KeyName, "sig": base64.StdEncoding.EncodeToString(s.Sig)})
			} else {
				sigs = append(sigs, s.String())
			}
		}
		m["signatures"] = sigs
	}
	return m
}

// checkUTF8 refuses strings JSON cannot carry; Nix's JSON library fails
// on them too, where encoding/json would silently replace bytes.
func checkUTF8(key, s string) error {
	if !utf8.ValidString(s) {
		return jsonErr(key, "%q is not valid UTF-8", s)
	}
	return nil
}

func (pi *PathInfo) checkUTF8() error {
	for i, s := range pi.Sigs {
		if err := checkUTF8(fmt.Sprintf("signatures[%d].keyName", i), s.KeyName); err != nil {
			return err
		}
	}
	return nil
}

func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// JSON returns the path info in JSON form version (1, 2 or 3), indented
// with a final newline. impure adds the fields that depend on the store
// holding the object: deriver, registration time, ultimate, signatures.
// The path itself is not included (Nix's "unkeyed" form).
func (pi *PathInfo) JSON(dir storepath.Dir, impure bool, version int) ([]byte, error) {
	if err := checkVersion(version); err != nil {
		return nil, err
	}
	if err := pi.checkUTF8(); err != nil {
		return nil, err
	}
	return encodeJSON(pi.jsonValue(dir, impure, version))
}

// JSON returns the nar info in JSON form: the path info plus, when
// impure, "url", "compression", "downloadHash" and "downloadSize" if set.
func (ni *NarInfo) JSON(dir storepath.Dir, impure bool, version int) ([]byte, error) {
	if err := checkVersion(version); err != nil {
		return nil, err
	}
	if err := ni.PathInfo.checkUTF8(); err != nil {
		return nil, err
	}
	if err := checkUTF8("url", ni.URL); err != nil {
		return nil, err
	}
	m := ni.PathInfo.jsonValue(dir, impure, version)
	if impure {
		if ni.URL != "" {
			m["url"] = ni.URL
		}
		if ni.Compression != "" {
			m["compression"] = ni.Compression
		}
		if !ni.FileHash.IsZero() {
			m["downloadHash"] = ni.FileHash.SRI()
		}
		if ni.FileSize != 0 {
			m["downloadSize"] = ni.FileSize
		}
	}
	return encodeJSON(m)
}

// jsonDoc is a decoded JSON object with typed accessors.
type jsonDoc map[string]any

func decodeObject(data []byte) (jsonDoc, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, jsonErr("", "%v", err)
	}
	if dec.More() {
		return nil, jsonErr("", "unexpected data after the JSON value")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, jsonErr("", "expected an object")
	}
	return m, nil
}

func (d jsonDoc) str(k string) (string, error) {
	s, ok := d[k].(string)
	if !ok {
		return "", jsonErr(k, "expected a string")
	}
	return s, nil
}

func (d jsonDoc) uint(k string) (uint64, error) {
	n, ok := d[k].(json.Number)
	if !ok {
		return 0, jsonErr(k, "expected a number")
	}
	u, err := strconv.ParseUint(string(n), 10, 64)
	if err != nil {
		return 0, jsonErr(k, "expected an unsigned integer, got %s", n)
	}
	return u, nil
}

// ParsePathInfoJSON reads any version of the path-info JSON form. The
// version comes from "version" (default 1). Full paths (version 1) are
// parsed against dir; a "storeDir" that differs from dir is an error,
// since base names mean nothing in another store.
func ParsePathInfoJSON(data []byte, dir storepath.Dir) (*PathInfo, error) {
	d, err := decodeObject(data)
	if err != nil {
		return nil, err
	}
	pi, _, err := parsePathInfo(d, dir)
	return pi, err
}

func parsePathInfo(d jsonDoc, dir storepath.Dir) (*PathInfo, int, error) {
	version := JSONV1
	if _, ok := d["version"]; ok {
		v, err := d.uint("version")
		if err != nil {
			return nil, 0, err
		}
		if v > JSONV3 {
			v = 0
		}
		version = int(v)
		if err := checkVersion(version); err != nil {
			return nil, 0, err
		}
	}
	if _, ok := d["storeDir"]; ok {
		sd, err := d.str("storeDir")
		if err != nil {
			return nil, 0, err
		}
		if sd != dir.Path() {
			return nil, 0, jsonErr("storeDir", "path info is for store '%s', not '%s'", sd, dir.Path())
		}
	} else if version != JSONV1 {
		return nil, 0, jsonErr("storeDir", "required in path info JSON format version %d", version)
	}
	path := func(key string, v any) (storepath.StorePath, error) {
		s, ok := v.(string)
		if !ok {
			return storepath.StorePath{}, jsonErr(key, "expected a store path string")
		}
		var p storepath.StorePath
		var err error
		if version == JSONV1 {
			p, err = dir.Parse(s)
		} else {
			p, err = storepath.ParseBaseName(s)
		}
		if err != nil {
			return storepath.StorePath{}, jsonErr(key, "%v", err)
		}
		return p, nil
	}

	pi := &PathInfo{}
	hs, err := d.str("narHash")
	if err != nil {
		return nil, 0, err
	}
	if pi.NarHash, err = nixhash.ParseSRI(hs); err != nil {
		return nil, 0, jsonErr("narHash", "%v", err)
	}
	if pi.NarSize, err = d.uint("narSize"); err != nil {
		return nil, 0, err
	}
	refs, ok := d["references"].([]any)
	if !ok {
		return nil, 0, jsonErr("references", "expected an array")
	}
	for i, r := range refs {
		p, err := path(fmt.Sprintf("references[%d]", i), r)
		if err != nil {
			return nil, 0, err
		}
		pi.References = append(pi.References, p)
	}
	pi.References = sortPaths(pi.References)

	ca, ok := d["ca"]
	if !ok {
		return nil, 0, jsonErr("ca", "missing")
	}
	if ca != nil {
		if pi.CA, err = parseCAJSON(ca, version); err != nil {
			return nil, 0, err
		}
	}
	if v, ok := d["deriver"]; ok && v != nil {
		if pi.Deriver, err = path("deriver", v); err != nil {
			return nil, 0, err
		}
	}
	if v, ok := d["registrationTime"]; ok && v != nil {
		n, isNum := v.(json.Number)
		t, err := strconv.ParseInt(string(n), 10, 64)
		if !isNum || err != nil {
			return nil, 0, jsonErr("registrationTime", "expected an integer")
		}
		pi.RegistrationTime = t
	}
	if v, ok := d["ultimate"]; ok {
		if pi.Ultimate, ok = v.(bool); !ok {
			return nil, 0, jsonErr("ultimate", "expected a Boolean")
		}
	}
	if v, ok := d["signatures"]; ok {
		sigs, isArr := v.([]any)
		if !isArr {
			return nil, 0, jsonErr("signatures", "expected an array")
		}
		for i, s := range sigs {
			sig, err := parseSigJSON(s, fmt.Sprintf("signatures[%d]", i))
			if err != nil {
				return nil, 0, err
			}
			pi.Sigs = append(pi.Sigs, sig)
		}
		pi.Sigs = sortSigs(pi.Sigs)
	}
	return pi, version, nil
}

func parseCAJSON(v any, version int) (storepath.ContentAddress, error) {
	if version == JSONV1 {
		s, ok := v.(string)
		if !ok {
			return storepath.ContentAddress{}, jsonErr("ca", "expected a string or null")
		}
		ca, err := storepath.ParseContentAddress(s)
		if err != nil {
			return storepath.ContentAddress{}, jsonErr("ca", "%v", err)
		}
		return ca, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return storepath.ContentAddress{}, jsonErr("ca", "expected an object or null")
	}
	ms, ok1 := m["method"].(string)
	hs, ok2 := m["hash"].(string)
	if !ok1 || !ok2 {
		return storepath.ContentAddress{}, jsonErr("ca", "needs string fields 'method' and 'hash'")
	}
	method, err := storepath.ParseMethod(ms)
	if err != nil {
		return storepath.ContentAddress{}, jsonErr("ca.method", "%v", err)
	}
	h, err := nixhash.ParseSRI(hs)
	if err != nil {
		return storepath.ContentAddress{}, jsonErr("ca.hash", "%v", err)
	}
	return storepath.ContentAddress{Method: method, Hash: h}, nil
}

// parseSigJSON accepts both forms, whatever the version, as Nix does.
func parseSigJSON(v any, key string) (Signature, error) {
	switch v := v.(type) {
	case string:
		sig, err := ParseSignature(v)
		if err != nil {
			return Signature{}, jsonErr(key, "%v", err)
		}
		return sig, nil
	case map[string]any:
		name, ok1 := v["keyName"].(string)
		data, ok2 := v["sig"].(string)
		if !ok1 || !ok2 {
			return Signature{}, jsonErr(key, "needs string fields 'keyName' and 'sig'")
		}
		raw, err := decodeNixBase64(data)
		if err != nil {
			return Signature{}, jsonErr(key+".sig", "%v", err)
		}
		return Signature{KeyName: name, Sig: raw}, nil
	}
	return Signature{}, jsonErr(key, "expected a string or an object")
}

// ParseNarInfoJSON reads the nar-info JSON form (path info plus "url",
// "compression", "downloadHash", "downloadSize", all optional).
func ParseNarInfoJSON(data []byte, dir storepath.Dir) (*NarInfo, error) {
	d, err := decodeObject(data)
	if err != nil {
		return nil, err
	}
	pi, _, err := parsePathInfo(d, dir)
	if err != nil {
		return nil, err
	}
	ni := &NarInfo{PathInfo: *pi}
	if _, ok := d["url"]; ok {
		if ni.URL, err = d.str("url"); err != nil {
			return nil, err
		}
	}
	if _, ok := d["compression"]; ok {
		if ni.Compression, err = d.str("compression"); err != nil {
			return nil, err
		}
		if !slices.Contains(compressions, ni.Compression) {
			return nil, jsonErr("compression", "unknown compression method '%s'", ni.Compression)
		}
	}
	if _, ok := d["downloadHash"]; ok {
		hs, err := d.str("downloadHash")
		if err != nil {
			return nil, err
		}
		if ni.FileHash, err = nixhash.ParseSRI(hs); err != nil {
			return nil, jsonErr("downloadHash", "%v", err)
		}
	}
	if _, ok := d["downloadSize"]; ok {
		if ni.FileSize, err = d.uint("downloadSize"); err != nil {
			return nil, err
		}
	}
	return ni, nil
}
