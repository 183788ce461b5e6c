package store

import (
	"database/sql"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/cairn-nix/cairn/derivation"
	"github.com/cairn-nix/cairn/narinfo"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// PathInUseError is a refusal to invalidate a path that valid paths
// still refer to.
type PathInUseError struct{ Msg string }

func (e *PathInUseError) Error() string { return e.Msg }

// RegisterValidPaths records infos as valid, in one transaction: rows in
// ValidPaths (updated when already there), Refs, and DerivationOutputs
// for derivations. Every reference must be valid or among infos, and the
// references must not form a cycle. The objects must already be in place
// on disk; registering is the last step of adding them.
func (s *Local) RegisterValidPaths(infos []*narinfo.PathInfo) error {
	if s.cfg.ReadOnly {
		return fmt.Errorf("cannot register paths in a read-only store")
	}
	return withTx(s.db, func(tx *sql.Tx) error { return s.registerTx(tx, infos) })
}

func (s *Local) registerTx(tx *sql.Tx, infos []*narinfo.PathInfo) error {
	byPath := map[storepath.StorePath]*narinfo.PathInfo{}
	var paths []storepath.StorePath
	for _, info := range infos {
		if info.NarHash.Algo() != nixhash.SHA256 {
			return fmt.Errorf("cannot register '%s': its NAR hash must be sha256", s.dir.Print(info.StorePath))
		}
		valid, err := s.isValid(tx, info.StorePath)
		if err != nil {
			return err
		}
		if valid {
			err = s.updatePathInfo(tx, info)
		} else {
			err = s.addValidPath(tx, info)
		}
		if err != nil {
			return err
		}
		if _, dup := byPath[info.StorePath]; !dup {
			paths = append(paths, info.StorePath)
		}
		byPath[info.StorePath] = info
	}
	for _, p := range paths {
		referrer, err := s.pathID(tx, p)
		if err != nil {
			return err
		}
		for _, r := range byPath[p].References {
			ref, err := s.pathID(tx, r)
			if err != nil {
				return fmt.Errorf("cannot register '%s': its reference '%s' is not valid", s.dir.Print(p), s.dir.Print(r))
			}
			if _, err := tx.ExecContext(bg, "insert or replace into Refs (referrer, reference) values (?, ?)", referrer, ref); err != nil {
				return s.dbErr("adding a reference", err)
			}
		}
	}
	_, err := topoSort(paths, func(p storepath.StorePath) []storepath.StorePath { return byPath[p].References }, s.dir)
	return err
}

// nullable gives SQL NULL for the zero value, as Nix binds optional fields.
func nullable[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}

func sigsText(sigs []narinfo.Signature) string {
	ss := make([]string, len(sigs))
	for i, sig := range sigs {
		ss[i] = sig.String()
	}
	sort.Strings(ss)
	return strings.Join(ss, " ")
}

func caText(ca storepath.ContentAddress) string {
	if ca.IsZero() {
		return ""
	}
	return ca.String()
}

func (s *Local) addValidPath(tx *sql.Tx, info *narinfo.PathInfo) error {
	if !info.CA.IsZero() && !info.IsContentAddressed(s.dir) {
		return fmt.Errorf("cannot add path '%s' to the Nix store because it claims to be content-addressed but isn't", s.dir.Print(info.StorePath))
	}
	regTime := info.RegistrationTime
	if regTime == 0 {
		regTime = time.Now().Unix()
	}
	deriver := ""
	if !info.Deriver.IsZero() {
		deriver = s.dir.Print(info.Deriver)
	}
	var ultimate any
	if info.Ultimate {
		ultimate = 1
	}
	res, err := tx.ExecContext(bg, "insert into ValidPaths (path, hash, registrationTime, deriver, narSize, ultimate, sigs, ca) values (?, ?, ?, ?, ?, ?, ?, ?)",
		s.dir.Print(info.StorePath), info.NarHash.Format(nixhash.Base16, true), regTime, nullable(deriver),
		nullable(int64(info.NarSize)), ultimate, nullable(sigsText(info.Sigs)), nullable(caText(info.CA)))
	if err != nil {
		return s.dbErr(fmt.Sprintf("registering '%s'", s.dir.Print(info.StorePath)), err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return s.dbErr("registering a path", err)
	}
	if info.StorePath.IsDerivation() {
		return s.registerDrvOutputs(tx, id, info.StorePath)
	}
	return nil
}

// registerDrvOutputs reads a derivation being registered, checks that its
// output paths are the ones it should have (so a bad .drv is never
// registered), and records its known outputs in DerivationOutputs, which
// the GC uses to find outputs without reading .drv files.
func (s *Local) registerDrvOutputs(tx *sql.Tx, id int64, drvPath storepath.StorePath) error {
	drv, err := s.readDerivationFile(drvPath)
	if err != nil {
		return err
	}
	h := &derivation.Hasher{Dir: s.dir, Read: s.readDerivationFile}
	if err := h.CheckInvariants(drv); err != nil {
		return fmt.Errorf("derivation '%s': %w", s.dir.Print(drvPath), err)
	}
	for _, name := range drv.OutputNames() {
		p, ok, err := drv.OutputPath(s.dir, name)
		if err != nil {
			return fmt.Errorf("derivation '%s': %w", s.dir.Print(drvPath), err)
		}
		if !ok {
			continue // floating outputs have no path until built
		}
		if _, err := tx.ExecContext(bg, "insert or replace into DerivationOutputs (drv, id, path) values (?, ?, ?)", id, name, s.dir.Print(p)); err != nil {
			return s.dbErr("registering derivation outputs", err)
		}
	}
	return nil
}

// ReadDerivation reads and parses the .drv file at drvPath, valid or not.
func (s *Local) ReadDerivation(drvPath storepath.StorePath) (*derivation.Derivation, error) {
	return s.readDerivationFile(drvPath)
}

func (s *Local) readDerivationFile(drvPath storepath.StorePath) (*derivation.Derivation, error) {
	data, err := os.ReadFile(s.RealPath(drvPath))
	if err != nil {
		return nil, fmt.Errorf("reading derivation '%s': %w", s.dir.Print(drvPath), err)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("error parsing derivation '%s': file is empty (possible filesystem corruption)", s.dir.Print(drvPath))
	}
	name := strings.TrimSuffix(drvPath.Name(), storepath.DrvExtension)
	d, err := derivation.ParseInStore(data, name, s.dir)
	if err != nil {
		return nil, fmt.Errorf("error parsing derivation '%s': %w", s.dir.Print(drvPath), err)
	}
	return d, nil
}

func (s *Local) updatePathInfo(tx *sql.Tx, info *narinfo.PathInfo) error {
	var ultimate any
	if info.Ultimate {
		ultimate = 1
	}
	_, err := tx.ExecContext(bg, "update ValidPaths set narSize = ?, hash = ?, ultimate = ?, sigs = ?, ca = ? where path = ?",
		nullable(int64(info.NarSize)), info.NarHash.Format(nixhash.Base16, true), ultimate,
		nullable(sigsText(info.Sigs)), nullable(caText(info.CA)), s.dir.Print(info.StorePath))
	if err != nil {
		return s.dbErr(fmt.Sprintf("updating '%s'", s.dir.Print(info.StorePath)), err)
	}
	return nil
}

// UpdatePathInfo rewrites the NAR hash, size, signatures and content
// address of a valid path (as verify does when it fills in missing data).
func (s *Local) UpdatePathInfo(info *narinfo.PathInfo) error {
	return withTx(s.db, func(tx *sql.Tx) error { return s.updatePathInfo(tx, info) })
}

// RegisterDerivationOutput records that output name of derivation drv is
// path out (both must be valid), as a build does once an output exists.
func (s *Local) RegisterDerivationOutput(drv storepath.StorePath, name string, out storepath.StorePath) error {
	return withTx(s.db, func(tx *sql.Tx) error {
		id, err := s.pathID(tx, drv)
		if err != nil {
			return err
		}
		if _, err := s.pathID(tx, out); err != nil {
			return err
		}
		_, err = tx.ExecContext(bg, "insert or replace into DerivationOutputs (drv, id, path) values (?, ?, ?)", id, name, s.dir.Print(out))
		if err != nil {
			return s.dbErr("registering a derivation output", err)
		}
		return nil
	})
}

// invalidate removes p from the database unless valid paths other than
// p itself refer to it; Refs and DerivationOutputs rows go with it.
func (s *Local) invalidate(p storepath.StorePath) error {
	return withTx(s.db, func(tx *sql.Tx) error {
		valid, err := s.isValid(tx, p)
		if err != nil || !valid {
			return err
		}
		refs, err := s.referrers(tx, p)
		if err != nil {
			return err
		}
		var others []string
		for _, r := range refs {
			if r != p {
				others = append(others, "'"+s.dir.Print(r)+"'")
			}
		}
		if len(others) > 0 {
			return &PathInUseError{fmt.Sprintf("cannot delete path '%s' because it is in use by %s", s.dir.Print(p), strings.Join(others, ", "))}
		}
		if _, err := tx.ExecContext(bg, "delete from ValidPaths where path = ?", s.dir.Print(p)); err != nil {
			return s.dbErr(fmt.Sprintf("invalidating '%s'", s.dir.Print(p)), err)
		}
		return nil
	})
}
