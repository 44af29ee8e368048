package roster

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/db"
)

// flagDuplicates marks the rows of an import that repeat a person already in
// the breach (an earlier import or an earlier row of the same file): same
// email, or else same folded name and address. The row is kept, flagged for
// review and pointed at the first person with that key, so nothing is lost
// and nothing is counted twice. The work is set-based, not one lookup per
// row: one aggregation per key collects the keys more than one person of
// the breach shares (into a temporary table), and only when there are any
// are the import's rows that carry them rewritten, each pointed at the
// first person with the same email or, failing that, the same name and
// address. A roster without duplicates costs the aggregations alone.
func flagDuplicates(ctx context.Context, tx *gorm.DB, breachID, importID int64) (int64, error) {
	tx = tx.WithContext(ctx)
	// The aggregations hash a million keys: give them the memory to do it
	// without spilling, and skip compiling expressions for one pass.
	for _, set := range [][2]string{{"work_mem", "'64MB'"}, {"jit", "off"}} {
		if err := db.SetLocal(ctx, tx, set[0], set[1]); err != nil {
			return 0, fmt.Errorf("flag duplicates: %w", err)
		}
	}
	shared, drop, err := collectSharedKeys(ctx, tx, breachID, importID)
	defer drop()
	if err != nil || shared == 0 {
		return 0, err
	}
	r := tx.Exec(flagSharedSQL, ReviewDuplicate, breachID, importID)
	if r.Error != nil {
		return 0, fmt.Errorf("flag duplicates: %w", r.Error)
	}
	return r.RowsAffected, nil
}

// collectSharedKeys fills the temporary table roster_shared_keys and
// readies it for the join, returning how many keys are shared and how to
// drop the table.
func collectSharedKeys(ctx context.Context, tx *gorm.DB, breachID, importID int64) (int64, func(), error) {
	drop, err := db.CreateTempTableAs(ctx, tx, "roster_shared_keys", sharedKeysSQL, breachID, breachID, importID, breachID, breachID, importID)
	if err != nil {
		return 0, drop, fmt.Errorf("flag duplicates: %w", err)
	}
	var shared int64
	if err := tx.Raw("SELECT COUNT(*) FROM roster_shared_keys").Row().Scan(&shared); err != nil {
		return 0, drop, fmt.Errorf("flag duplicates: %w", err)
	}
	if shared == 0 {
		return 0, drop, nil
	}
	// The join that flags rows needs plans made for the tables as they are
	// now (see db.PrepareTempJoin): on SQLite, without an index on each key
	// every row of the import scanned the whole table, and a repeated
	// 200,000-row file ran for hours while holding the only connection.
	// affected_people's statistics were refreshed after the import's rows
	// were written (see Importer.finish).
	if err := db.PrepareTempJoin(ctx, tx, "roster_shared_keys", "email_key", "name_key"); err != nil {
		return 0, drop, fmt.Errorf("flag duplicates: %w", err)
	}
	return shared, drop, nil
}

// sharedKeysSQL collects the keys of the import's rows that more than one
// person of the breach has, with the first person that has each
// (arguments: breach, breach, import, twice). Only the import's rows are
// flagged, so only their keys matter: aggregating every key of the breach
// cost 10.8 s on a 2,000,000-row breach whatever the import's size; 3.6 s
// for a 1,000-row import and 7.7 s for a 1,000,000-row one with this.
const sharedKeysSQL = `SELECT email_key, NULL AS name_key, MIN(id) AS first_id FROM affected_people
	WHERE breach_id = ? AND email_key IN (
		SELECT email_key FROM affected_people WHERE breach_id = ? AND import_id = ? AND email_key <> '')
	GROUP BY email_key HAVING COUNT(*) > 1
	UNION ALL
	SELECT NULL, name_key, MIN(id) FROM affected_people
	WHERE breach_id = ? AND name_key IN (
		SELECT name_key FROM affected_people WHERE breach_id = ? AND import_id = ? AND name_key <> '')
	GROUP BY name_key HAVING COUNT(*) > 1`

// flagSharedSQL flags the import's rows whose email, or else whose name and
// address, an earlier person has (arguments: review, breach, import).
const flagSharedSQL = `UPDATE affected_people SET duplicate_of = dup.first_id, review = ?
FROM (
	SELECT p.id, CASE WHEN e.first_id <> p.id THEN e.first_id ELSE n.first_id END AS first_id
	FROM affected_people p
	LEFT JOIN roster_shared_keys e ON e.email_key = p.email_key
	LEFT JOIN roster_shared_keys n ON n.name_key = p.name_key AND n.first_id <> p.id
	WHERE p.breach_id = ? AND p.import_id = ? AND p.duplicate_of IS NULL
	  AND (e.first_id IS NOT NULL OR n.first_id IS NOT NULL)
) dup
WHERE affected_people.id = dup.id AND dup.first_id IS NOT NULL`
