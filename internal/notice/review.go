package notice

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/roster"
)

// Sample is one recipient's notice exactly as it would be sent, for each
// language and region in the audience.
type Sample struct {
	Language string `json:"language"`
	Region   string `json:"region"`
	Channel  string `json:"channel"`
	// Recipient names the person by initials only.
	Recipient string `json:"recipient"`
	PersonID  int64  `json:"person_id"`
	Message
}

// Gap is a field the notice prints that is empty for some recipients:
// approval waits until it is filled in (nothing prints a blank where a
// fact should be).
type Gap struct {
	Field    string `json:"field"`
	Language string `json:"language"`
	People   int64  `json:"people"`
}

// Review is what a campaign would send and whether legal may approve it.
type Review struct {
	ContentHash string           `json:"content_hash"`
	Total       int64            `json:"total"`
	Channels    map[string]int64 `json:"channels"`
	Languages   map[string]int64 `json:"languages"`
	Regions     map[string]int64 `json:"regions"`
	Samples     []Sample         `json:"samples"`
	Checklist   []CheckItem      `json:"checklist"`
	Gaps        []Gap            `json:"gaps"`
	Problems    []string         `json:"problems"`
	// Ready: nothing blocks approval.
	Ready bool `json:"ready"`
}

// Review renders a campaign for its audience without sending anything:
// samples of each language and region, the checklist of every rule in
// play, and the fields empty for some recipients. Privacy officers, legal
// and admins; the samples are people's notices, so the read is audited.
func (s *Service) Review(ctx context.Context, c breach.Call, id int64) (Review, error) {
	var out Review
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		cp, err := s.campaignToReview(ctx, tx, c.P, id)
		if err != nil {
			return err
		}
		out, err = s.review(ctx, tx, &cp)
		if err != nil {
			return err
		}
		ids := make([]int64, len(out.Samples))
		for i, sm := range out.Samples {
			ids[i] = sm.PersonID
		}
		return s.audit(ctx, tx, c, &cp, "campaign.review", map[string]any{"content_hash": out.ContentHash, "sample_people": ids})
	})
	return out, err
}

// campaignToReview loads a campaign for someone who writes or approves.
func (s *Service) campaignToReview(ctx context.Context, tx *gorm.DB, p *auth.Principal, id int64) (Campaign, error) {
	cp, err := s.campaign(ctx, tx, p, id, auth.Read)
	if err != nil {
		return Campaign{}, err
	}
	if p.Require(cp.OrganizationID, auth.Write) != nil && p.Require(cp.OrganizationID, auth.Approve) != nil {
		return Campaign{}, fmt.Errorf("review campaign %d: %w", id, errs.ErrForbidden)
	}
	return cp, nil
}

// review does the work of Review inside tx.
func (s *Service) review(ctx context.Context, tx *gorm.DB, cp *Campaign) (Review, error) {
	out := Review{Channels: map[string]int64{}, Languages: map[string]int64{}, Regions: map[string]int64{},
		Samples: []Sample{}, Checklist: []CheckItem{}, Gaps: []Gap{}, Problems: []string{}}
	var err error
	if out.ContentHash, err = s.contentHash(ctx, tx, cp); err != nil {
		return out, err
	}
	r, err := s.newRenderer(ctx, tx, cp)
	if err != nil {
		return out, err
	}
	w := &reviewWalk{r: r, out: &out, gaps: map[[2]string]int64{}, samples: map[[2]string]bool{},
		langsByRegion: map[string]map[string]bool{}, byLang: map[string]Message{}}
	if err := s.eachPerson(ctx, tx, cp, w.person); err != nil {
		return out, err
	}
	w.finish()
	duties, err := s.deps.Duties.ForBreach(ctx, tx, cp.BreachID)
	if err != nil {
		return out, err
	}
	rules := s.governing(duties, cp.ObligationID, sortedKeys(out.Regions), r.org.HomeJurisdiction, s.opts.RegionGroups)
	out.Checklist = evaluate(rules, w.byLang, audienceView{langsByRegion: w.langsByRegion, home: r.org.HomeJurisdiction, groups: s.opts.RegionGroups})
	out.Ready = ready(&out)
	return out, nil
}

// ready decides whether anything blocks approval, listing the problems.
func ready(out *Review) bool {
	if out.Total == 0 {
		out.Problems = append(out.Problems, "the audience is empty: no affected person matches it")
	}
	for _, g := range out.Gaps {
		out.Problems = append(out.Problems, fmt.Sprintf("{{%s}} is empty in the %s notice of %d %s", g.Field, g.Language, g.People, plural(g.People, "person", "people")))
	}
	for _, ci := range out.Checklist {
		if !ci.OK {
			out.Problems = append(out.Problems, fmt.Sprintf("%s (%s): %s — %s", ci.Rule, ci.Citation, ci.Label, ci.Why))
		}
	}
	return len(out.Problems) == 0
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// reviewWalk collects a review while the audience streams past.
type reviewWalk struct {
	r             *renderer
	out           *Review
	gaps          map[[2]string]int64 // (field, language) -> people
	samples       map[[2]string]bool  // (language, region) seen
	langsByRegion map[string]map[string]bool
	byLang        map[string]Message
}

// person takes one recipient into the review.
func (w *reviewWalk) person(p roster.StoredPerson) error {
	rc := reachOfPerson(p)
	lang := w.r.s.languageOf(rc, w.r.set, w.r.c.DefaultLanguage)
	channel := channelOf(rc)
	w.out.Total++
	w.out.Channels[channel]++
	w.out.Languages[lang]++
	w.out.Regions[orUnknown(p.Region)]++
	if w.langsByRegion[p.Region] == nil {
		w.langsByRegion[p.Region] = map[string]bool{}
	}
	w.langsByRegion[p.Region][lang] = true
	code := w.r.s.keys.Code(w.r.c.ID, p.ID)
	msg, err := w.r.render(lang, p, code)
	if err != nil {
		return &errs.Invalid{Message: err.Error(), Fields: map[string]string{"default_language": err.Error()}}
	}
	w.countGaps(lang, channel, p, code)
	key := [2]string{lang, p.Region}
	if !w.samples[key] && len(w.out.Samples) < 50 {
		w.samples[key] = true
		w.out.Samples = append(w.out.Samples, Sample{Language: lang, Region: orUnknown(p.Region), Channel: channel,
			Recipient: initials(personName(p)), PersonID: p.ID, Message: msg})
	}
	if _, ok := w.byLang[lang]; !ok {
		w.byLang[lang] = msg
	}
	return nil
}

// countGaps counts the fields the person's notice would print empty: the
// e-mail's parts for e-mail recipients, the letter for the others.
func (w *reviewWalk) countGaps(lang, channel string, p roster.StoredPerson, code string) {
	c := w.r.parts[lang]
	parts := []*Parsed{c.subject, c.text, c.html}
	if channel != ChannelEmail {
		parts = []*Parsed{c.letter}
	}
	vals := w.r.values(lang, p, code)
	seen := map[string]bool{}
	for _, t := range parts {
		for _, f := range t.Fields {
			if seen[f] || t.conditional(f) {
				continue
			}
			seen[f] = true
			if strings.TrimSpace(vals(f)) == "" {
				w.gaps[[2]string{f, lang}]++
			}
		}
	}
}

func (w *reviewWalk) finish() {
	for k, n := range w.gaps {
		w.out.Gaps = append(w.out.Gaps, Gap{Field: k[0], Language: k[1], People: n})
	}
	sort.Slice(w.out.Gaps, func(i, j int) bool {
		a, b := w.out.Gaps[i], w.out.Gaps[j]
		if a.Field != b.Field {
			return a.Field < b.Field
		}
		return a.Language < b.Language
	})
}

// initials shortens a name to its initials ("Ann Lee" -> "A. L.").
func initials(name string) string {
	var parts []string
	for _, w := range strings.Fields(name) {
		r := []rune(w)
		parts = append(parts, strings.ToUpper(string(r[0]))+".")
	}
	return strings.Join(parts, " ")
}

func orUnknown(s string) string {
	if s == "" {
		return roster.UnknownValue
	}
	return s
}

// eachPerson walks the campaign's audience in id order.
func (s *Service) eachPerson(ctx context.Context, tx *gorm.DB, cp *Campaign, fn func(roster.StoredPerson) error) error {
	const page = 2000
	if cp.Audience.SameAs != 0 {
		return s.eachPersonOf(ctx, tx, cp, cp.Audience.SameAs, fn)
	}
	f := audienceFilter(cp.Audience)
	var after int64
	for {
		list, err := s.deps.People.Audience(ctx, tx, cp.BreachID, f, after, page)
		if err != nil {
			return err
		}
		for _, p := range list {
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(list) < page {
			return nil
		}
		after = list[len(list)-1].ID
	}
}

// eachPersonOf walks the people an earlier campaign reached.
func (s *Service) eachPersonOf(ctx context.Context, tx *gorm.DB, cp *Campaign, earlier int64, fn func(roster.StoredPerson) error) error {
	const page = 2000
	var after int64
	for {
		var ids []int64
		err := tx.WithContext(ctx).Model(&Delivery{}).Where("campaign_id = ? AND person_id > ?", earlier, after).
			Order("person_id").Limit(page).Pluck("person_id", &ids).Error
		if err != nil {
			return fmt.Errorf("people of campaign %d: %w", earlier, err)
		}
		people, err := s.deps.People.ByIDs(ctx, tx, cp.BreachID, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if p, ok := people[id]; ok {
				if err := fn(p); err != nil {
					return err
				}
			}
		}
		if len(ids) < page {
			return nil
		}
		after = ids[len(ids)-1]
	}
}

func audienceFilter(a Audience) roster.AudienceFilter {
	return roster.AudienceFilter{Regions: a.Regions, Languages: a.Languages, Channels: a.Channels, Imports: a.Imports}
}

// PreviewEML is one sample's notice as the .eml file Breachline would
// send, for a person of the campaign's audience.
func (s *Service) PreviewEML(ctx context.Context, c breach.Call, id, personID int64) ([]byte, error) {
	var out []byte
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		cp, p, msg, err := s.renderFor(ctx, tx, c.P, id, personID)
		if err != nil {
			return err
		}
		out, err = mail.EML(s.opts.MailFrom, s.mailMessage(&cp, p, msg), s.now())
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, c, &cp, "campaign.preview_eml", map[string]any{"person_id": personID})
	})
	return out, err
}

// Preview is one sample's notice as rendered for that person (subject,
// text, HTML and letter), for showing in the browser; PreviewEML is the
// same notice as a file. Audited like the file.
func (s *Service) Preview(ctx context.Context, c breach.Call, id, personID int64) (Message, error) {
	var out Message
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		cp, _, msg, err := s.renderFor(ctx, tx, c.P, id, personID)
		if err != nil {
			return err
		}
		out = msg
		return s.audit(ctx, tx, c, &cp, "campaign.preview", map[string]any{"person_id": personID})
	})
	return out, err
}

// renderFor renders a campaign's notice for one person of its breach, in
// the language that person gets, for someone who writes or approves.
func (s *Service) renderFor(ctx context.Context, tx *gorm.DB, pr *auth.Principal, id, personID int64) (Campaign, roster.StoredPerson, Message, error) {
	cp, err := s.campaignToReview(ctx, tx, pr, id)
	if err != nil {
		return cp, roster.StoredPerson{}, Message{}, err
	}
	r, err := s.newRenderer(ctx, tx, &cp)
	if err != nil {
		return cp, roster.StoredPerson{}, Message{}, err
	}
	people, err := s.deps.People.ByIDs(ctx, tx, cp.BreachID, []int64{personID})
	if err != nil {
		return cp, roster.StoredPerson{}, Message{}, err
	}
	p, ok := people[personID]
	if !ok {
		return cp, p, Message{}, fmt.Errorf("person %d: %w", personID, errs.ErrNotFound)
	}
	lang := s.languageOf(reachOfPerson(p), r.set, cp.DefaultLanguage)
	msg, err := r.render(lang, p, s.keys.Code(cp.ID, p.ID))
	return cp, p, msg, err
}

// mailMessage is a person's rendered notice as a message to send.
func (s *Service) mailMessage(cp *Campaign, p roster.StoredPerson, m Message) *mail.Message {
	to := emailOf(reachOfPerson(p))
	if to == "" {
		to = "no-address@invalid.example"
	}
	return &mail.Message{
		ID: s.keys.MessageID(cp.ID, p.ID, s.domain()), To: to, ToName: headerSafe(recipientName(p, m.Language)),
		Subject: m.Subject, Text: m.Text, HTML: m.HTML,
		Headers:      map[string]string{"X-Breachline-Campaign": strconv.FormatInt(cp.ID, 10)},
		EnvelopeFrom: s.bounceAddress(cp.ID, p.ID),
	}
}

// bounceAddress is the notice's own envelope sender when a bounce address
// is configured (so a bounce names the person even when the report quotes
// nothing of the message), else empty: the relay's default sender.
func (s *Service) bounceAddress(campaignID, personID int64) string {
	if s.opts.BounceAddress == "" {
		return ""
	}
	return s.keys.BounceAddress(s.opts.BounceAddress, campaignID, personID)
}

// headerSafe keeps a display name to one line.
func headerSafe(s string) string { return strings.Join(strings.Fields(inert(s)), " ") }

// domain is the domain of the From address, for Message-IDs.
func (s *Service) domain() string {
	from := s.opts.MailFrom
	if i := strings.LastIndex(from, "@"); i >= 0 {
		return strings.Trim(from[i+1:], "> ")
	}
	return "localhost"
}
