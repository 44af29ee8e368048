// Package audit writes the append-only audit log: one chain of entries per
// organization (and one, organization 0, for the installation's own
// accounts). Each entry's hash is an HMAC, under a key the database never
// holds, of the previous entry's hash and the entry itself, so an edited,
// inserted, deleted or reordered entry breaks the chain, and whoever can
// write to the database still cannot mend it. Signed checkpoints of each
// chain's head, kept outside the database, show when the newest entries
// were removed. Verify walks the chains and names the first entry that
// does not hold.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/db"
)

// Entry is one audited action.
type Entry struct {
	ID             int64     `gorm:"primaryKey" json:"id"`
	OrganizationID int64     `json:"organization_id"`
	Seq            int64     `json:"seq"`
	At             time.Time `json:"at"`
	ActorUserID    *int64    `json:"actor_user_id,omitempty"`
	Actor          string    `json:"actor"`
	Action         string    `json:"action"`
	ObjectType     string    `json:"object_type"`
	ObjectID       string    `json:"object_id"`
	Details        string    `json:"details"`
	RequestID      string    `json:"request_id"`
	Scheme         int       `json:"scheme"`
	PrevHash       string    `json:"prev_hash"`
	Hash           string    `json:"hash"`
}

// TableName is the audit table.
func (Entry) TableName() string { return "audit_log" }

// The schemes an entry's hash is made with.
const (
	// SchemeUnkeyed is SHA-256 without a key: entries written before the
	// chain was keyed. Anyone can recompute them; the keyed entry that
	// seals such a chain is what protects them.
	SchemeUnkeyed = 1
	// SchemeKeyed is HMAC-SHA-256 under the audit key.
	SchemeKeyed = 2
)

// Actor identifies who did something.
type Actor struct {
	UserID    int64
	Label     string // e-mail, "cli", "system"
	RequestID string
}

// chainLockClass is the first key of the advisory locks that keep each
// organization's chain linear.
const chainLockClass = 7010

// Record appends an entry to the organization's chain inside tx, keyed by
// the key installed on the database handle (UseKey); without one it fails
// rather than write an entry nobody could verify. details is marshalled to
// JSON. On PostgreSQL a transaction-scoped advisory lock per organization
// keeps the chain linear when several requests write at once (a handle
// outside a transaction gets a transaction of its own, so the lock holds
// until the entry is in); SQLite serialises writers.
func Record(ctx context.Context, tx *gorm.DB, who Actor, orgID int64, action, objType, objID string, details any) error {
	key, err := keyOf(tx)
	if err != nil {
		return err
	}
	body, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("audit details: %w", err)
	}
	e := Entry{At: time.Now().UTC().Truncate(time.Microsecond), Actor: who.Label, OrganizationID: orgID,
		Action: action, ObjectType: objType, ObjectID: objID, Details: string(body), RequestID: who.RequestID}
	if who.UserID != 0 {
		id := who.UserID
		e.ActorUserID = &id
	}
	if _, inTx := tx.Statement.ConnPool.(gorm.TxCommitter); !inTx {
		return tx.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return appendEntry(ctx, tx, key, &e) })
	}
	return appendEntry(ctx, tx.WithContext(ctx), key, &e)
}

// appendEntry links e to the head of its chain, keys it and inserts it.
func appendEntry(ctx context.Context, tx *gorm.DB, key *Key, e *Entry) error {
	if err := db.AdvisoryXactLock(ctx, tx, chainLockClass, e.OrganizationID); err != nil {
		return fmt.Errorf("audit lock: %w", err)
	}
	seq, prev, err := linkTo(tx, key, e.OrganizationID)
	if err != nil {
		return err
	}
	e.Seq, e.PrevHash, e.Scheme = seq+1, prev, SchemeKeyed
	e.Hash = key.sum(e)
	if err := tx.Create(e).Error; err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	return nil
}

// forgedLimit bounds how far back linkTo looks for an entry that verifies.
const forgedLimit = 100

// linkTo returns the newest place in the chain and the hash a new entry
// follows: the newest entry's, unless entries at the head do not match
// their keyed hash (written by someone without the key). A new entry then
// follows the newest one that does, so the chain passes the forged entries
// by and Verify names the first of them as inserted.
func linkTo(tx *gorm.DB, key *Key, orgID int64) (int64, string, error) {
	for _, limit := range []int{1, forgedLimit} {
		var rows []Entry
		err := tx.Where("organization_id = ?", orgID).Order("seq DESC").Limit(limit).Find(&rows).Error
		if err != nil {
			return 0, "", fmt.Errorf("audit chain head: %w", err)
		}
		if len(rows) == 0 {
			return 0, "", nil
		}
		for i := range rows {
			if rows[i].Scheme == SchemeUnkeyed || key.sum(&rows[i]) == rows[i].Hash {
				return rows[0].Seq, rows[i].Hash, nil
			}
		}
		if len(rows) < limit {
			break
		}
	}
	return 0, "", fmt.Errorf("audit chain of organization %d: %w: no entry among the newest %d matches its keyed hash", orgID, ErrBroken, forgedLimit)
}

// Head is the newest entry of a chain: its place and hash (zero for an
// empty chain).
type Head struct {
	OrganizationID int64  `json:"organization_id"`
	Seq            int64  `json:"seq"`
	Hash           string `json:"hash"`
}

// Heads returns the head of every chain that has entries, by organization.
func Heads(ctx context.Context, g *gorm.DB) ([]Head, error) {
	var out []Head
	err := g.WithContext(ctx).Raw(`SELECT organization_id, seq, hash FROM audit_log a
		WHERE seq = (SELECT max(seq) FROM audit_log b WHERE b.organization_id = a.organization_id)
		ORDER BY organization_id`).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("audit chain heads: %w", err)
	}
	return out, nil
}

// List returns the newest entries of an organization, newest first.
func List(ctx context.Context, db *gorm.DB, orgID int64, limit int) ([]Entry, error) {
	var out []Entry
	err := db.WithContext(ctx).Where("organization_id = ?", orgID).Order("seq DESC").Limit(limit).Find(&out).Error
	return out, err
}
