package evalstore

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
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
