package sqlitestore

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// sqliteMagic opens every SQLite database file.
const sqliteMagic = "SQLite format 3\x00"

// check looks at the locked file f, at path, before anything writes to it: an empty file is
// new, anything else must be a sound database of the wallet mock's schema. It opens the
// database read-only, so a refused file keeps every byte.
func check(path string, f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() == 0 {
		return nil
	}
	header := make([]byte, 100)
	if _, err := f.ReadAt(header, 0); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("not a SQLite database (%d bytes, shorter than a SQLite header): a damaged file, or another kind of file", fi.Size())
		}
		return err
	}
	if !bytes.HasPrefix(header, []byte(sqliteMagic)) {
		return errors.New("not a SQLite database (no SQLite header): a damaged file, or another kind of file")
	}
	db, err := sql.Open("sqlite", dsn(path, "busy_timeout(5000)", "query_only(1)")+"&mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var version int
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("damaged: %w", err)
	}
	var ok string
	if err := db.QueryRow("PRAGMA quick_check(1)").Scan(&ok); err != nil {
		return fmt.Errorf("damaged: %w", err)
	}
	if ok != "ok" {
		return fmt.Errorf("damaged: SQLite's integrity check says %q", ok)
	}
	var names []string
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	if err != nil {
		return fmt.Errorf("damaged: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return fmt.Errorf("damaged: %w", err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("damaged: %w", err)
	}
	switch {
	case len(names) == 0 && version == 0:
		return nil // an empty database: the mock makes it its own
	case readableSchema(version) && slices.Equal(names, tables):
		return nil
	case version != 0 && slices.Equal(names, tables):
		return fmt.Errorf("written by another version of the wallet mock (schema %d, want %d): use a new file", version, schemaVersion)
	}
	return fmt.Errorf("another program's SQLite database, not the wallet mock's (tables %s, user_version %d): use a new file",
		strings.Join(names, ", "), version)
}
