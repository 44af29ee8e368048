package reminder

import (
	"bytes"
	"io"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// readReminder decodes the subject and text of a received reminder.
func readReminder(t *testing.T, raw []byte) (string, string) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subj, err := new(mime_WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
	return subj, string(body)
}

// TestRemindersInTheReadersLanguage: a member who chose French gets the
// reminder in French; with no choice, the organization's default decides;
// a member who chose English keeps English under a French default.
func TestRemindersInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		fr := f.member(f.org, "po@city.test", "privacy_officer")
		byDefault := f.member(f.org, "legal@city.test", "legal")
		f.exec("UPDATE users SET language = 'fr' WHERE email = ?", fr)
		f.obligation(f.breach, f.org, t0)
		f.run(t0.Add(-24 * time.Hour))
		subj, text := readReminder(t, f.smtp.To(fr)[0].Data)
		if subj != "BR-2025-0007 (City of city)\u00a0: Information and Privacy Commissioner of Ontario, échéance dans 24 heures" {
			t.Errorf("French subject %q", subj)
		}
		for _, want := range []string{
			"Bonjour Name po@city.test,", "Une échéance de l'atteinte BR-2025-0007 (Lost laptop) arrive dans 24 heures.",
			"Échéance\u00a0:     mercredi 5 mars 2025 à 17\u00a0h HNE (America/Toronto)", "mercredi 5 mars 2025 à 22\u00a0h UTC",
			"Disposition\u00a0:", "Règle\u00a0:", "ON-PHIPA-IPC (vérifiée)", "Ouvrir l'atteinte\u00a0: https://breachline.test/breaches/",
			"marquez l'obligation comme déposée", "à titre de responsable de la protection des renseignements personnels de City of city",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("French reminder lacks %q:\n%s", want, text)
			}
		}
		for _, english := range []string{"Hello", "deadline", "Due", "Notify", "Open the breach", "You receive"} {
			if strings.Contains(text, english) {
				t.Errorf("French reminder has %q:\n%s", english, text)
			}
		}
		if _, text := readReminder(t, f.smtp.To(byDefault)[0].Data); !strings.Contains(text, "Hello Name legal@city.test") {
			t.Errorf("no choice, no default: not English:\n%s", text)
		}

		f.exec("UPDATE organizations SET default_language = 'fr' WHERE id = ?", f.org)
		f.exec("UPDATE users SET language = 'en' WHERE email = ?", fr)
		f.run(t0.Add(-4 * time.Hour))
		if _, text := readReminder(t, f.smtp.To(byDefault)[1].Data); !strings.Contains(text, "Bonjour") || !strings.Contains(text, "4 heures") {
			t.Errorf("the organization's default is not used:\n%s", text)
		}
		if subj, _ := readReminder(t, f.smtp.To(fr)[1].Data); !strings.Contains(subj, "is due in 4 hours") {
			t.Errorf("the member's English choice is not kept: %q", subj)
		}
	})
}
