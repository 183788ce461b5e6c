package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cairn-nix/cairn/narinfo"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// InvalidPathError is a query about a path the store does not hold.
type InvalidPathError struct{ Path string }

func (e *InvalidPathError) Error() string { return fmt.Sprintf("path '%s' is not valid", e.Path) }

var bg = context.Background()

// IsValid reports whether p is registered in the database.
func (s *Local) IsValid(p storepath.StorePath) (bool, error) {
	return s.isValid(s.db, p)
}

func (s *Local) isValid(q querier, p storepath.StorePath) (bool, error) {
	var id int64
	err := q.QueryRowContext(bg, "select id from ValidPaths where path = ?", s.dir.Print(p)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, s.dbErr("querying path validity", err)
	}
	return true, nil
}

func (s *Local) pathID(q querier, p storepath.StorePath) (int64, error) {
	var id int64
	err := q.QueryRowContext(bg, "select id from ValidPaths where path = ?", s.dir.Print(p)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, &InvalidPathError{s.dir.Print(p)}
	}
	if err != nil {
		return 0, s.dbErr("querying path validity", err)
	}
	return id, nil
}

func (s *Local) dbErr(what string, err error) error {
	return fmt.Errorf("%s in '%s': %w", what, s.dbDir+"/db.sqlite", err)
}

// PathInfo returns what the database knows about p, with its references
// sorted; an *InvalidPathError when p is not valid.
func (s *Local) PathInfo(p storepath.StorePath) (*narinfo.PathInfo, error) {
	return s.pathInfo(s.db, p)
}

func (s *Local) pathInfo(q querier, p storepath.StorePath) (*narinfo.PathInfo, error) {
	var (
		id                int64
		hash              string
		regTime           int64
		deriver, sigs, ca sql.NullString
		narSize, ultimate sql.NullInt64
	)
	err := q.QueryRowContext(bg, "select id, hash, registrationTime, deriver, narSize, ultimate, sigs, ca from ValidPaths where path = ?",
		s.dir.Print(p)).Scan(&id, &hash, &regTime, &deriver, &narSize, &ultimate, &sigs, &ca)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &InvalidPathError{s.dir.Print(p)}
	}
	if err != nil {
		return nil, s.dbErr("querying path info", err)
	}
	info := &narinfo.PathInfo{StorePath: p, RegistrationTime: regTime, NarSize: uint64(narSize.Int64), Ultimate: ultimate.Int64 == 1}
	info.NarHash, err = nixhash.ParseAnyPrefixed(hash)
	if err != nil {
		return nil, fmt.Errorf("invalid-path entry for '%s': %w", s.dir.Print(p), err)
	}
	if deriver.Valid && deriver.String != "" {
		if info.Deriver, err = s.dir.Parse(deriver.String); err != nil {
			return nil, fmt.Errorf("invalid deriver of '%s' in the database: %w", s.dir.Print(p), err)
		}
	}
	if sigs.Valid {
		for _, f := range strings.Fields(sigs.String) {
			sig, err := narinfo.ParseSignature(f)
			if err != nil {
				return nil, fmt.Errorf("invalid signature of '%s' in the database: %w", s.dir.Print(p), err)
			}
			info.Sigs = append(info.Sigs, sig)
		}
	}
	if ca.Valid && ca.String != "" {
		if info.CA, err = storepath.ParseContentAddress(ca.String); err != nil {
			return nil, fmt.Errorf("invalid content address of '%s' in the database: %w", s.dir.Print(p), err)
		}
	}
	info.References, err = s.pathList(q, "select path from Refs join ValidPaths on reference = id where referrer = ?", id)
	if err != nil {
		return nil, err
	}
	return info, nil
}

// pathList runs a query yielding full store paths and returns them sorted.
func (s *Local) pathList(q querier, query string, args ...any) ([]storepath.StorePath, error) {
	rows, err := q.QueryContext(bg, query, args...)
	if err != nil {
		return nil, s.dbErr("querying paths", err)
	}
	defer rows.Close()
	var out []storepath.StorePath
	for rows.Next() {
		var ps string
		if err := rows.Scan(&ps); err != nil {
			return nil, s.dbErr("querying paths", err)
		}
		p, err := s.dir.Parse(ps)
		if err != nil {
			return nil, fmt.Errorf("bad store path in the database: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbErr("querying paths", err)
	}
	slices.SortFunc(out, storepath.Compare)
	return slices.CompactFunc(out, func(a, b storepath.StorePath) bool { return a == b }), nil
}

// References returns the paths p refers to.
func (s *Local) References(p storepath.StorePath) ([]storepath.StorePath, error) {
	id, err := s.pathID(s.db, p)
	if err != nil {
		return nil, err
	}
	return s.pathList(s.db, "select path from Refs join ValidPaths on reference = id where referrer = ?", id)
}

// Referrers returns the valid paths that refer to p (p itself included
// when it refers to itself).
func (s *Local) Referrers(p storepath.StorePath) ([]storepath.StorePath, error) {
	return s.referrers(s.db, p)
}

func (s *Local) referrers(q querier, p storepath.StorePath) ([]storepath.StorePath, error) {
	return s.pathList(q, "select path from Refs join ValidPaths on referrer = id where reference = (select id from ValidPaths where path = ?)", s.dir.Print(p))
}

// ValidDerivers returns the valid derivations that list p as an output.
func (s *Local) ValidDerivers(p storepath.StorePath) ([]storepath.StorePath, error) {
	return s.pathList(s.db, "select v.path from DerivationOutputs d join ValidPaths v on d.drv = v.id where d.path = ?", s.dir.Print(p))
}

// DerivationOutputs returns the registered outputs of a valid derivation,
// by output name.
func (s *Local) DerivationOutputs(drv storepath.StorePath) (map[string]storepath.StorePath, error) {
	id, err := s.pathID(s.db, drv)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(bg, "select id, path from DerivationOutputs where drv = ?", id)
	if err != nil {
		return nil, s.dbErr("querying derivation outputs", err)
	}
	defer rows.Close()
	out := map[string]storepath.StorePath{}
	for rows.Next() {
		var name, ps string
		if err := rows.Scan(&name, &ps); err != nil {
			return nil, s.dbErr("querying derivation outputs", err)
		}
		p, err := s.dir.Parse(ps)
		if err != nil {
			return nil, fmt.Errorf("bad store path in the database: %w", err)
		}
		out[name] = p
	}
	return out, rows.Err()
}

// AllValid returns every valid path, sorted.
func (s *Local) AllValid() ([]storepath.StorePath, error) {
	return s.pathList(s.db, "select path from ValidPaths")
}

// PathFromHashPart finds the valid path whose hash part is h, if any.
func (s *Local) PathFromHashPart(h string) (storepath.StorePath, bool, error) {
	if len(h) != storepath.HashLen {
		return storepath.StorePath{}, false, fmt.Errorf("invalid hash part '%s'", h)
	}
	prefix := s.dir.Path() + "/" + h
	var ps string
	err := s.db.QueryRowContext(bg, "select path from ValidPaths where path >= ? limit 1", prefix).Scan(&ps)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !strings.HasPrefix(ps, prefix)) {
		return storepath.StorePath{}, false, nil
	}
	if err != nil {
		return storepath.StorePath{}, false, s.dbErr("querying path", err)
	}
	p, err := s.dir.Parse(ps)
	return p, err == nil, err
}

// Closure returns the closure of paths: everything they refer to,
// directly or not (with flip, everything referring to them). With
// includeOutputs the outputs of derivations in it are added (their
// closures too); with includeDerivers the derivers of paths in it.
// Like Nix's computeFSClosure it fails on an invalid starting path but
// skips invalid outputs and derivers.
func (s *Local) Closure(paths []storepath.StorePath, flip, includeOutputs, includeDerivers bool) ([]storepath.StorePath, error) {
	seen := map[storepath.StorePath]bool{}
	todo := append([]storepath.StorePath(nil), paths...)
	for len(todo) > 0 {
		p := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[p] {
			continue
		}
		seen[p] = true
		var next []storepath.StorePath
		var err error
		if flip {
			if next, err = s.Referrers(p); err != nil {
				return nil, err
			}
			if includeOutputs {
				ds, err := s.ValidDerivers(p)
				if err != nil {
					return nil, err
				}
				next = append(next, ds...)
			}
			if includeDerivers && p.IsDerivation() {
				outs, err := s.validOutputsOf(p, false)
				if err != nil {
					return nil, err
				}
				next = append(next, outs...)
			}
		} else {
			info, err := s.PathInfo(p)
			if err != nil {
				return nil, err
			}
			next = info.References
			if includeOutputs && p.IsDerivation() {
				outs, err := s.validOutputsOf(p, false)
				if err != nil {
					return nil, err
				}
				next = append(next, outs...)
			}
			if includeDerivers && !info.Deriver.IsZero() {
				if ok, err := s.IsValid(info.Deriver); err != nil {
					return nil, err
				} else if ok {
					next = append(next, info.Deriver)
				}
			}
		}
		for _, n := range next {
			if !seen[n] {
				todo = append(todo, n)
			}
		}
	}
	out := make([]storepath.StorePath, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	slices.SortFunc(out, storepath.Compare)
	return out, nil
}

// validOutputsOf returns the valid outputs of derivation drv; with
// ownDeriver only those whose recorded deriver is drv (as the GC wants).
func (s *Local) validOutputsOf(drv storepath.StorePath, ownDeriver bool) ([]storepath.StorePath, error) {
	outs, err := s.DerivationOutputs(drv)
	var inv *InvalidPathError
	if errors.As(err, &inv) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var res []storepath.StorePath
	for _, o := range outs {
		info, err := s.PathInfo(o)
		if errors.As(err, &inv) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if ownDeriver && info.Deriver != drv {
			continue
		}
		res = append(res, o)
	}
	return res, nil
}

// TopoSort orders paths so that a path comes before the paths it refers
// to (Nix's topoSortPaths), considering only references inside the set.
// Ties are broken by Nix's path order, so the result is deterministic.
func (s *Local) TopoSort(paths []storepath.StorePath) ([]storepath.StorePath, error) {
	refs := map[storepath.StorePath][]storepath.StorePath{}
	for _, p := range paths {
		r, err := s.References(p)
		if err != nil {
			return nil, err
		}
		refs[p] = r
	}
	return topoSort(paths, func(p storepath.StorePath) []storepath.StorePath { return refs[p] }, s.dir)
}

// topoSort is Nix's topoSort: a depth-first walk in path order that emits
// each path after the paths it refers to, then reversed; a cycle is an
// error.
func topoSort(paths []storepath.StorePath, edges func(storepath.StorePath) []storepath.StorePath, dir storepath.Dir) ([]storepath.StorePath, error) {
	set := map[storepath.StorePath]bool{}
	for _, p := range paths {
		set[p] = true
	}
	sorted := slices.Clone(paths)
	slices.SortFunc(sorted, storepath.Compare)
	sorted = slices.CompactFunc(sorted, func(a, b storepath.StorePath) bool { return a == b })
	visited := map[storepath.StorePath]bool{}
	parents := map[storepath.StorePath]bool{}
	var out []storepath.StorePath
	var visit func(p, parent storepath.StorePath) error
	visit = func(p, parent storepath.StorePath) error {
		if parents[p] {
			return fmt.Errorf("cycle detected in the references of '%s' from '%s'", dir.Print(p), dir.Print(parent))
		}
		if visited[p] {
			return nil
		}
		visited[p] = true
		parents[p] = true
		for _, r := range edges(p) {
			if r != p && set[r] {
				if err := visit(r, p); err != nil {
					return err
				}
			}
		}
		out = append(out, p)
		delete(parents, p)
		return nil
	}
	for _, p := range sorted {
		if err := visit(p, p); err != nil {
			return nil, err
		}
	}
	slices.Reverse(out)
	return out, nil
}
