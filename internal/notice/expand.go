package notice

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/roster"
)

// deliveryColumns are the columns an expansion writes, in order.
var deliveryColumns = []string{"campaign_id", "person_id", "channel", "language", "status", "code_hash", "code_key", "message_id", "attempts", "updated_at"}

// insertBatch is how many deliveries one INSERT writes where there is no
// COPY (SQLite): 10 parameters a row, under SQLite's limit of 32,766
// parameters a statement.
const insertBatch = 3200

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
			// Held until the deliveries are committed: on PostgreSQL they
			// have no per-row foreign key to their campaign (00821), and
			// this lock keeps the campaign from being deleted meanwhile.
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

// expandInto writes the deliveries of the campaign's audience: with COPY
// when copier is not nil, else in multi-row INSERTs.
func (s *Service) expandInto(ctx context.Context, tx *gorm.DB, copier copyFunc, cp *Campaign) (int, error) {
	set, err := s.templateSet(ctx, tx, cp.OrganizationID, cp.TemplateSet)
	if err != nil {
		return 0, err
	}
	mk := s.newDeliveryMaker(cp, set)
	if copier != nil {
		return s.copyDeliveries(ctx, copier, cp, mk)
	}
	w := &deliveryWriter{tx: tx.WithContext(ctx)}
	n := 0
	err = s.eachOfAudience(ctx, tx, cp, func(personID int64, rc reach) error {
		w.vals = append(w.vals, mk.row(personID, rc)...)
		w.rows++
		n++
		if w.rows >= insertBatch {
			return w.flush()
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, w.flush()
}

// copyDeliveries writes the deliveries with one COPY whose rows are made
// as COPY asks for them, while another connection reads the audience
// ahead: reading people, deriving their codes and writing rows run side by
// side instead of taking turns. The audience is read outside the
// transaction, page by page as inside it (each statement of a transaction
// sees the people as they are when it runs, and expansion changes none).
func (s *Service) copyDeliveries(ctx context.Context, copier copyFunc, cp *Campaign, mk *deliveryMaker) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	src := &audienceRows{pages: make(chan []person, 4), mk: mk}
	go func() {
		defer close(src.pages)
		src.readErr = s.readAudience(ctx, cp, src.pages)
	}()
	n, err := copier(ctx, "deliveries", deliveryColumns, src)
	cancel()
	for range src.pages { // until the reader has stopped
	}
	if err != nil {
		return 0, deliveriesError(err)
	}
	return int(n), nil
}

// person is one person of an audience, as expansion reads them.
type person struct {
	id int64
	rc reach
}

// readAudience sends the campaign's audience to pages, a page at a time,
// reading from the pool.
func (s *Service) readAudience(ctx context.Context, cp *Campaign, pages chan<- []person) error {
	const size = 2000
	page := make([]person, 0, size)
	send := func() error {
		select {
		case pages <- page:
			page = make([]person, 0, size)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	err := s.eachOfAudience(ctx, s.db.Gorm, cp, func(id int64, rc reach) error {
		page = append(page, person{id: id, rc: rc})
		if len(page) == size {
			return send()
		}
		return nil
	})
	if err != nil || len(page) == 0 {
		return err
	}
	return send()
}

// audienceRows hands COPY a delivery row for each person the reader sends.
type audienceRows struct {
	pages   chan []person
	readErr error // set by the reader before it closes pages
	mk      *deliveryMaker
	page    []person
	row     []any
}

func (a *audienceRows) Next() bool {
	for len(a.page) == 0 {
		p, ok := <-a.pages
		if !ok {
			return false
		}
		a.page = p
	}
	a.row = a.mk.row(a.page[0].id, a.page[0].rc)
	a.page = a.page[1:]
	return true
}

func (a *audienceRows) Values() ([]any, error) { return a.row, nil }

// Err is the reader's error once the pages are closed (Next returned false).
func (a *audienceRows) Err() error { return a.readErr }

// eachOfAudience calls fn for each person of the campaign's audience, in
// order of id, reading with q (a transaction or the pool): the people of
// an earlier campaign, or those the filters select.
func (s *Service) eachOfAudience(ctx context.Context, q *gorm.DB, cp *Campaign, fn func(int64, reach) error) error {
	if cp.Audience.SameAs != 0 {
		return s.eachPersonOf(ctx, q, cp, cp.Audience.SameAs, func(p roster.StoredPerson) error { return fn(p.ID, reachOfPerson(p)) })
	}
	return s.eachRecipient(ctx, q, cp, func(r roster.Recipient) error { return fn(r.ID, reachOf(r)) })
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

// deliveryMaker makes the row of each person's delivery (deliveryColumns).
// Values the same for every row are boxed once.
type deliveryMaker struct {
	s        *Service
	set      TemplateSet
	def      string
	campaign int64
	domain   string
	mint     *minter
	fixed    struct{ campaign, now, attempts any }
	langs    map[[2]string]any // the language by region and person's language
	buf      []any
}

func (s *Service) newDeliveryMaker(cp *Campaign, set TemplateSet) *deliveryMaker {
	m := &deliveryMaker{s: s, set: set, def: cp.DefaultLanguage, campaign: cp.ID, domain: s.domain(), mint: s.keys.minter(),
		langs: map[[2]string]any{}, buf: make([]any, len(deliveryColumns))}
	m.fixed.campaign, m.fixed.now, m.fixed.attempts = cp.ID, s.now(), 0
	return m
}

// channels are the channels and the status a delivery by each starts in.
var channels = map[string]struct{ channel, status any }{
	ChannelEmail:  {ChannelEmail, Queued},
	ChannelPostal: {ChannelPostal, Letter},
	ChannelNone:   {ChannelNone, Undeliverable},
}

// row is the delivery of one person; the slice is reused by the next call.
func (m *deliveryMaker) row(personID int64, rc reach) []any {
	ch := channels[channelOf(rc)]
	hash := m.mint.codeHash(m.campaign, personID)
	r := m.buf
	r[0], r[1], r[2], r[3], r[4] = m.fixed.campaign, personID, ch.channel, m.language(rc), ch.status
	r[5], r[6], r[7], r[8], r[9] = hash, CodeKey(hash), m.mint.messageID(m.campaign, personID, m.domain), m.fixed.attempts, m.fixed.now
	return r
}

// language is languageOf, remembered: it depends only on the region and
// the person's language.
func (m *deliveryMaker) language(rc reach) any {
	k := [2]string{rc.Region, rc.Language}
	l, ok := m.langs[k]
	if !ok {
		l = m.s.languageOf(rc, m.set, m.def)
		m.langs[k] = l
	}
	return l
}

// deliveriesError says what went wrong writing deliveries.
func deliveriesError(err error) error {
	if db.IsUniqueViolation(err) {
		return fmt.Errorf("deliveries: a reference code repeated; expand again: %w", err)
	}
	return fmt.Errorf("write deliveries: %w", err)
}

// deliveryWriter writes deliveries in multi-row INSERTs.
type deliveryWriter struct {
	tx   *gorm.DB
	vals []any
	rows int
	sql  map[int]string
}

func (w *deliveryWriter) flush() error {
	if w.rows == 0 {
		return nil
	}
	if w.sql == nil {
		w.sql = map[int]string{}
	}
	q, ok := w.sql[w.rows]
	if !ok {
		q = insertRows("deliveries", deliveryColumns, w.rows)
		w.sql[w.rows] = q
	}
	if err := w.tx.Exec(q, w.vals...).Error; err != nil {
		return deliveriesError(err)
	}
	w.vals, w.rows = w.vals[:0], 0
	return nil
}

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
