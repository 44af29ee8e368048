package ui

import (
	"testing"

	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/notice"
)

// TestNoticeWordsInEveryLanguage: the notice pages build some keys from
// the notice package's lists (statuses, content and merge fields); each has
// a message in every language, so a new status or field fails here until
// it is translated.
func TestNoticeWordsInEveryLanguage(t *testing.T) {
	keys := []string{}
	for _, st := range campaignStatuses {
		keys = append(keys, "campaign_status."+st)
	}
	for _, st := range notice.Statuses {
		keys = append(keys, "delivery_status."+st)
	}
	for _, f := range notice.ContentFields {
		keys = append(keys, "notices.field."+f, "notices.field_help."+f)
	}
	for _, f := range notice.Fields {
		keys = append(keys, "notices.merge."+f.Name)
	}
	for _, done := range []string{"created", "saved", "voided", "approved", "sent", "paused", "resumed", "cancelled", "retried",
		"retried_none", "letters", "printed", "mailed", "returned", "obligation_done", "template_copied", "template_saved"} {
		keys = append(keys, "notices.done."+done)
	}
	for _, lang := range i18n.Languages {
		l := i18n.For(lang)
		for _, k := range keys {
			if !l.Has(k) {
				t.Errorf("%s: no message %s", lang, k)
			}
		}
	}
}

// TestEtaText: the time left is written as the progress script writes it.
func TestEtaText(t *testing.T) {
	for secs, want := range map[int64]string{0: "< 1 min", 59: "< 1 min", 60: "1 min", 61: "2 min", 3599: "1 h 00 min",
		3600: "1 h 00 min", 3661: "1 h 02 min", 7200: "2 h 00 min"} {
		if got := etaText(secs); got != want {
			t.Errorf("etaText(%d) = %q, want %q", secs, got, want)
		}
	}
}

// TestCampaignEditKeepsOtherTexts: the edit form replaces the texts it
// carries, drops those left empty and keeps the languages it does not show.
func TestCampaignEditKeepsOtherTexts(t *testing.T) {
	cur := notice.Campaign{Content: notice.Content{"en": {"contact": "old", "remediation": "keep"}, "fr": {"contact": "ancien"}}}
	in := campaignEdit(cur, map[string][]string{"name": {" New "}, "content.en.contact": {"line 1\r\nline 2"},
		"content.en.what_happened": {"  "}, "obligation_id": {"0"}})
	c := *in.Content
	if c["en"]["contact"] != "line 1\nline 2" || c["en"]["remediation"] != "keep" || c["fr"]["contact"] != "ancien" {
		t.Fatalf("content: %v", c)
	}
	if _, ok := c["en"]["what_happened"]; ok {
		t.Fatal("an empty text is kept")
	}
	if *in.Name != "New" || in.ObligationID == nil || *in.ObligationID != 0 {
		t.Fatalf("name %q obligation %v", *in.Name, in.ObligationID)
	}
}
