package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
)

// StatLine is one count of an annual statistics report.
type StatLine struct {
	Category string // e.g. "stolen"
	Measure  string // e.g. "total", "ransomware", "individuals_affected"
	Label    string // the measure as printed
	Count    int
}

// statCategory is one breach category of an annual report and the breach kind it counts.
type statCategory struct{ id, kind, label string }

func statCategories() []statCategory {
	return []statCategory{
		{"stolen", KindTheft, "Stolen"},
		{"lost", KindLoss, "Lost"},
		{"used_without_authority", KindUnauthorizedUse, "Used without authority"},
		{"disclosed_without_authority", KindUnauthorizedDisclosure, "Disclosed without authority"},
	}
}

// statMeasure is one sub-count: a tag a breach must carry, or a computed measure.
type statMeasure struct{ id, tag, label string }

func phipaMeasures() []statMeasure {
	return []statMeasure{
		{"total", "", "Total number of incidents"},
		{"internal_party", TagInternalParty, "by an internal party (employee, affiliated health practitioner, electronic service provider)"},
		{"stranger", TagStranger, "by a stranger"},
		{"ransomware", TagRansomware, "result of a ransomware attack"},
		{"other_cyberattack", TagCyberattack, "result of another type of cyberattack"},
		{"unencrypted_portable_equipment", TagUnencryptedDevice, "involving unencrypted portable electronic equipment"},
		{"paper_records", TagPaperRecords, "involving paper records"},
		{"misdirected", TagMisdirected, "misdirected fax, e-mail or mail"},
		{"individuals_affected", "", "Number of individuals affected"},
	}
}

func fippaMeasures() []statMeasure {
	return []statMeasure{
		{"total", "", "Total number of incidents"},
		{"reported_to_ipc", "", "reported to the IPC"},
		{"individuals_notified", "", "where affected individuals were notified"},
		{"individuals_affected", "", "Number of individuals affected"},
	}
}

// AnnualStatistics counts the breaches of Input.Register for Input.Year for the
// kinds "phipa-annual-stats" and "fippa-annual-stats". A breach is in the year
// of the date the organization became aware of it (else discovered, determined,
// occurred), in the organization's zone; it counts once in each category it carries.
func AnnualStatistics(kind string, in Input) ([]StatLine, error) {
	var measures []statMeasure
	switch kind {
	case "phipa-annual-stats":
		measures = phipaMeasures()
	case "fippa-annual-stats":
		measures = fippaMeasures()
	default:
		return nil, fmt.Errorf("%w: %q has no annual statistics", ErrUnknownKind, kind)
	}
	if in.Year < 1 {
		return nil, fmt.Errorf("%w: Year is required", ErrInvalidInput)
	}
	entries := entriesInYear(in)
	var out []StatLine
	for _, c := range statCategories() {
		for _, m := range measures {
			out = append(out, StatLine{Category: c.id, Measure: m.id, Label: m.label, Count: measureCount(entries, c, m)})
		}
	}
	return out, nil
}

func entriesInYear(in Input) []RegisterEntry {
	z := zoneOf(in)
	var out []RegisterEntry
	for _, e := range in.Register {
		if at, ok := registerDate(e.Breach); ok && at.In(z).Year() == in.Year {
			out = append(out, e)
		}
	}
	return out
}

func measureCount(entries []RegisterEntry, c statCategory, m statMeasure) int {
	n := 0
	for _, e := range entries {
		if !slices.Contains(e.Breach.Kinds, c.kind) {
			continue
		}
		switch {
		case m.id == "individuals_affected":
			n += e.Affected
		case m.id == "reported_to_ipc":
			n += boolInt(e.ReportedAt != nil)
		case m.id == "individuals_notified":
			n += boolInt(e.NotifiedAt != nil)
		case m.tag == "" || slices.Contains(e.Breach.Kinds, m.tag):
			n++
		}
	}
	return n
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func phipaStatsKind() kindDef {
	return statsKind("phipa-annual-stats", "Annual privacy breach statistics (PHIPA O. Reg. 329/04 s.6.4)",
		"ON-PHIPA-STATS", "Submitted online to the IPC (statistics.ipc.on.ca) by March 1 for the previous calendar year. "+
			"All breaches are counted, whether or not they were reported to the IPC at the time. "+
			"The submitter attests that they are authorized and that the data are accurate and complete.")
}

func fippaStatsKind() kindDef {
	return statsKind("fippa-annual-stats", "Annual privacy breach statistics (FIPPA)",
		"ON-FIPPA-ANNUAL", "Annual breach statistics of an institution under FIPPA, by category of breach, for the calendar year.")
}

func statsKind(id, title, rule, note string) kindDef {
	return kindDef{
		info: KindInfo{ID: id, Title: title, Regulator: ipcName, Language: "en", RuleIDs: []string{rule}, CSV: true},
		check: func(in Input) []Missing {
			if in.Year < 1 {
				return []Missing{{Field: "year", Label: "Calendar year", Why: "O. Reg. 329/04 s.6.4(1)"}}
			}
			return nil
		},
		render: func(in Input, w io.Writer) error { return renderStats(id, title, note, in, w) },
		csv:    func(in Input, w io.Writer) error { return statsCSV(id, in, w) },
	}
}

func renderStats(kind, title, note string, in Input, w io.Writer) error {
	lines, err := AnnualStatistics(kind, in)
	if err != nil {
		return err
	}
	v := newView(in, "en")
	m := metaFor(in, v, title, "Calendar year "+strconv.Itoa(in.Year), "Letter")
	m.reference = ""
	if in.DocumentID == "" {
		m.docID = kind + "-" + strconv.Itoa(in.Year)
	}
	d := newDoc(m)
	d.note(note)
	d.heading("Organization")
	d.field("Organization", firstNonEmpty(v.value("org.name"), v.w.notKnown))
	d.field("Primary contact", firstNonEmpty(v.value("org.contact"), v.w.notKnown))
	d.field("Calendar year", strconv.Itoa(in.Year))
	d.field("Breaches counted", count(len(entriesInYear(in)), "en"))
	for _, c := range statCategories() {
		d.heading(c.label)
		t := d.newTable([]column{{head: "Measure", share: 5}, {head: "Count", share: 1, right: true}}, 9)
		for _, l := range lines {
			if l.Category == c.id {
				t.row([]string{measureLabel(l), count(l.Count, "en")})
			}
		}
	}
	return d.finish(w)
}

func statsCSV(kind string, in Input, w io.Writer) error {
	lines, err := AnnualStatistics(kind, in)
	if err != nil {
		return err
	}
	c := newCSV(w)
	c.row("year", "category", "measure", "count")
	for _, l := range lines {
		c.row(strconv.Itoa(in.Year), l.Category, l.Measure, strconv.Itoa(l.Count))
	}
	return c.flush()
}

// measureLabel indents the sub-counts under the category's total.
func measureLabel(l StatLine) string {
	if l.Measure == "total" || l.Measure == "individuals_affected" {
		return l.Label
	}
	return "    of these, " + l.Label
}
