package build

import (
	"bytes"
	"compress/bzip2"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/cairn-nix/cairn/storepath"
)

// tailLines is how many log lines a failure shows (Nix's log-lines).
const tailLines = 10

// logSink receives a builder's output: it keeps the log file, the last
// lines for error messages, and passes whole lines to the events.
type logSink struct {
	mu      sync.Mutex
	f       *os.File
	drv     storepath.StorePath
	ev      Events
	partial []byte
	last    []string
}

// LogPath is where the build log of drv is kept: NIX_LOG_DIR/drvs/ab/rest
// (Nix appends ".bz2" when it compresses; Cairn writes it plain, as Nix
// does with compress-build-log = false, and both are read back).
func LogPath(logDir string, drv storepath.StorePath) string {
	base := drv.String()
	return filepath.Join(logDir, "drvs", base[:2], base[2:])
}

func (b *Builder) openLog(drv storepath.StorePath) (*logSink, error) {
	p := LogPath(b.st.Config().LogDir, drv)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, fmt.Errorf("creating the log directory: %w", err)
	}
	os.Remove(p + ".bz2") // a stale compressed log would shadow this one
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening the build log: %w", err)
	}
	return &logSink{f: f, drv: drv, ev: b.opts.Events}, nil
}

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		l.f.Write(p)
	}
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.line(string(l.partial[:i]))
		l.partial = l.partial[i+1:]
	}
	return len(p), nil
}

// line handles one line; a carriage return keeps only what follows it,
// as a terminal would show it.
func (l *logSink) line(s string) {
	if i := strings.LastIndexByte(s, '\r'); i >= 0 {
		s = s[i+1:]
	}
	l.last = append(l.last, s)
	if len(l.last) > tailLines {
		l.last = l.last[len(l.last)-tailLines:]
	}
	l.ev.Log(l.drv, s)
}

// Printf adds a line of our own (from builtins) to the log.
func (l *logSink) Printf(format string, a ...any) {
	fmt.Fprintf(l, format+"\n", a...)
}

func (l *logSink) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.partial) > 0 {
		l.line(string(l.partial))
		l.partial = nil
	}
}

func (l *logSink) tail() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.last...)
}

func (l *logSink) close() {
	l.flush()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
}

// ReadLog returns the build log of drv, plain or bzip2-compressed.
func ReadLog(logDir string, drv storepath.StorePath) ([]byte, error) {
	p := LogPath(logDir, drv)
	if data, err := os.ReadFile(p); err == nil {
		return data, nil
	}
	data, err := os.ReadFile(p + ".bz2")
	if err != nil {
		return nil, err
	}
	return bunzip(data)
}

func bunzip(data []byte) ([]byte, error) {
	return io.ReadAll(bzip2.NewReader(bytes.NewReader(data)))
}
