package cli

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/cairn-nix/cairn/nar"
	"github.com/cairn-nix/cairn/nixbase32"
	"github.com/cairn-nix/cairn/nixhash"
)

// nix-hash, and the modern `cairn hash path|file|convert|to-*`.

// hashJob is what nix-hash and `hash path/file` compute.
type hashJob struct {
	algo     nixhash.Algorithm
	flat     bool
	format   nixhash.Format
	truncate bool
	paths    []string
}

func (j *hashJob) run(env *Env) error {
	for _, p := range j.paths {
		h := nixhash.NewHasher(j.algo)
		if j.flat {
			// Flat hashing reads the file as any program would, so
			// symlinks are followed and pipes (<(echo hi)) work.
			f, err := os.Open(p)
			if err != nil {
				return fmt.Errorf("opening file '%s': %w", p, unwrapErr(err))
			}
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				return fmt.Errorf("reading file '%s': %w", p, unwrapErr(err))
			}
		} else if err := nar.DumpPath(h, p); err != nil {
			return err
		}
		sum := h.Sum()
		digest := sum.Bytes()
		if j.truncate && len(digest) > 20 {
			digest = sum.Compress(20)
		}
		fmt.Fprintln(env.Stdout, formatDigest(j.algo, digest, j.format))
	}
	return nil
}

// formatDigest prints a digest of any length (a truncated one included)
// as Nix's Hash::to_string does: SRI with its algorithm, others bare.
func formatDigest(a nixhash.Algorithm, d []byte, f nixhash.Format) string {
	switch f {
	case nixhash.Base16:
		return hex.EncodeToString(d)
	case nixhash.Nix32:
		return nixbase32.EncodeToString(d)
	case nixhash.Base64:
		return base64.StdEncoding.EncodeToString(d)
	}
	return a.String() + "-" + base64.StdEncoding.EncodeToString(d)
}

func unwrapErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// runNixHash is the legacy nix-hash: hashes paths (md5 and base16 by
// default, for compatibility) or converts hashes with --to-*.
func runNixHash(env *Env, args []string) int {
	j := &hashJob{format: nixhash.Base16}
	convert := false
	var algo nixhash.Algorithm
	args = expandShortFlags(args)
	common := newStoreOpts()
	for i := 0; i < len(args); i++ {
		if n, err := common.parse(args, i); err != nil {
			return fail(env, err)
		} else if n > 0 {
			i += n - 1
			continue
		}
		switch a := args[i]; a {
		case "--flat":
			j.flat = true
		case "--base16":
			j.format = nixhash.Base16
		case "--base32":
			j.format = nixhash.Nix32
		case "--base64":
			j.format = nixhash.Base64
		case "--sri":
			j.format = nixhash.SRI
		case "--truncate":
			j.truncate = true
		case "--type":
			if i+1 >= len(args) {
				return fail(env, missingLegacyArg("--type"))
			}
			i++
			var err error
			if algo, err = nixhash.ParseAlgorithm(args[i]); err != nil {
				return fail(env, err)
			}
		case "--to-base16", "--to-base32", "--to-base64", "--to-sri":
			convert = true
			j.format = map[string]nixhash.Format{"--to-base16": nixhash.Base16, "--to-base32": nixhash.Nix32,
				"--to-base64": nixhash.Base64, "--to-sri": nixhash.SRI}[a]
		case "--version":
			fmt.Fprintln(env.Stdout, "nix-hash (Nix) 2.34.8")
			return 0
		default:
			if len(a) > 0 && a[0] == '-' {
				return fail(env, &usageError{fmt.Sprintf("unrecognised flag '%s'", a)})
			}
			j.paths = append(j.paths, a)
		}
	}
	if convert {
		if err := convertHashes(env, j.paths, algo, j.format); err != nil {
			return fail(env, err)
		}
		return 0
	}
	j.algo = algo
	if j.algo == 0 {
		j.algo = nixhash.MD5
	}
	if err := j.run(env); err != nil {
		return fail(env, err)
	}
	return 0
}

func convertHashes(env *Env, hashes []string, algo nixhash.Algorithm, to nixhash.Format) error {
	for _, s := range hashes {
		h, err := nixhash.ParseAny(s, algo)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, h.Format(to, to == nixhash.SRI))
	}
	return nil
}

// runHash is `cairn hash SUBCOMMAND`.
func runHash(env *Env, args []string) int {
	if len(args) == 0 {
		return fail(env, &usageError{"'hash' requires a subcommand: path, file, convert, to-base16, to-base32, to-base64 or to-sri"})
	}
	sub, args := args[0], args[1:]
	var err error
	switch sub {
	case "path", "file":
		err = runHashPath(env, sub, args)
	case "convert":
		err = runHashConvert(env, args)
	case "to-base16", "to-base32", "to-base64", "to-sri":
		fmt.Fprintln(env.Stderr, "warning: The old format conversion subcommands of `nix hash` were deprecated in favor of `nix hash convert`.")
		err = runHashToBase(env, sub, args)
	default:
		err = &usageError{fmt.Sprintf("'hash' has no subcommand '%s'", sub)}
	}
	if err != nil {
		return fail(env, err)
	}
	return 0
}

func parseFormatFlag(flag, v string) (nixhash.Format, error) {
	f, _, err := nixhash.ParseFormat(v)
	if err != nil {
		return 0, &usageError{fmt.Sprintf("option '%s': %v", flag, err)}
	}
	return f, nil
}

func runHashPath(env *Env, sub string, args []string) error {
	j := &hashJob{algo: nixhash.SHA256, format: nixhash.SRI, flat: sub == "file"}
	args, err := withoutCommonOptions(args)
	if err != nil {
		return err
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		arg := func() (string, error) {
			if i+1 >= len(args) {
				return "", missingArg(a, 1, 0)
			}
			i++
			return args[i], nil
		}
		// --format and --mode belong to `nix hash path` only.
		pathArg := func() (string, error) {
			if sub != "path" {
				return "", &usageError{fmt.Sprintf("unrecognised flag '%s'", a)}
			}
			return arg()
		}
		switch a {
		case "--sri":
			j.format = nixhash.SRI
		case "--base16":
			j.format = nixhash.Base16
		case "--base32":
			j.format = nixhash.Nix32
		case "--base64":
			j.format = nixhash.Base64
		case "--type", "--algo":
			v, err := arg()
			if err != nil {
				return err
			}
			if j.algo, err = nixhash.ParseAlgorithm(v); err != nil {
				return err
			}
		case "--format":
			v, err := pathArg()
			if err != nil {
				return err
			}
			if j.format, err = parseFormatFlag(a, v); err != nil {
				return err
			}
		case "--mode":
			v, err := pathArg()
			if err != nil {
				return err
			}
			switch v {
			case "nar":
				j.flat = false
			case "flat":
				j.flat = true
			case "git":
				return fmt.Errorf("hashing with the git file ingestion method is not supported by Cairn yet")
			default:
				return &usageError{fmt.Sprintf("unknown file ingestion method '%s'", v)}
			}
		default:
			if len(a) > 0 && a[0] == '-' {
				return &usageError{fmt.Sprintf("unrecognised flag '%s'", a)}
			}
			j.paths = append(j.paths, a)
		}
	}
	return j.run(env)
}

func runHashConvert(env *Env, args []string) error {
	to := nixhash.SRI
	var from nixhash.Format
	var algo nixhash.Algorithm
	var hashes []string
	args, err := withoutCommonOptions(args)
	if err != nil {
		return err
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--from" || a == "--to" || a == "--hash-algo" || a == "--algo" {
			if i+1 >= len(args) {
				return missingArg(a, 1, 0)
			}
			i++
			var err error
			switch a {
			case "--from":
				from, err = parseFormatFlag(a, args[i])
			case "--to":
				to, err = parseFormatFlag(a, args[i])
			default:
				algo, err = nixhash.ParseAlgorithm(args[i])
			}
			if err != nil {
				return err
			}
			continue
		}
		if len(a) > 0 && a[0] == '-' {
			return &usageError{fmt.Sprintf("unrecognised flag '%s'", a)}
		}
		hashes = append(hashes, a)
	}
	for _, s := range hashes {
		h, got, err := nixhash.ParseAnyFormat(s, algo)
		if err != nil {
			return err
		}
		if from != 0 && from != got {
			return fmt.Errorf("input hash '%s' has format '%s', but '--from %s' was specified", s, got, from)
		}
		fmt.Fprintln(env.Stdout, h.Format(to, to == nixhash.SRI))
	}
	return nil
}

func runHashToBase(env *Env, sub string, args []string) error {
	to := map[string]nixhash.Format{"to-base16": nixhash.Base16, "to-base32": nixhash.Nix32,
		"to-base64": nixhash.Base64, "to-sri": nixhash.SRI}[sub]
	var algo nixhash.Algorithm
	var hashes []string
	args, err := withoutCommonOptions(args)
	if err != nil {
		return err
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--type" {
			if i+1 >= len(args) {
				return missingLegacyArg("--type")
			}
			i++
			var err error
			if algo, err = nixhash.ParseAlgorithm(args[i]); err != nil {
				return err
			}
			continue
		}
		if len(a) > 0 && a[0] == '-' {
			return &usageError{fmt.Sprintf("unrecognised flag '%s'", a)}
		}
		hashes = append(hashes, a)
	}
	return convertHashes(env, hashes, algo, to)
}

// withoutCommonOptions drops the options every command accepts (--store,
// --option, verbosity), which hashing does not use.
func withoutCommonOptions(args []string) ([]string, error) {
	o := newStoreOpts()
	var out []string
	for i := 0; i < len(args); i++ {
		n, err := o.parse(args, i)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			i += n - 1
			continue
		}
		out = append(out, args[i])
	}
	return out, nil
}
