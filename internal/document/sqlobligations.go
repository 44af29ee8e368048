package document

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// SQLObligations reads the obligations table directly when it exists. It is
// the fallback source for deployments whose obligations capability offers no
// ObligationSource of its own: it reads by column name and tolerates columns
// that are absent, so it works whatever the table's optional columns are.
type SQLObligations struct{}

// ForBreach lists one breach's obligations; none when the table does not exist.
func (SQLObligations) ForBreach(ctx context.Context, tx *gorm.DB, breachID int64) ([]ObligationRef, error) {
	return queryObligations(ctx, tx, "SELECT * FROM obligations WHERE breach_id = ? ORDER BY id", breachID)
}

// ForOrganization lists the obligations of every breach of an organization.
func (SQLObligations) ForOrganization(ctx context.Context, tx *gorm.DB, orgID int64) ([]ObligationRef, error) {
	return queryObligations(ctx, tx, `SELECT o.* FROM obligations o JOIN breaches b ON b.id = o.breach_id
		WHERE b.organization_id = ? ORDER BY o.id`, orgID)
}

func queryObligations(ctx context.Context, tx *gorm.DB, q string, arg int64) ([]ObligationRef, error) {
	tx = tx.WithContext(ctx)
	if !tx.Migrator().HasTable("obligations") {
		return nil, nil
	}
	rows, err := tx.Raw(q, arg).Rows()
	if err != nil {
		return nil, fmt.Errorf("obligations: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("obligations: %w", err)
	}
	var out []ObligationRef
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("obligations: %w", err)
		}
		rec := make(map[string]any, len(cols))
		for i, c := range cols {
			rec[strings.ToLower(c)] = vals[i]
		}
		if considered := rec["considered"]; considered != nil && !row(rec).flag("considered") {
			continue // no longer touches the breach; kept only for its history
		}
		out = append(out, obligationFromRow(rec))
	}
	return out, rows.Err()
}

// obligationFromRow maps a row by column name; each field takes the first
// of its usual column names that the table has.
func obligationFromRow(r row) ObligationRef {
	var o ObligationRef
	o.ID = r.int("id")
	o.BreachID = r.int("breach_id")
	o.RuleID = r.str("rule_key", "rule_id", "rule")
	o.Version = r.str("rule_version", "version")
	o.Recipient = recipientName(r.str("recipient", "recipient_name"))
	o.Jurisdiction = r.str("jurisdiction")
	o.Citation = r.str("citation")
	o.Status = r.str("status")
	o.Standard = r.str("standard", "statutory_standard")
	o.Due = r.time("due_at", "due")
	o.Target = r.time("target_at", "internal_target_at", "internal_target")
	o.Required = r.boolean("required")
	o.Explanation = r.str("explanation")
	o.FiledAt = r.time("filed_at")
	o.FilingReference = r.str("filing_reference", "reference")
	return o
}

// row is one scanned row by lower-case column name.
type row map[string]any

func (r row) first(names ...string) (any, bool) {
	for _, n := range names {
		if v, ok := r[n]; ok && v != nil {
			return v, true
		}
	}
	return nil, false
}

func (r row) str(names ...string) string {
	v, ok := r.first(names...)
	if !ok {
		return ""
	}
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

func (r row) int(names ...string) int64 {
	v, ok := r.first(names...)
	if !ok {
		return 0
	}
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int:
		return int64(x)
	}
	n, _ := strconv.ParseInt(r.str(names...), 10, 64)
	return n
}

// recipientName reads a recipient stored as text or as a JSON object with a name.
func recipientName(s string) string {
	if !strings.HasPrefix(strings.TrimSpace(s), "{") {
		return s
	}
	var v struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return ""
	}
	return v.Name
}

func (r row) flag(name string) bool {
	b := r.boolean(name)
	return b != nil && *b
}

func (r row) boolean(names ...string) *bool {
	v, ok := r.first(names...)
	if !ok {
		return nil
	}
	var b bool
	switch x := v.(type) {
	case bool:
		b = x
	case int64:
		b = x != 0
	default:
		s := strings.ToLower(r.str(names...))
		b = s == "true" || s == "1" || s == "t"
	}
	return &b
}

func (r row) time(names ...string) *time.Time {
	v, ok := r.first(names...)
	if !ok {
		return nil
	}
	if t, ok := v.(time.Time); ok {
		u := t.UTC()
		return &u
	}
	s := r.str(names...)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			u := t.UTC()
			return &u
		}
	}
	return nil
}
