package evalstore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// download fetches a URL (http, https or file) whole, and words its
// failures as Nix does (Nix downloads with curl and passes on what curl
// says).
func download(u string) ([]byte, error) {
	if local, ok := strings.CutPrefix(u, "file://"); ok {
		data, err := os.ReadFile(local)
		if err != nil {
			return nil, fmt.Errorf("unable to download '%s': Could not read a file:// file (37) Could not open file %s", u, local)
		}
		return data, nil
	}
	parsed, err := url.Parse(u)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") {
		return nil, fmt.Errorf("unable to download '%s': Unsupported protocol (1)", u)
	}
	client := &http.Client{Timeout: 10 * time.Minute}
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("unable to download '%s': %v", u, err)
	}
	req.Header.Set("User-Agent", "curl/8 Nix/2.34.8")
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) {
			host := parsed.Host
			if parsed.Port() == "" {
				port := "80"
				if parsed.Scheme == "https" {
					port = "443"
				}
				host = net.JoinHostPort(parsed.Hostname(), port)
			}
			return nil, fmt.Errorf("unable to download '%s': Could not connect to server (7) Failed to connect to %s after 0 ms: Could not connect to server", u, host)
		}
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) {
			return nil, fmt.Errorf("unable to download '%s': Could not resolve hostname (6) Could not resolve host: %s", u, parsed.Hostname())
		}
		return nil, fmt.Errorf("unable to download '%s': %v", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("unable to download '%s': %v", u, err)
	}
	if resp.StatusCode >= 400 {
		msg := fmt.Sprintf("unable to download '%s': HTTP error %d", u, resp.StatusCode)
		if len(body) > 0 {
			msg += "\n\nresponse body:\n\n" + string(body)
		}
		return nil, errors.New(msg)
	}
	return body, nil
}

// The cache of whole downloads lives in $XDG_CACHE_HOME/cairn/downloads
// (default ~/.cache): a URL fetched less than the TTL ago (tarball-ttl)
// is not fetched again, as Nix reuses downloads. Without a usable cache
// directory, or with a TTL of 0, every fetch downloads.

// cachedDownload returns what the cache holds for u, if it is fresh.
func cachedDownload(u string, ttl time.Duration) ([]byte, bool) {
	file := downloadCacheFile(u)
	if file == "" || ttl <= 0 || strings.HasPrefix(u, "file://") {
		return nil, false
	}
	if fi, err := os.Stat(file); err == nil && time.Since(fi.ModTime()) < ttl {
		if data, err := os.ReadFile(file); err == nil {
			return data, true
		}
	}
	return nil, false
}

// rememberDownload keeps a download in the cache, written aside and
// renamed so that a reader never sees half of it; a cache that cannot be
// written only makes the next fetch slower.
func rememberDownload(u string, data []byte) {
	file := downloadCacheFile(u)
	if file == "" || strings.HasPrefix(u, "file://") || os.MkdirAll(filepath.Dir(file), 0o755) != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".tmp-")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	if cerr := tmp.Close(); werr == nil && cerr == nil {
		os.Rename(tmp.Name(), file)
	} else {
		os.Remove(tmp.Name())
	}
}

func downloadCacheFile(u string) string {
	dir := cairnCacheDir("downloads")
	if dir == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(u))
	return filepath.Join(dir, hex.EncodeToString(sum[:]))
}

// cairnCacheDir is Cairn's cache directory, $XDG_CACHE_HOME/cairn (default
// ~/.cache/cairn), with sub joined; "" without a home.
func cairnCacheDir(sub string) string {
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home := os.Getenv("HOME")
		if home == "" {
			return ""
		}
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "cairn", sub)
}
