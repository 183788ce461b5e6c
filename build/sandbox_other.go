//go:build !linux

package build

import "errors"

func sandboxAvailable() error { return errors.New("sandboxing is only implemented on Linux") }

func (b *Builder) runSandboxed(j *job) error { return sandboxAvailable() }
