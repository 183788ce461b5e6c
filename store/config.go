package store

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-nix/cairn/storepath"
	"golang.org/x/sys/unix"
)

// Config says where a local store lives. StoreDir is the logical store
// directory that store paths are hashed with; RealStoreDir is where the
// objects are on disk (they differ for a chroot store, root=DIR).
type Config struct {
	StoreDir     string
	RealStoreDir string
	StateDir     string
	LogDir       string
	ReadOnly     bool
	Settings
}

// DefaultConfig is the store Nix opens with no URI: /nix/store and
// /nix/var/nix, unless NIX_STORE_DIR (or NIX_STORE), NIX_STATE_DIR and
// NIX_LOG_DIR say otherwise.
func DefaultConfig(s Settings) Config {
	storeDir := envOr("NIX_STORE_DIR", envOr("NIX_STORE", storepath.DefaultDir))
	return Config{
		StoreDir:     filepath.Clean(storeDir),
		RealStoreDir: filepath.Clean(storeDir),
		StateDir:     filepath.Clean(envOr("NIX_STATE_DIR", "/nix/var/nix")),
		LogDir:       filepath.Clean(envOr("NIX_LOG_DIR", "/nix/var/log/nix")),
		Settings:     s,
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// ParseURI turns a store URI into a Config: "auto", "local" and
// "local://" with parameters (root, store, state, log, real, read-only),
// or a path, which means local?root=PATH. Other kinds of store (daemon,
// ssh, binary caches) are not local stores and are refused.
func ParseURI(uri string, s Settings) (Config, error) {
	base, query, _ := strings.Cut(uri, "?")
	params, err := url.ParseQuery(query)
	if err != nil {
		return Config{}, fmt.Errorf("store URI '%s': bad parameters: %v", uri, err)
	}
	c := DefaultConfig(s)
	root := ""
	switch {
	case (base == "" || base == "auto") && query == "":
		return autoConfig(c)
	case base == "" || base == "auto" || base == "local" || base == "local://":
	case !strings.Contains(base, "://") && strings.Contains(base, "/"):
		abs, err := filepath.Abs(base)
		if err != nil {
			return Config{}, fmt.Errorf("store URI '%s': %v", uri, err)
		}
		root = abs
	case base == "daemon" || strings.HasPrefix(base, "unix://"):
		return Config{}, fmt.Errorf("store '%s': the Nix daemon protocol is not supported by Cairn yet; use a local store", uri)
	default:
		scheme, _, _ := strings.Cut(base, "://")
		return Config{}, fmt.Errorf("don't know how to open Nix store with scheme '%s'", scheme)
	}
	for name, vals := range params {
		v := vals[len(vals)-1]
		switch name {
		case "root":
			root = v
		case "store", "state", "log", "real":
			if !filepath.IsAbs(v) {
				return Config{}, fmt.Errorf("store URI '%s': parameter '%s' must be an absolute path, not '%s'", uri, name, v)
			}
		case "read-only":
			c.ReadOnly = v == "true"
		}
	}
	if root != "" {
		if !filepath.IsAbs(root) {
			return Config{}, fmt.Errorf("store URI '%s': root '%s' is not an absolute path", uri, root)
		}
		root = filepath.Clean(root)
		c.StateDir = filepath.Join(root, "nix/var/nix")
		c.LogDir = filepath.Join(root, "nix/var/log/nix")
	}
	if v := params.Get("store"); v != "" {
		c.StoreDir = filepath.Clean(v)
	}
	c.RealStoreDir = c.StoreDir
	if root != "" {
		c.RealStoreDir = filepath.Join(root, "nix/store")
	}
	if v := params.Get("state"); v != "" {
		c.StateDir = filepath.Clean(v)
	}
	if v := params.Get("log"); v != "" {
		c.LogDir = filepath.Clean(v)
	}
	if v := params.Get("real"); v != "" {
		c.RealStoreDir = filepath.Clean(v)
	}
	if _, err := storepath.NewDir(c.StoreDir); err != nil {
		return Config{}, err
	}
	return c, nil
}

// RootConfig is the Config of a store below root (local?root=ROOT), with
// default settings: what tests and tools use for a private store.
func RootConfig(root string) Config {
	c, err := ParseURI("local?root="+url.QueryEscape(root), DefaultSettings())
	if err != nil {
		// Only a relative root can fail, and Abs makes it absolute.
		abs, _ := filepath.Abs(root)
		c, _ = ParseURI("local?root="+url.QueryEscape(abs), DefaultSettings())
	}
	return c
}

// autoConfig is Nix's "auto" store: the local store when its state
// directory is writable; else the daemon's (which Cairn cannot talk to
// yet); else, for a user without /nix, a chroot store in
// ~/.local/share/nix/root.
func autoConfig(c Config) (Config, error) {
	if unix.Access(c.StateDir, unix.R_OK|unix.W_OK) == nil {
		return c, nil
	}
	if _, err := os.Stat(filepath.Join(c.StateDir, "daemon-socket", "socket")); err == nil {
		return Config{}, fmt.Errorf("the store in '%s' is managed by the Nix daemon, which Cairn cannot talk to yet; use --store local?root=DIR for a store of your own", c.StateDir)
	}
	if _, err := os.Stat(c.StateDir); os.IsNotExist(err) && os.Geteuid() != 0 &&
		os.Getenv("NIX_STORE_DIR") == "" && os.Getenv("NIX_STATE_DIR") == "" {
		data := os.Getenv("XDG_DATA_HOME")
		if data == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return c, nil
			}
			data = filepath.Join(home, ".local", "share")
		}
		root := filepath.Join(data, "nix", "root")
		c.StateDir = filepath.Join(root, "nix/var/nix")
		c.LogDir = filepath.Join(root, "nix/var/log/nix")
		c.RealStoreDir = filepath.Join(root, c.StoreDir)
	}
	return c, nil
}
