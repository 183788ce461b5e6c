package store

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/cairn-nix/cairn/storepath"
)

// Local is an open local store.
type Local struct {
	cfg Config
	dir storepath.Dir
	db  *sql.DB

	dbDir, schemaPath, reservedPath, linksDir, tempRootsDir string

	bigLock *os.File // shared while open, so no schema upgrade runs under us

	mu        sync.Mutex
	tempRoots *os.File // this process's temporary roots file, once created
	gcLock    *os.File // gc.lock, once opened for temporary roots
	gcConn    *gcClient
}

// Open opens the store the settings name (the `store` setting, from
// nix.conf or NIX_REMOTE), as `nix-store` does without --store.
func Open(s Settings) (*Local, error) {
	c, err := ParseURI(s.Store, s)
	if err != nil {
		return nil, err
	}
	return OpenConfig(c)
}

// OpenURI opens the store at uri with the given settings.
func OpenURI(uri string, s Settings) (*Local, error) {
	c, err := ParseURI(uri, s)
	if err != nil {
		return nil, err
	}
	return OpenConfig(c)
}

// OpenConfig opens a local store, creating its directories and database
// if needed, as Nix's LocalStore constructor does.
func OpenConfig(c Config) (*Local, error) {
	dir, err := storepath.NewDir(c.StoreDir)
	if err != nil {
		return nil, err
	}
	s := &Local{
		cfg:          c,
		dir:          dir,
		dbDir:        filepath.Join(c.StateDir, "db"),
		linksDir:     filepath.Join(c.RealStoreDir, ".links"),
		tempRootsDir: filepath.Join(c.StateDir, "temproots"),
	}
	s.schemaPath = filepath.Join(s.dbDir, "schema")
	s.reservedPath = filepath.Join(s.dbDir, "reserved")
	if c.ReadOnly {
		return s, s.openReadOnly()
	}
	for _, d := range []string{c.RealStoreDir, s.linksDir, filepath.Join(c.StateDir, "profiles"),
		s.tempRootsDir, s.dbDir, filepath.Join(c.StateDir, "gcroots")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("creating store directory: %w", err)
		}
	}
	for _, d := range []string{filepath.Join(c.StateDir, "profiles", "per-user"), filepath.Join(c.StateDir, "gcroots", "per-user")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("creating store directory: %w", err)
		}
	}
	s.reserveSpace()
	s.bigLock, err = openLockFile(filepath.Join(s.dbDir, "big-lock"), true)
	if err != nil {
		return nil, err
	}
	if _, err := lockFile(s.bigLock, lockRead, true); err != nil {
		s.bigLock.Close()
		return nil, err
	}
	if err := s.openDatabase(); err != nil {
		s.bigLock.Close()
		return nil, err
	}
	return s, nil
}

func (s *Local) openDatabase() error {
	cur, err := readSchema(s.schemaPath)
	if err != nil {
		return err
	}
	switch {
	case cur > schemaVersion:
		return fmt.Errorf("current Nix store schema is version %d, but I only support %d", cur, schemaVersion)
	case cur == 0:
		s.db, err = openDB(s.dbDir, true, false)
		if err != nil {
			return err
		}
		if err := writeFileSync(s.schemaPath, fmt.Sprint(schemaVersion), 0o666); err != nil {
			s.db.Close()
			return err
		}
	case cur < schemaVersion:
		// Nix upgrades schemas older than 10 itself; we leave that to it.
		return fmt.Errorf("the Nix store database at '%s' has schema version %d; run a Nix command once to upgrade it to %d", s.dbDir, cur, schemaVersion)
	default:
		s.db, err = openDB(s.dbDir, false, false)
		if err != nil {
			return err
		}
	}
	if err := migrate(s.db); err != nil {
		s.db.Close()
		return err
	}
	return nil
}

func (s *Local) openReadOnly() error {
	cur, err := readSchema(s.schemaPath)
	if err != nil {
		return err
	}
	if cur == 0 {
		return errors.New("database does not exist, and cannot be created in read-only mode")
	}
	if cur < schemaVersion {
		return errors.New("database schema needs migrating, but this cannot be done in read-only mode")
	}
	s.db, err = openDB(s.dbDir, false, true)
	return err
}

// reserveSpace keeps db/reserved at gc-reserved-space bytes, so that the
// GC can free it first when the disk is full. Errors do not matter.
func (s *Local) reserveSpace() {
	st, err := os.Stat(s.reservedPath)
	if err == nil && st.Size() == s.cfg.ReservedSize {
		return
	}
	f, err := os.OpenFile(s.reservedPath, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return
	}
	f.Truncate(s.cfg.ReservedSize)
	f.Close()
}

// Close releases the database, the locks and this process's temporary
// roots (which end with the process in any case).
func (s *Local) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	if s.gcConn != nil {
		s.gcConn.close()
		s.gcConn = nil
	}
	if s.tempRoots != nil {
		os.Remove(s.tempRoots.Name())
		s.tempRoots.Close()
		s.tempRoots = nil
	}
	if s.gcLock != nil {
		s.gcLock.Close()
		s.gcLock = nil
	}
	if s.db != nil {
		err = s.db.Close()
		s.db = nil
	}
	if s.bigLock != nil {
		s.bigLock.Close()
		s.bigLock = nil
	}
	return err
}

// Dir returns the (logical) store directory.
func (s *Local) Dir() storepath.Dir { return s.dir }

// Config returns the configuration the store was opened with.
func (s *Local) Config() Config { return s.cfg }

// RealPath returns where p is on disk.
func (s *Local) RealPath(p storepath.StorePath) string {
	return filepath.Join(s.cfg.RealStoreDir, p.String())
}

// RealStoreDir is where the store's objects are on disk (its logical
// directory but for a chroot store).
func (s *Local) RealStoreDir() string { return s.cfg.RealStoreDir }

// PrintPath returns the full (logical) path of p.
func (s *Local) PrintPath(p storepath.StorePath) string { return s.dir.Print(p) }

// ParsePath parses a full store path in this store.
func (s *Local) ParsePath(p string) (storepath.StorePath, error) { return s.dir.Parse(p) }

// writeFileSync writes a small file and syncs it, as Nix writes db/schema.
func writeFileSync(path, data string, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return fmt.Errorf("writing '%s': %w", path, err)
	}
	if _, err := f.WriteString(data); err != nil {
		f.Close()
		return fmt.Errorf("writing '%s': %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("writing '%s': %w", path, err)
	}
	return f.Close()
}
