package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Old profile generations, for nix-collect-garbage -d. A profile "p" is
// a symlink to "p-N-link", itself a symlink into the store; the other
// "p-M-link" are its older (or newer) generations.

// removeOldGenerations cleans every profile under dir (recursively): a
// symlink whose target mentions "link" is a profile.
func removeOldGenerations(env *Env, dir, olderThan string, dryRun bool) error {
	if syscall.Access(dir, 4 /* R_OK */) != nil {
		return nil
	}
	canWrite := syscall.Access(dir, 2 /* W_OK */) == nil
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		switch {
		case e.Type()&os.ModeSymlink != 0 && canWrite:
			t, err := os.Readlink(p)
			if err != nil || !strings.Contains(t, "link") {
				continue
			}
			fmt.Fprintf(env.Stderr, "removing old generations of profile %s\n", p)
			if err := deleteGenerations(env, p, olderThan, dryRun); err != nil {
				return err
			}
		case e.IsDir():
			if err := removeOldGenerations(env, p, olderThan, dryRun); err != nil {
				return err
			}
		}
	}
	return nil
}

type generation struct {
	number  int
	created time.Time
}

// deleteGenerations deletes a profile's generations other than the
// current one; with olderThan ("14d"), only those older than that,
// keeping the newest of them (it was current at that time).
func deleteGenerations(env *Env, profile, olderThan string, dryRun bool) error {
	var cutoff time.Time
	if olderThan != "" {
		days, err := strconv.Atoi(strings.TrimSuffix(olderThan, "d"))
		if !strings.HasSuffix(olderThan, "d") || err != nil {
			return &usageError{fmt.Sprintf("invalid number of days specifier '%s', expected something like '14d'", olderThan)}
		}
		cutoff = time.Now().Add(-time.Duration(days) * 24 * time.Hour)
	}
	dir, base := filepath.Split(profile)
	re := regexp.MustCompile("^" + regexp.QuoteMeta(base) + `-([0-9]+)-link$`)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("reading directory '%s': %w", dir, err)
	}
	var gens []generation
	for _, e := range entries {
		m := re.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		n, err := strconv.Atoi(m[1])
		if err != nil {
			continue
		}
		fi, err := os.Lstat(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		gens = append(gens, generation{n, fi.ModTime()})
	}
	sort.Slice(gens, func(i, j int) bool { return gens[i].number < gens[j].number })
	cur := -1
	if t, err := os.Readlink(profile); err == nil {
		if m := re.FindStringSubmatch(filepath.Base(t)); m != nil {
			cur, _ = strconv.Atoi(m[1])
		}
	}
	start := len(gens) - 1
	if olderThan != "" {
		start = -1
		for i := len(gens) - 1; i >= 0; i-- {
			if gens[i].created.Before(cutoff) {
				start = i - 1 // keep the newest generation older than the cutoff
				break
			}
		}
	}
	for i := start; i >= 0; i-- {
		g := gens[i]
		if g.number == cur {
			continue
		}
		if dryRun {
			fmt.Fprintf(env.Stderr, "would remove profile version %d\n", g.number)
			continue
		}
		fmt.Fprintf(env.Stderr, "removing profile version %d\n", g.number)
		if err := os.Remove(filepath.Join(dir, fmt.Sprintf("%s-%d-link", base, g.number))); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("removing generation %d of profile '%s': %w", g.number, profile, err)
		}
	}
	return nil
}
