package notice

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/sync/singleflight"
	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/db"
)

// Verification is what a person who typed a reference code may learn: no
// more than the notice itself told them. A code that is not genuine (or is
// not a code at all) gives a Verification with Genuine false and nothing
// else.
type Verification struct {
	Genuine bool
	// Withdrawn: the code is real but its campaign was cancelled.
	Withdrawn      bool
	CampaignID     int64
	BreachID       int64
	OrganizationID int64
	Organization   string
	// Language is the language the notice was written in.
	Language string
	// NoticeDate is when the notice was sent or mailed (the campaign's
	// start while it had not yet gone).
	NoticeDate time.Time
	// Initials are the initials of the person the notice named ("A. L.").
	Initials string
	// Texts are the notice's words in each language the campaign gives.
	Texts map[string]VerifiedText
}

// VerifiedText is the part of a notice the verify page repeats, in one
// language.
type VerifiedText struct {
	WhatHappened string
	WhatToDo     string
	Contact      string
	// Categories names the kinds of data involved for this person.
	Categories string
}

// VerifyLanguages are the languages a verification gives its texts in.
var VerifyLanguages = []string{"en", "fr"}

// notACode stands in for input that cannot be a code, so that it is hashed
// and looked up like any other: the same work, the same time. U is not in
// the alphabet, so no delivery has this code.
const notACode = "UUUUUUUUUUUUU"

// codeDigest is the stored hash of a normalised code.
func codeDigest(normalised string) string {
	sum := sha256.Sum256([]byte("breachline notice code\x00" + normalised))
	return hex.EncodeToString(sum[:])
}

// Verify checks a reference code as a person typed it and counts the
// lookup for the organization's statistics (by campaign; codes that are
// not genuine name no campaign and are counted together, for every
// organization). Unknown and malformed input do the same work: a hash, one
// indexed read, a constant-time comparison of the whole hash and one count
// in memory, so neither the answer nor its time tells them apart.
func (s *Service) Verify(ctx context.Context, typed string) (Verification, error) {
	n, ok := NormalizeCode(typed)
	if !ok {
		n = notACode
	}
	want := codeDigest(n)
	// The delivery and its campaign's state in one read: a lookup's time is
	// mostly round trips to the database.
	var rows []codeRow
	err := s.db.Gorm.WithContext(ctx).Table("deliveries").Select("deliveries.id, deliveries.campaign_id, deliveries.person_id, "+
		"deliveries.language, deliveries.status, deliveries.code_hash, deliveries.sent_at, deliveries.mailed_at, "+
		"campaigns.status AS campaign_status, campaigns.content_hash AS campaign_hash").
		Joins("JOIN campaigns ON campaigns.id = deliveries.campaign_id").
		// Found by the key of the hash, which is unique; the whole hash is compared below.
		Where("deliveries.code_key = ?", CodeKey(want)).Limit(1).Scan(&rows).Error
	if err != nil {
		return Verification{}, fmt.Errorf("verify: %w", err)
	}
	stored := strings.Repeat("0", len(want)) // compared when nothing matched, for the same work
	if len(rows) == 1 {
		stored = rows[0].CodeHash
	}
	genuine := hashEqual([]byte(stored), []byte(want)) && len(rows) == 1
	var campaignID int64
	if genuine {
		campaignID = rows[0].CampaignID
	}
	s.lookups.add(campaignID, genuine)
	if !genuine {
		return Verification{}, nil
	}
	return s.verification(ctx, &rows[0])
}

// codeRow is a delivery found by its code, with its campaign's state.
type codeRow struct {
	Delivery
	CampaignStatus string
	CampaignHash   string
}

// hashEqual compares two hashes in time that depends only on their length,
// which is public (64 hex digits): every byte is examined, whatever the
// first difference.
func hashEqual(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	return allEqual(len(a), func(i int) byte { return a[i] ^ b[i] })
}

// allEqual folds diff over every position without a branch on what it
// finds, and reports whether every difference was zero.
func allEqual(n int, diff func(i int) byte) bool {
	var acc byte
	for i := 0; i < n; i++ {
		acc |= diff(i)
	}
	return acc == 0
}

// verification reads what the page shows of a genuine code's notice.
func (s *Service) verification(ctx context.Context, d *codeRow) (Verification, error) {
	shared, err := s.sharedTexts(ctx, d)
	if err != nil {
		return Verification{}, err
	}
	cp := shared.cp
	v := Verification{Genuine: true, Withdrawn: d.CampaignStatus == CampaignCancelled, CampaignID: cp.ID, BreachID: cp.BreachID,
		OrganizationID: cp.OrganizationID, Language: d.Language, NoticeDate: noticeDate(&d.Delivery, cp), Texts: map[string]VerifiedText{}}
	people, err := s.deps.People.ByIDs(ctx, s.db.Gorm, cp.BreachID, []int64{d.PersonID})
	if err != nil {
		return Verification{}, fmt.Errorf("verify: person: %w", err)
	}
	person := people[d.PersonID]
	v.Initials = Initials(personName(person))
	v.Organization = shared.org
	for _, lang := range VerifyLanguages {
		vals := shared.values[lang]
		v.Texts[lang] = VerifiedText{WhatHappened: vals["what_happened"], WhatToDo: vals["what_you_can_do"],
			Contact: vals["contact"], Categories: shared.r.categories(person, lang)}
	}
	return v, nil
}

// noticeDate is when the person's notice went: sent, mailed, or else when
// the campaign started.
func noticeDate(d *Delivery, cp *Campaign) time.Time {
	switch {
	case d.SentAt != nil:
		return *d.SentAt
	case d.MailedAt != nil:
		return *d.MailedAt
	case cp.StartedAt != nil:
		return *cp.StartedAt
	}
	return cp.CreatedAt
}

// Initials shortens a name to its initials ("Ann Lee" → "A. L."), so the
// page confirms whom the notice named without repeating the name.
func Initials(name string) string {
	var parts []string
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return unicode.IsSpace(r) || r == '-' }) {
		for _, r := range w {
			if unicode.IsLetter(r) {
				parts = append(parts, string(unicode.ToUpper(r))+".")
				break
			}
		}
	}
	return strings.Join(parts, " ")
}

// OnPool returns the service working through another handle on the same
// database: the public pages check codes through a pool of their own, so
// that a campaign's sending, which holds connections while it sends, never
// makes a visitor wait.
func (s *Service) OnPool(d *db.DB) *Service {
	c := *s
	c.db = d
	return &c
}

// shared are a campaign's texts every recipient shares, as the verify page
// repeats them: computed once and kept for a short while, since many
// people check the same campaign's codes at once.
type shared struct {
	cp     *Campaign
	r      *renderer
	org    string
	values map[string]map[string]string
	// key is the campaign's state and content when they were read.
	key   string
	until time.Time
}

// sharedCache keeps the shared texts of recent campaigns for sharedTTL.
type sharedCache struct {
	mu sync.Mutex
	m  map[int64]*shared
	// loads reads a campaign's texts once at a time: when they expire, the
	// checks arriving meanwhile wait for that one read instead of each
	// making it (hundreds a second would queue for the database).
	loads singleflight.Group
}

const sharedTTL = 30 * time.Second

var errNoRenderer = errors.New("verify: no campaign texts")

// sharedTexts returns the campaign's shared texts, from the cache while
// they are fresh and the campaign's state and content unchanged.
func (s *Service) sharedTexts(ctx context.Context, d *codeRow) (*shared, error) {
	now, key := s.now(), d.CampaignStatus+"/"+d.CampaignHash
	s.verifyCache.mu.Lock()
	got := s.verifyCache.m[d.CampaignID]
	s.verifyCache.mu.Unlock()
	if got != nil && now.Before(got.until) && got.key == key {
		return got, nil
	}
	// The read is not the first caller's alone: its cancellation must not
	// fail the others waiting for it.
	v, err, _ := s.verifyCache.loads.Do(strconv.FormatInt(d.CampaignID, 10)+"/"+key, func() (any, error) {
		return s.loadShared(context.WithoutCancel(ctx), d.CampaignID, key, now)
	})
	if err != nil {
		return nil, err
	}
	return v.(*shared), nil
}

// loadShared reads a campaign's shared texts and keeps them.
func (s *Service) loadShared(ctx context.Context, campaignID int64, key string, now time.Time) (*shared, error) {
	var cp Campaign
	if err := s.db.Gorm.WithContext(ctx).Take(&cp, campaignID).Error; err != nil {
		return nil, fmt.Errorf("verify: campaign %d: %w", campaignID, err)
	}
	r, err := s.textRenderer(ctx, s.db.Gorm, &cp)
	if err != nil {
		return nil, err
	}
	sh := &shared{cp: &cp, r: r, org: firstNonEmpty(r.org.Name, r.org.LegalName), values: map[string]map[string]string{},
		key: key, until: now.Add(sharedTTL)}
	for _, lang := range VerifyLanguages {
		sh.values[lang] = r.commonValues(lang)
	}
	s.verifyCache.mu.Lock()
	if s.verifyCache.m == nil || len(s.verifyCache.m) > 1000 {
		s.verifyCache.m = map[int64]*shared{}
	}
	s.verifyCache.m[campaignID] = sh
	s.verifyCache.mu.Unlock()
	return sh, nil
}

// textRenderer is a renderer of the campaign's values without its
// templates: the organization, the breach and the category names.
func (s *Service) textRenderer(ctx context.Context, tx *gorm.DB, c *Campaign) (*renderer, error) {
	r := &renderer{s: s, c: c, now: s.now()}
	var err error
	if r.org, err = s.deps.Orgs.OrganizationByID(ctx, tx, c.OrganizationID); err != nil {
		return nil, fmt.Errorf("%w: %w", errNoRenderer, err)
	}
	if r.breach, err = s.deps.Breaches.Load(ctx, tx, c.BreachID); err != nil {
		return nil, fmt.Errorf("%w: %w", errNoRenderer, err)
	}
	cats, err := s.deps.Breaches.CategoryList(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNoRenderer, err)
	}
	r.catNames = make(map[string][2]string, len(cats))
	for _, cat := range cats {
		r.catNames[cat.ID] = [2]string{cat.Name, firstNonEmpty(cat.NameFR, cat.Name)}
	}
	return r, nil
}
