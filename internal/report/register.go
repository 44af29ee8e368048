package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

func registerKind() kindDef {
	return kindDef{
		info: KindInfo{ID: "register", Title: "Breach register", Language: "en",
			RuleIDs: []string{"CA-PIPEDA-REC", "QC-PPIPS-REG", "ON-FIPPA-RECORD", "EU-GDPR-DOC"}, CSV: true},
		check:  checkRegister,
		render: renderRegister,
		csv:    registerCSV,
	}
}

// registerDate is the instant that places a breach in a register period: when
// the organization became aware of it, else discovered, determined or occurred.
func registerDate(b Breach) (time.Time, bool) {
	for _, kind := range []string{EventAware, EventDiscovered, EventDetermined, EventOccurred} {
		var first time.Time
		for _, e := range b.Events {
			if e.Kind == kind && !e.At.IsZero() && (first.IsZero() || e.At.Before(first)) {
				first = e.At
			}
		}
		if !first.IsZero() {
			return first, true
		}
	}
	return time.Time{}, false
}

// registerEntries returns the entries in the period, oldest first. Entries
// with no date at all are kept, last, so that no breach drops out of the record.
func registerEntries(in Input) ([]RegisterEntry, error) {
	if !in.PeriodStart.IsZero() && !in.PeriodEnd.IsZero() && !in.PeriodEnd.After(in.PeriodStart) {
		return nil, fmt.Errorf("%w: register period ends before it starts", ErrInvalidInput)
	}
	type dated struct {
		e  RegisterEntry
		at time.Time
		ok bool
	}
	keep := make([]dated, 0, len(in.Register))
	for _, e := range in.Register {
		at, ok := registerDate(e.Breach)
		if ok && !in.PeriodStart.IsZero() && at.Before(in.PeriodStart) {
			continue
		}
		if ok && !in.PeriodEnd.IsZero() && !at.Before(in.PeriodEnd) {
			continue
		}
		keep = append(keep, dated{e, at, ok})
	}
	slices.SortStableFunc(keep, func(a, b dated) int {
		if a.ok != b.ok {
			return cmp.Compare(boolInt(b.ok), boolInt(a.ok))
		}
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.e.Breach.Reference, b.e.Breach.Reference)
	})
	out := make([]RegisterEntry, len(keep))
	for i, k := range keep {
		out[i] = k.e
	}
	return out, nil
}

// entryView is a view of one register entry.
func entryView(in Input, e RegisterEntry) *view {
	in.Breach = e.Breach
	in.Roster = RosterStats{Total: e.Affected}
	in.Register = nil
	return newView(in, "en")
}

// checkRegister lists, per breach, the register items still unknown.
func checkRegister(in Input) []Missing {
	entries, err := registerEntries(in)
	if err != nil {
		return []Missing{{Field: "period", Label: "Register period", Why: err.Error()}}
	}
	var out []Missing
	for _, e := range entries {
		v := entryView(in, e)
		for _, f := range registerFields() {
			if v.value(f.key) == "" {
				out = append(out, Missing{Field: e.Breach.Reference + "/" + f.key, Label: e.Breach.Reference + ": " + f.label, Why: f.why})
			}
		}
		if e.Notifiable == nil && e.RiskAssessment == "" {
			out = append(out, Missing{Field: e.Breach.Reference + "/risk_assessment",
				Label: e.Breach.Reference + ": risk of significant harm assessment", Why: "Québec Regulation s.7(6); SOR/2018-64 s.6"})
		}
	}
	return out
}

// registerFields are the items every register entry needs (SOR/2018-64 s.6,
// GDPR Art. 33(5), Québec Regulation s.7).
func registerFields() []field {
	return []field{
		req("breach.description", "circumstances of the breach", "Québec Regulation s.7(2); GDPR Art. 33(5)"),
		req("breach.data", "personal information involved", "Québec Regulation s.7(1)"),
		req("breach.period", "date or period of the breach", "Québec Regulation s.7(3)"),
		req("breach.affected", "number of persons concerned", "Québec Regulation s.7(5)"),
	}
}

func renderRegister(in Input, w io.Writer) error {
	entries, err := registerEntries(in)
	if err != nil {
		return err
	}
	v := newView(in, "en")
	m := metaFor(in, v, "Breach register", registerSubtitle(in, v), "Letter")
	m.reference, m.landscape = "", true
	if in.DocumentID == "" {
		m.docID = "register-" + in.GeneratedAt.UTC().Format("20060102T150405Z")
	}
	d := newDoc(m)
	d.note("Every breach of security safeguards / personal data breach in the period, whether or not it was notifiable " +
		"(PIPEDA s.10.3 and SOR/2018-64 s.6; GDPR Art. 33(5); Québec Regulation respecting confidentiality incidents s.7). " +
		"Breaches are placed in the period by the date the organization became aware of them.")
	d.field("Breaches in this register", count(len(entries), "en"))
	t := d.newTable(registerColumns(), 7)
	for _, e := range entries {
		t.row(registerRow(in, e, v.w))
	}
	if in.AuditCheckpoint != "" {
		d.note("Audit trail checkpoint (the signed head of the organization's audit log when this register was made; " +
			"breachline audit verify compares it with the log): " + in.AuditCheckpoint)
	}
	return d.finish(w)
}

func registerSubtitle(in Input, v *view) string {
	if in.PeriodStart.IsZero() && in.PeriodEnd.IsZero() {
		return "All recorded breaches"
	}
	from, to := "…", "…"
	if !in.PeriodStart.IsZero() {
		from = formatTime(in.PeriodStart, v.zone)
	}
	if !in.PeriodEnd.IsZero() {
		to = formatTime(in.PeriodEnd, v.zone)
	}
	return "Period: " + from + " to " + to
}

func registerColumns() []column {
	return []column{
		{head: "Reference", share: 1.5}, {head: "Occurred", share: 1.3}, {head: "Aware", share: 1.1},
		{head: "Circumstances", share: 2.7}, {head: "Personal information", share: 1.8},
		{head: "Persons", share: 0.8, right: true}, {head: "Risk of significant harm", share: 2},
		{head: "Reported to regulator", share: 1.1}, {head: "Individuals notified", share: 1.1},
		{head: "Measures", share: 2.2},
	}
}

// registerRow prints one breach; unknown items say so.
func registerRow(in Input, e RegisterEntry, w words) []string {
	v := entryView(in, e)
	unknown := func(s string) string {
		if s == "" {
			return "Not yet known"
		}
		return s
	}
	circ := joinLines(e.Breach.Title, e.Breach.Description, prefixed("Cause: ", e.Breach.Cause))
	return []string{
		e.Breach.Reference,
		unknown(v.value("breach.period")),
		unknown(firstNonEmpty(v.value("breach.aware"), v.value("breach.discovered"))),
		unknown(circ),
		unknown(v.value("breach.data")),
		unknown(v.value("breach.affected")),
		unknown(joinLines(notifiableText(e.Notifiable, w), e.RiskAssessment)),
		dateOrDash(e.ReportedAt, v.zone),
		joinLines(dateOrDash(e.NotifiedAt, v.zone), e.PublicNotice),
		unknown(joinLines(e.Breach.Containment, e.Breach.Mitigation)),
	}
}

func notifiableText(n *bool, w words) string {
	switch {
	case n == nil:
		return "Undetermined"
	case *n:
		return "Real risk of significant harm: " + strings.ToLower(w.yes)
	}
	return "Real risk of significant harm: " + strings.ToLower(w.no)
}

func dateOrDash(t *time.Time, z *time.Location) string {
	if t == nil || t.IsZero() {
		return "—"
	}
	return formatTime(*t, z)
}

func joinLines(items ...string) string {
	return strings.Join(nonEmpty(items...), "\n")
}

func prefixed(prefix, s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return prefix + s
}

func firstNonEmpty(items ...string) string {
	for _, s := range items {
		if s != "" {
			return s
		}
	}
	return ""
}
