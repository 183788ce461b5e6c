package build

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-nix/cairn/nar"
)

// runBuiltin runs a builder built into Cairn, in this process: its
// output is checked against its declared hash like any other fixed
// output, so no sandbox is needed.
func (b *Builder) runBuiltin(j *job) error {
	switch j.g.drv.Builder {
	case "builtin:fetchurl":
		return b.builtinFetchurl(j)
	}
	return fmt.Errorf("unsupported builtin builder '%s'", j.g.drv.Builder)
}

// builtinFetchurl downloads env.url to the output (as Nix's builtin
// fetchurl): "unpack" = "1" means the download is a NAR to restore, and
// "executable" = "1" makes the file executable.
func (b *Builder) builtinFetchurl(j *job) error {
	drv := j.g.drv
	if _, ok := drv.Outputs["out"]; !ok {
		return fmt.Errorf("'builtin:fetchurl' requires an 'out' output")
	}
	if !j.g.typ.IsFixed() {
		return fmt.Errorf("'builtin:fetchurl' must be a fixed-output or impure derivation")
	}
	url, ok := drv.Env["url"]
	if !ok {
		return fmt.Errorf("'builtin:fetchurl' requires the attribute 'url'")
	}
	dst := b.outputLocation(j, "out")
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	j.log.Printf("downloading '%s'...", url)
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return fmt.Errorf("unable to download '%s': unsupported URL scheme", url)
	}
	resp, err := http.Get(url)
	if err != nil {
		return fmt.Errorf("unable to download '%s': %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unable to download '%s': HTTP error %d", url, resp.StatusCode)
	}
	if drv.Env["unpack"] == "1" {
		if err := nar.Restore(resp.Body, dst); err != nil {
			return fmt.Errorf("unpacking '%s': %w", url, err)
		}
		return nil
	}
	mode := os.FileMode(0o644)
	if drv.Env["executable"] == "1" {
		mode = 0o755
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return fmt.Errorf("unable to download '%s': %v", url, err)
	}
	return f.Close()
}
