package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// schemaVersion is Nix's nixSchemaVersion; db/schema holds it.
const schemaVersion = 10

// schemaSQL is Nix's schema.sql, statement for statement, so a database
// Cairn creates is the one Nix would create.
const schemaSQL = `
create table if not exists ValidPaths (
    id               integer primary key autoincrement not null,
    path             text unique not null,
    hash             text not null, -- base16 representation
    registrationTime integer not null,
    deriver          text,
    narSize          integer,
    ultimate         integer, -- null implies "false"
    sigs             text, -- space-separated
    ca               text -- if not null, an assertion that the path is content-addressed; see ValidPathInfo
);

create table if not exists Refs (
    referrer  integer not null,
    reference integer not null,
    primary key (referrer, reference),
    foreign key (referrer) references ValidPaths(id) on delete cascade,
    foreign key (reference) references ValidPaths(id) on delete restrict
);

create index if not exists IndexReferrer on Refs(referrer);
create index if not exists IndexReference on Refs(reference);

create trigger if not exists DeleteSelfRefs before delete on ValidPaths
  begin
    delete from Refs where referrer = old.id and reference = old.id;
  end;

create table if not exists DerivationOutputs (
    drv  integer not null,
    id   text not null, -- symbolic output id, usually "out"
    path text not null,
    primary key (drv, id),
    foreign key (drv) references ValidPaths(id) on delete cascade
);

create index if not exists IndexDerivationOutputs on DerivationOutputs(path);
`

// caMigration is Nix's ca-specific-schema.sql, applied as the migration
// Nix names "20220326-ca-derivations" (recorded in SchemaMigrations, so
// Nix with ca-derivations enabled does not run it again).
const caMigrationName = "20220326-ca-derivations"

const caMigrationSQL = `
create table if not exists Realisations (
    id integer primary key autoincrement not null,
    drvPath text not null,
    outputName text not null, -- symbolic output id, usually "out"
    outputPath integer not null,
    signatures text, -- space-separated list
    foreign key (outputPath) references ValidPaths(id) on delete cascade
);

create index if not exists IndexRealisations on Realisations(drvPath, outputName);

create trigger if not exists DeleteSelfRefsViaRealisations before delete on ValidPaths
  begin
    delete from RealisationsRefs where realisationReference in (
      select id from Realisations where outputPath = old.id
    );
  end;

create table if not exists RealisationsRefs (
    referrer integer not null,
    realisationReference integer,
    foreign key (referrer) references Realisations(id) on delete cascade,
    foreign key (realisationReference) references Realisations(id) on delete restrict
);
create index if not exists IndexRealisationsRefsRealisationReference on RealisationsRefs(realisationReference);
create index if not exists IndexRealisationsRefs on RealisationsRefs(referrer);
create index if not exists IndexRealisationsRefsOnOutputPath on Realisations(outputPath);
`

// querier is what both *sql.DB and *sql.Tx offer; queries take one so the
// same code runs inside and outside a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// readSchema returns the version in db/schema, 0 when the file is absent.
func readSchema(path string) (int, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading '%s': %w", path, err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return 0, fmt.Errorf("'%s' is corrupt", path)
	}
	return n, nil
}

// openDB opens (and with create, initialises) db.sqlite the way Nix does:
// WAL journal, synchronous=normal, foreign keys on, and a long busy
// timeout, since another process (Nix or Cairn) may hold the write lock.
func openDB(dbDir string, create, readOnly bool) (*sql.DB, error) {
	path := filepath.Join(dbDir, "db.sqlite")
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(3600000)")
	q.Set("_txlock", "immediate")
	mode := "rw"
	switch {
	case readOnly:
		mode = "ro"
	case create:
		mode = "rwc"
	}
	q.Set("mode", mode)
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("cannot open SQLite database '%s': %w", path, err)
	}
	// One connection: statements of one process are serialised, as Nix
	// serialises them under its state lock; other processes are kept out
	// by SQLite's own file locks.
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	ctx := context.Background()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot open SQLite database '%s': %w", path, err)
	}
	if !readOnly {
		var prev string
		if err := db.QueryRowContext(ctx, "pragma main.journal_mode").Scan(&prev); err != nil {
			db.Close()
			return nil, fmt.Errorf("querying journal mode of '%s': %w", path, err)
		}
		if prev != "wal" {
			if _, err := db.ExecContext(ctx, "pragma main.journal_mode = wal"); err != nil {
				db.Close()
				return nil, fmt.Errorf("setting journal mode of '%s': %w", path, err)
			}
		}
		for _, p := range []string{"pragma synchronous = normal", "pragma main.journal_size_limit = 1099511627776", "pragma wal_autocheckpoint = 40000"} {
			if _, err := db.ExecContext(ctx, p); err != nil {
				db.Close()
				return nil, fmt.Errorf("configuring '%s' (%s): %w", path, p, err)
			}
		}
	}
	if create {
		if _, err := db.ExecContext(ctx, schemaSQL); err != nil {
			db.Close()
			return nil, fmt.Errorf("creating the schema of '%s': %w", path, err)
		}
	}
	return db, nil
}

// migrate applies the schema migrations Nix tracks in SchemaMigrations.
func migrate(db *sql.DB) error {
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "create table if not exists SchemaMigrations (migration text primary key not null);"); err != nil {
		return fmt.Errorf("creating SchemaMigrations: %w", err)
	}
	var n int
	if err := db.QueryRowContext(ctx, "select count(*) from SchemaMigrations where migration = ?", caMigrationName).Scan(&n); err != nil {
		return fmt.Errorf("reading SchemaMigrations: %w", err)
	}
	if n > 0 {
		return nil
	}
	return withTx(db, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, caMigrationSQL); err != nil {
			return fmt.Errorf("schema migration '%s': %w", caMigrationName, err)
		}
		_, err := tx.ExecContext(ctx, "insert into SchemaMigrations values(?)", caMigrationName)
		return err
	})
}

// withTx runs f in a write transaction, committing when f succeeds and
// rolling back otherwise. A busy database is retried, as Nix's retrySQLite
// does, though the busy timeout makes that rare.
func withTx(db *sql.DB, f func(tx *sql.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := func() error {
			tx, err := db.BeginTx(context.Background(), nil)
			if err != nil {
				return err
			}
			if err := f(tx); err != nil {
				tx.Rollback()
				return err
			}
			return tx.Commit()
		}()
		if err != nil && isBusy(err) && attempt < 100 {
			time.Sleep(time.Duration(10+attempt*10) * time.Millisecond)
			continue
		}
		return err
	}
}

func isBusy(err error) bool {
	s := err.Error()
	return strings.Contains(s, "SQLITE_BUSY") || strings.Contains(s, "database is locked") || strings.Contains(s, "SQLITE_PROTOCOL")
}
