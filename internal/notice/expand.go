package notice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/roster"
)

// deliveryColumns are the columns an expansion writes, in order.
var deliveryColumns = []string{"campaign_id", "person_id", "channel", "language", "status", "code_hash", "message_id", "attempts", "updated_at"}

// expandBatch is how many deliveries one write takes: a COPY on
// PostgreSQL; on SQLite an INSERT of 9 parameters a row, under its limit
// of 32,766 parameters a statement.
func expandBatch(d db.Dialect) int {
	if d == db.Postgres {
		return 10000
	}
	return 3600
}

// Expand turns a campaign being prepared into one delivery per person of
// its audience, all in one transaction: e-mails queued, letters waiting to
// be printed, and people with neither an e-mail nor a postal address marked
// undeliverable (the substitute notice covers them). A crash before the
// commit leaves no delivery, and the job runs again; a campaign already
// expanded is left as it is.
func (s *Service) Expand(ctx context.Context, campaignID int64) (int, error) {
	total := 0
	err := s.copyTx(ctx, func(tx *gorm.DB, copier copyFunc) error {
		var cp Campaign
		q := tx.WithContext(ctx)
		if s.db.Dialect == db.Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		if err := q.Take(&cp, campaignID).Error; err != nil {
			return fmt.Errorf("campaign %d: %w", campaignID, err)
		}
		if cp.Status != CampaignPreparing {
			return nil
		}
		var err error
		if total, err = s.expandInto(ctx, tx, copier, &cp); err != nil {
			return err
		}
		now := s.now()
		return tx.Model(&Campaign{}).Where("id = ?", cp.ID).
			Updates(map[string]any{"status": CampaignSending, "total": total, "updated_at": now}).Error
	})
	if err != nil {
		return 0, err
	}
	return total, s.kick(ctx, campaignID)
}

// copyFunc streams rows into a table with COPY inside the transaction it
// was handed out with.
type copyFunc func(ctx context.Context, table string, cols []string, rows db.CopySource) (int64, error)

// copyTx runs fn in a transaction; on PostgreSQL the transaction is pinned
// to one connection and fn gets a copyFunc that writes on it (SQLite gets
// nil: multi-row INSERTs are its fast path).
func (s *Service) copyTx(ctx context.Context, fn func(tx *gorm.DB, copier copyFunc) error) error {
	if !s.db.SupportsCopy() {
		return s.db.Tx(ctx, func(tx *gorm.DB) error { return fn(tx, nil) })
	}
	return s.db.TxOnConn(ctx, func(tx *gorm.DB, conn *sql.Conn) error {
		return fn(tx, func(ctx context.Context, table string, cols []string, rows db.CopySource) (int64, error) {
			return s.db.CopyFrom(ctx, conn, table, cols, rows)
		})
	})
}

// expandInto writes the deliveries of the campaign's audience, with COPY
// when copier is not nil.
func (s *Service) expandInto(ctx context.Context, tx *gorm.DB, copier copyFunc, cp *Campaign) (int, error) {
	set, err := s.templateSet(ctx, tx, cp.OrganizationID, cp.TemplateSet)
	if err != nil {
		return 0, err
	}
	var n int
	w := &deliveryWriter{ctx: ctx, tx: tx.WithContext(ctx), copier: copier, now: s.now()}
	batch := expandBatch(s.db.Dialect)
	add := func(personID int64, rc reach) error {
		channel := channelOf(rc)
		status := map[string]string{ChannelEmail: Queued, ChannelPostal: Letter, ChannelNone: Undeliverable}[channel]
		code := s.keys.Code(cp.ID, personID)
		w.add(cp.ID, personID, channel, s.languageOf(rc, set, cp.DefaultLanguage), status,
			CodeHash(code), s.keys.MessageID(cp.ID, personID, s.domain()))
		n++
		if w.rows >= batch {
			return w.flush()
		}
		return nil
	}
	if cp.Audience.SameAs != 0 {
		err = s.eachPersonOf(ctx, tx, cp, cp.Audience.SameAs, func(p roster.StoredPerson) error { return add(p.ID, reachOfPerson(p)) })
	} else {
		err = s.eachRecipient(ctx, tx, cp, func(r roster.Recipient) error { return add(r.ID, reachOf(r)) })
	}
	if err != nil {
		return 0, err
	}
	return n, w.flush()
}

// eachRecipient walks the audience with only the columns expansion needs.
func (s *Service) eachRecipient(ctx context.Context, tx *gorm.DB, cp *Campaign, fn func(roster.Recipient) error) error {
	const page = 10000
	f := audienceFilter(cp.Audience)
	var after int64
	for {
		list, err := s.deps.People.Recipients(ctx, tx, cp.BreachID, f, after, page)
		if err != nil {
			return err
		}
		for _, r := range list {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(list) < page {
			return nil
		}
		after = list[len(list)-1].ID
	}
}

// deliveryWriter writes deliveries with COPY, or in multi-row INSERTs.
type deliveryWriter struct {
	ctx    context.Context
	tx     *gorm.DB
	copier copyFunc
	now    time.Time
	vals   []any
	rows   int
	sql    map[int]string
}

func (w *deliveryWriter) add(campaignID, personID int64, channel, lang, status, codeHash, messageID string) {
	w.vals = append(w.vals, campaignID, personID, channel, lang, status, codeHash, messageID, 0, w.now)
	w.rows++
}

func (w *deliveryWriter) flush() error {
	if w.rows == 0 {
		return nil
	}
	var err error
	if w.copier != nil {
		_, err = w.copier(w.ctx, "deliveries", deliveryColumns, &rowSource{vals: w.vals, cols: len(deliveryColumns), i: -1})
	} else {
		err = w.insert()
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return fmt.Errorf("deliveries: a reference code repeated; expand again: %w", err)
	}
	if err != nil {
		return fmt.Errorf("write deliveries: %w", err)
	}
	w.vals, w.rows = w.vals[:0], 0
	return nil
}

func (w *deliveryWriter) insert() error {
	if w.sql == nil {
		w.sql = map[int]string{}
	}
	q, ok := w.sql[w.rows]
	if !ok {
		q = insertRows("deliveries", deliveryColumns, w.rows)
		w.sql[w.rows] = q
	}
	return w.tx.Exec(q, w.vals...).Error
}

// rowSource hands COPY the rows of a flat slice of values.
type rowSource struct {
	vals []any
	cols int
	i    int
}

func (r *rowSource) Next() bool {
	r.i++
	return (r.i+1)*r.cols <= len(r.vals)
}

func (r *rowSource) Values() ([]any, error) { return r.vals[r.i*r.cols : (r.i+1)*r.cols], nil }

func (r *rowSource) Err() error { return nil }

// insertRows builds INSERT INTO table (cols) VALUES (?, …), … for n rows.
func insertRows(table string, cols []string, n int) string {
	var b strings.Builder
	b.Grow(40 + n*(len(cols)*3+4))
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}
