// Package audit writes the append-only, hash-chained audit log. Every entry
// carries the hash of the previous entry of the same organization, so that an
// edited or removed row breaks the chain and Verify finds it.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/db"
)

// Entry is one audited action.
type Entry struct {
	ID             int64     `gorm:"primaryKey" json:"id"`
	At             time.Time `json:"at"`
	ActorUserID    *int64    `json:"actor_user_id,omitempty"`
	Actor          string    `json:"actor"`
	OrganizationID int64     `json:"organization_id"`
	Action         string    `json:"action"`
	ObjectType     string    `json:"object_type"`
	ObjectID       string    `json:"object_id"`
	Details        string    `json:"details"`
	RequestID      string    `json:"request_id"`
	PrevHash       string    `json:"prev_hash"`
	Hash           string    `json:"hash"`
}

// TableName is the audit table.
func (Entry) TableName() string { return "audit_log" }

// Actor identifies who did something.
type Actor struct {
	UserID    int64
	Label     string // e-mail, "cli", "system"
	RequestID string
}

// chainLockClass is the first key of the advisory locks that keep each
// organization's chain linear.
const chainLockClass = 7010

// Record appends an entry inside tx. details is marshalled to JSON. On
// PostgreSQL a transaction-scoped advisory lock per organization keeps the
// chain linear when several requests write at once; SQLite serialises writers.
func Record(ctx context.Context, tx *gorm.DB, who Actor, orgID int64, action, objType, objID string, details any) error {
	tx = tx.WithContext(ctx)
	if err := db.AdvisoryXactLock(ctx, tx, chainLockClass, orgID); err != nil {
		return fmt.Errorf("audit lock: %w", err)
	}
	var prev string
	err := tx.Raw("SELECT hash FROM audit_log WHERE organization_id = ? ORDER BY id DESC LIMIT 1", orgID).Scan(&prev).Error
	if err != nil {
		return fmt.Errorf("audit chain head: %w", err)
	}
	body, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("audit details: %w", err)
	}
	e := Entry{At: time.Now().UTC().Truncate(time.Microsecond), Actor: who.Label, OrganizationID: orgID,
		Action: action, ObjectType: objType, ObjectID: objID, Details: string(body), RequestID: who.RequestID, PrevHash: prev}
	if who.UserID != 0 {
		id := who.UserID
		e.ActorUserID = &id
	}
	e.Hash = e.computeHash()
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	return nil
}

func (e *Entry) computeHash() string {
	h := sha256.New()
	user := ""
	if e.ActorUserID != nil {
		user = strconv.FormatInt(*e.ActorUserID, 10)
	}
	for _, part := range []string{e.PrevHash, e.At.UTC().Format(time.RFC3339Nano), user, e.Actor,
		strconv.FormatInt(e.OrganizationID, 10), e.Action, e.ObjectType, e.ObjectID, e.Details, e.RequestID} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ErrBroken reports a chain that does not verify.
var ErrBroken = errors.New("audit chain broken")

// Verify recomputes the chain of one organization and returns the number of
// entries checked, or ErrBroken naming the first entry that does not match.
func Verify(ctx context.Context, db *gorm.DB, orgID int64) (int, error) {
	rows, err := db.WithContext(ctx).Model(&Entry{}).Where("organization_id = ?", orgID).Order("id").Rows()
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	prev, n := "", 0
	for rows.Next() {
		var e Entry
		if err := db.ScanRows(rows, &e); err != nil {
			return n, err
		}
		if e.PrevHash != prev || e.computeHash() != e.Hash {
			return n, fmt.Errorf("%w at entry %d", ErrBroken, e.ID)
		}
		prev, n = e.Hash, n+1
	}
	return n, rows.Err()
}

// List returns the newest entries of an organization, newest first.
func List(ctx context.Context, db *gorm.DB, orgID int64, limit int) ([]Entry, error) {
	var out []Entry
	err := db.WithContext(ctx).Where("organization_id = ?", orgID).Order("id DESC").Limit(limit).Find(&out).Error
	return out, err
}
