package build

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"os"

	"github.com/cairn-nix/cairn/derivation"
	"github.com/cairn-nix/cairn/nixhash"
)

// builderEnv is the environment of a builder and the files to write into
// its build directory first (passAsFile, structured attributes).
type builderEnv struct {
	vars  map[string]string
	files map[string]string
}

// makeEnv computes the environment as Nix's initEnv does. top is the
// build directory as the builder sees it; rewrite replaces output
// placeholders with the output paths.
func makeEnv(drv *derivation.Derivation, fixed bool, storeDir, top string, cores int, outputs map[string]string, rewrite func(string) string) (*builderEnv, error) {
	e := &builderEnv{vars: map[string]string{}, files: map[string]string{}}
	e.vars["PATH"] = "/path-not-set"
	e.vars["HOME"] = "/homeless-shelter"
	e.vars["NIX_STORE"] = storeDir
	e.vars["NIX_BUILD_CORES"] = strconv.Itoa(cores)
	atFile := func(name, file, content string) {
		e.vars[name] = top + "/" + file
		e.files[file] = rewrite(content)
	}
	if js, ok := drv.Env[derivation.StructuredAttrsVar]; ok {
		attrs, err := structuredAttrs(js, outputs)
		if err != nil {
			return nil, err
		}
		jsonText, err := sortedJSON(attrs)
		if err != nil {
			return nil, err
		}
		atFile("NIX_ATTRS_SH_FILE", ".attrs.sh", attrsShell(attrs))
		atFile("NIX_ATTRS_JSON_FILE", ".attrs.json", jsonText)
	} else {
		asFile := map[string]bool{}
		for _, n := range strings.Fields(drv.Env["passAsFile"]) {
			asFile[n] = true
		}
		for k, v := range drv.Env {
			if !asFile[k] {
				e.vars[k] = rewrite(v)
				continue
			}
			h := nixhash.SumString(nixhash.SHA256, k)
			atFile(k+"Path", ".attr-"+h.Encode(nixhash.Nix32), v)
		}
	}
	e.vars["NIX_BUILD_TOP"] = top
	for _, k := range []string{"TMPDIR", "TEMPDIR", "TMP", "TEMP", "PWD"} {
		e.vars[k] = top
	}
	if fixed {
		e.vars["NIX_OUTPUT_CHECKED"] = "1"
		// Fixed outputs may see the impureEnvVars the caller has.
		for _, n := range strings.Fields(drv.Env["impureEnvVars"]) {
			e.vars[n] = getenv(n)
		}
	}
	e.vars["NIX_LOG_FD"] = "2"
	e.vars["TERM"] = "xterm-256color"
	return e, nil
}

// list returns the environment as KEY=VALUE strings, sorted.
func (e *builderEnv) list() []string {
	out := make([]string, 0, len(e.vars))
	for k, v := range e.vars {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// structuredAttrs decodes __json (keeping numbers as written) and sets
// "outputs" to the output paths.
func structuredAttrs(js string, outputs map[string]string) (map[string]any, error) {
	d := json.NewDecoder(strings.NewReader(js))
	d.UseNumber()
	var attrs map[string]any
	if err := d.Decode(&attrs); err != nil {
		return nil, fmt.Errorf("parsing the structured attributes: %w", err)
	}
	outs := map[string]any{}
	for n, p := range outputs {
		outs[n] = p
	}
	attrs["outputs"] = outs
	return attrs, nil
}

// sortedJSON prints v compactly with sorted keys and without HTML
// escaping, as nlohmann's dump() does.
func sortedJSON(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

var getenv = os.Getenv

var shVarName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// attrsShell renders the structured attributes as bash declarations
// (Nix's writeShell): strings, integers, null and booleans, and arrays
// and objects of those; anything else is left out.
func attrsShell(attrs map[string]any) string {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for _, k := range keys {
		if !shVarName.MatchString(k) {
			continue
		}
		v := attrs[k]
		if s, ok := shellSimple(v); ok {
			fmt.Fprintf(&sb, "declare %s=%s\n", k, s)
			continue
		}
		switch v := v.(type) {
		case []any:
			var parts strings.Builder
			good := true
			for _, x := range v {
				s, ok := shellSimple(x)
				if !ok {
					good = false
					break
				}
				parts.WriteString(s + " ")
			}
			if good {
				fmt.Fprintf(&sb, "declare -a %s=(%s)\n", k, parts.String())
			}
		case map[string]any:
			ks := make([]string, 0, len(v))
			for k2 := range v {
				ks = append(ks, k2)
			}
			sort.Strings(ks)
			var parts strings.Builder
			good := true
			for _, k2 := range ks {
				s, ok := shellSimple(v[k2])
				if !ok {
					good = false
					break
				}
				fmt.Fprintf(&parts, "[%s]=%s ", shellQuote(k2), s)
			}
			if good {
				fmt.Fprintf(&sb, "declare -A %s=(%s)\n", k, parts.String())
			}
		}
	}
	return sb.String()
}

func shellSimple(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return shellQuote(v), true
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 32)
		if err == nil && f == float64(int64(f)) {
			if n, err := v.Int64(); err == nil {
				return strconv.FormatInt(n, 10), true
			}
			return strconv.FormatInt(int64(f), 10), true
		}
		return "", false
	case nil:
		return "''", true
	case bool:
		if v {
			return "1", true
		}
		return "", true
	}
	return "", false
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
