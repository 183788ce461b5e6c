package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cairn-nix/cairn/build"
	"github.com/cairn-nix/cairn/storepath"
	"golang.org/x/sys/unix"
)

// newProgress returns the build events for a --log-format: "raw" (and
// the default off a terminal) prints plain lines, "internal-json" Nix's
// "@nix {...}" lines, "bar" a live display on a terminal. Build logs are
// printed with -L, or always in raw format as Nix's legacy commands do.
func newProgress(env *Env, format string, printLogs bool) (build.Events, error) {
	switch format {
	case "", "bar", "bar-with-logs", "multiline", "multiline-with-logs":
		if format == "" || !isTerminal(env.Stderr) {
			return &rawEvents{w: env.Stderr, logs: true}, nil
		}
		return newBar(env.Stderr, printLogs || strings.HasSuffix(format, "-with-logs")), nil
	case "raw", "raw-with-logs":
		return &rawEvents{w: env.Stderr, logs: true}, nil
	case "internal-json":
		return &jsonEvents{w: env.Stderr, ids: map[storepath.StorePath]uint64{}}, nil
	}
	return nil, &usageError{fmt.Sprintf("option 'log-format' has invalid value '%s'", format)}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// rawEvents prints "building '...'" and the builders' output as it comes.
type rawEvents struct {
	mu   sync.Mutex
	w    io.Writer
	logs bool
}

func (r *rawEvents) Planned(int) {}
func (r *rawEvents) Started(_ storepath.StorePath, name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.w, "building '%s'...\n", name)
}
func (r *rawEvents) Log(_ storepath.StorePath, line string) {
	if !r.logs {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintln(r.w, line)
}
func (r *rawEvents) Finished(storepath.StorePath, error) {}
func (r *rawEvents) Error(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintln(r.w, "error: "+strings.ReplaceAll(msg, "\n", "\n       "))
}

// jsonEvents writes Nix's internal-json log: one activity of type
// actBuilds (104) with resProgress results, and one actBuild (105) per
// derivation with its log lines as resBuildLogLine (101) results.
type jsonEvents struct {
	mu                    sync.Mutex
	w                     io.Writer
	next                  uint64
	ids                   map[storepath.StorePath]uint64
	buildsID              uint64
	done, running, failed int
	expected              int
}

const jsonIDBase = uint64(1) << 32 // Nix's ids are the pid shifted; any unique number will do

func (j *jsonEvents) write(m map[string]any) {
	data, _ := json.Marshal(m) // keys sorted, as nlohmann's std::map
	fmt.Fprintf(j.w, "@nix %s\n", data)
}

func (j *jsonEvents) Planned(n int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.next++
	j.buildsID = jsonIDBase + j.next
	j.expected = n
	j.write(map[string]any{"action": "start", "id": j.buildsID, "level": 0, "parent": 0, "text": "", "type": 104, "fields": []any{}})
	j.progress()
}

func (j *jsonEvents) progress() {
	j.write(map[string]any{"action": "result", "id": j.buildsID, "type": 105, "fields": []any{j.done, j.expected, j.running, j.failed}})
}

func (j *jsonEvents) Started(drv storepath.StorePath, name string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.next++
	id := jsonIDBase + j.next
	j.ids[drv] = id
	j.running++
	j.write(map[string]any{"action": "start", "id": id, "level": 3, "parent": 0, "text": fmt.Sprintf("building '%s'", name),
		"type": 105, "fields": []any{name, "", 1, 1}})
	j.progress()
}

func (j *jsonEvents) Log(drv storepath.StorePath, line string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.write(map[string]any{"action": "result", "id": j.ids[drv], "type": 101, "fields": []any{line}})
}

func (j *jsonEvents) Finished(drv storepath.StorePath, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.write(map[string]any{"action": "stop", "id": j.ids[drv]})
	j.running--
	if err != nil {
		j.failed++
	} else {
		j.done++
	}
	j.progress()
}

func (j *jsonEvents) Error(msg string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.write(map[string]any{"action": "msg", "level": 0, "msg": "error: " + msg})
}

func (j *jsonEvents) stop() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.buildsID != 0 {
		j.write(map[string]any{"action": "stop", "id": j.buildsID})
	}
}

// bar is the live display on a terminal: one line per running build with
// its last log line, and a summary line (done/total, elapsed), redrawn
// in place ten times a second.
type bar struct {
	mu       sync.Mutex
	w        io.Writer
	logs     bool
	start    time.Time
	total    int
	done     int
	failed   int
	running  map[storepath.StorePath]*barItem
	drawn    int // lines drawn last time
	quit     chan struct{}
	finished chan struct{}
}

type barItem struct {
	name, last string
	since      time.Time
}

func newBar(w io.Writer, logs bool) *bar {
	b := &bar{w: w, logs: logs, start: time.Now(), running: map[storepath.StorePath]*barItem{},
		quit: make(chan struct{}), finished: make(chan struct{})}
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		defer close(b.finished)
		for {
			select {
			case <-t.C:
				b.mu.Lock()
				b.redraw()
				b.mu.Unlock()
			case <-b.quit:
				b.mu.Lock()
				b.clear()
				b.mu.Unlock()
				return
			}
		}
	}()
	return b
}

// clear erases what was drawn, leaving the cursor where it started.
func (b *bar) clear() {
	for i := 0; i < b.drawn; i++ {
		io.WriteString(b.w, "\x1b[1A\x1b[2K")
	}
	b.drawn = 0
}

func (b *bar) redraw() {
	b.clear()
	var items []*barItem
	for _, it := range b.running {
		items = append(items, it)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].since.Before(items[j].since) })
	var sb strings.Builder
	for _, it := range items {
		line := fmt.Sprintf("building %s", it.name)
		if it.last != "" {
			line += ": " + it.last
		}
		if len(line) > 120 {
			line = line[:120]
		}
		sb.WriteString(line + "\n")
		b.drawn++
	}
	fmt.Fprintf(&sb, "[%d/%d built, %d running, %d failed, %s]\n", b.done, b.total, len(b.running), b.failed, time.Since(b.start).Round(time.Second))
	b.drawn++
	io.WriteString(b.w, sb.String())
}

func (b *bar) Planned(n int) { b.mu.Lock(); b.total = n; b.mu.Unlock() }
func (b *bar) Started(drv storepath.StorePath, name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.running[drv] = &barItem{name: drv.Name(), since: time.Now()}
}
func (b *bar) Log(drv storepath.StorePath, line string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if it, ok := b.running[drv]; ok {
		it.last = line
	}
	if b.logs {
		b.clear()
		fmt.Fprintf(b.w, "%s> %s\n", strings.TrimSuffix(drv.Name(), ".drv"), line)
	}
}
func (b *bar) Finished(drv storepath.StorePath, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.running, drv)
	if err != nil {
		b.failed++
	} else {
		b.done++
	}
}
func (b *bar) Error(msg string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.clear()
	fmt.Fprintln(b.w, "error: "+strings.ReplaceAll(msg, "\n", "\n       "))
}
func (b *bar) stop() {
	close(b.quit)
	<-b.finished
}
