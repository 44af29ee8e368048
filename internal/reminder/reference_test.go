package reminder

import (
	"sort"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// TestSubjectNamesTheOrganization: two organizations number their breaches
// alike; a member of both gets one reminder for each, and the subjects
// tell them apart by the organization's name, in both languages.
func TestSubjectNamesTheOrganization(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		town := f.newOrg("town")
		townBreach := f.newBreach(town, "BR-2025-0007")
		po := f.member(f.org, "po@both.test", "privacy_officer")
		f.member(town, po, "privacy_officer")
		f.obligation(f.breach, f.org, t0)
		f.obligation(townBreach, town, t0)
		if st := f.run(t0.Add(-24 * time.Hour)); st.Sent != 2 {
			t.Fatalf("%+v, want 2 sent", st)
		}
		var subjects []string
		for _, m := range f.smtp.To(po) {
			subj, _ := readReminder(t, m.Data)
			subjects = append(subjects, subj)
		}
		sort.Strings(subjects)
		want := []string{
			"BR-2025-0007 (City of city): Information and Privacy Commissioner of Ontario is due in 24 hours",
			"BR-2025-0007 (City of town): Information and Privacy Commissioner of Ontario is due in 24 hours",
		}
		if len(subjects) != 2 || subjects[0] != want[0] || subjects[1] != want[1] {
			t.Fatalf("subjects %q, want %q", subjects, want)
		}

		f.exec("UPDATE users SET language = 'fr' WHERE email = ?", po)
		f.run(t0.Add(-4 * time.Hour))
		subj, _ := readReminder(t, f.smtp.To(po)[2].Data)
		if subj != "BR-2025-0007 (City of city)\u00a0: Information and Privacy Commissioner of Ontario, échéance dans 4 heures" &&
			subj != "BR-2025-0007 (City of town)\u00a0: Information and Privacy Commissioner of Ontario, échéance dans 4 heures" {
			t.Fatalf("French subject %q", subj)
		}
	})
}
