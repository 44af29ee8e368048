package ui

import (
	"context"
	"sort"
	"time"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/notice"
)

// lettersView is the campaign's postal letters: counts, print files and
// what the user may do with them.
type lettersView struct {
	notice.Letters
	RequestedAt *instant
	Files       []letterFileRow
	// CanRequest: print files may be asked for now.
	CanRequest bool
	// CanReturn: letters went out, so returned ones may be recorded.
	CanReturn bool
	// Today is the organization's date, the latest a file can be marked.
	Today string
}

// letterFileRow is one print file.
type letterFileRow struct {
	notice.LetterBatch
	Created         *instant
	Printed, Mailed *time.Time
}

// campaignLetters fills the letters section once the campaign is sending.
func (u *pages) campaignLetters(ctx context.Context, p *auth.Principal, v *campaignView, loc *time.Location, zone string) error {
	if beforeSending(v.Status) || v.Status == notice.CampaignPreparing {
		return nil
	}
	ls, err := u.d.Notices.LettersOf(ctx, p, v.ID)
	if err != nil {
		return err
	}
	if v.Status == notice.CampaignCancelled && len(ls.Batches) == 0 {
		return nil
	}
	lv := &lettersView{Letters: ls, Today: time.Now().In(loc).Format(time.DateOnly)}
	if ls.RequestedAt != nil {
		lv.RequestedAt = newInstant(*ls.RequestedAt, loc, zone)
	}
	inZone := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		z := t.In(loc)
		return &z
	}
	for _, b := range ls.Batches {
		lv.Files = append(lv.Files, letterFileRow{LetterBatch: b, Created: newInstant(b.CreatedAt, loc, zone),
			Printed: inZone(b.PrintedAt), Mailed: inZone(b.MailedAt)})
	}
	lv.CanRequest = v.Rights.Write && ls.Due > 0 && !ls.Requested && v.Status != notice.CampaignCancelled
	lv.CanReturn = v.Rights.Write && ls.ByStatus[notice.Mailed]+ls.ByStatus[notice.Printed]+ls.ByStatus[notice.Returned] > 0
	v.Letters = lv
	return nil
}

// evidenceView is what the campaign shows for the duty it answers.
type evidenceView struct {
	notice.Evidence
	Started, Completed, FirstSent, LastSent *instant
	Rows                                    []statusCount
	// Done: the duty is recorded as done; CanMarkDone: the user may record it.
	Done, CanMarkDone bool
}

// campaignEvidence fills the evidence once a campaign linked to a duty has
// been sent.
func (u *pages) campaignEvidence(ctx context.Context, p *auth.Principal, v *campaignView, loc *time.Location, zone string) error {
	if v.ObligationID == nil || beforeSending(v.Status) {
		return nil
	}
	ev, err := u.d.Notices.Evidence(ctx, p, v.ID)
	if err != nil {
		return err
	}
	at := func(t *time.Time) *instant {
		if t == nil {
			return nil
		}
		return newInstant(*t, loc, zone)
	}
	e := &evidenceView{Evidence: ev, Started: at(ev.StartedAt), Completed: at(ev.CompletedAt), FirstSent: at(ev.FirstSent),
		LastSent: at(ev.LastSent)}
	for _, st := range notice.Statuses {
		if n := ev.ByStatus[st]; n > 0 && notice.Final(st) {
			e.Rows = append(e.Rows, statusCount{Status: st, N: n})
		}
	}
	sort.SliceStable(e.Rows, func(i, j int) bool { return e.Rows[i].N > e.Rows[j].N })
	e.Done = v.Duty != nil && !v.Duty.Open()
	e.CanMarkDone = v.Rights.Write && v.Status == notice.CampaignCompleted && v.Duty != nil && v.Duty.Open()
	v.Evidence = e
	return nil
}

// substituteView is the public notice that stands in for the people the
// campaign could not reach, with how many it covers and why.
type substituteView struct {
	Total, Undeliverable, Returned int64
	Texts                          []substituteText
}

// substituteText is the substitute notice in one language.
type substituteText struct {
	Lang, Text string
}

// campaignSubstitute fills the substitute notice once some people are
// known to have no notice.
func (u *pages) campaignSubstitute(ctx context.Context, p *auth.Principal, v *campaignView) error {
	if v.Progress.Count(notice.Undeliverable)+v.Progress.Count(notice.Returned) == 0 {
		return nil
	}
	sub, err := u.d.Notices.Substitute(ctx, p, v.ID)
	if err != nil {
		return err
	}
	sv := &substituteView{Undeliverable: sub.Covers[notice.Undeliverable], Returned: sub.Covers[notice.Returned]}
	sv.Total = sv.Undeliverable + sv.Returned
	langs := make([]string, 0, len(sub.Text))
	for lang := range sub.Text {
		langs = append(langs, lang)
	}
	sort.Strings(langs)
	for _, lang := range langs {
		sv.Texts = append(sv.Texts, substituteText{Lang: lang, Text: sub.Text[lang]})
	}
	v.Substitute = sv
	return nil
}
