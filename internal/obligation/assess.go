package obligation

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/breachline/breachline/internal/clock"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/rules"
)

// maxFacts bounds a facts document.
const maxFacts = 4 << 20

// ReadFacts decodes facts from JSON or YAML (JSON is read as YAML); unknown
// fields are errors.
func ReadFacts(r io.Reader) (rules.Facts, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxFacts+1))
	if err != nil {
		return rules.Facts{}, fmt.Errorf("read facts: %w", err)
	}
	if len(raw) > maxFacts {
		return rules.Facts{}, &errs.Invalid{Message: fmt.Sprintf("facts larger than %d bytes", maxFacts)}
	}
	var f rules.Facts
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if err == io.EOF {
			return rules.Facts{}, &errs.Invalid{Message: "the facts are empty"}
		}
		return rules.Facts{}, &errs.Invalid{Message: "facts: " + err.Error()}
	}
	return f, nil
}

// CheckFacts reports every value the catalogue does not know or the engine
// cannot read, per field (e.g. "kinds[1]", "events.aware",
// "answers.rrosh").
func (t Terms) CheckFacts(f *rules.Facts) error {
	fl := errs.Fields{}
	org := f.Organization
	if org.TimeZone != "" {
		if _, err := time.LoadLocation(org.TimeZone); err != nil || org.TimeZone == "Local" {
			fl.Add("organization.time_zone", "an IANA time zone such as America/Toronto")
		}
	}
	checkList(fl, "organization.sectors", org.Sectors, t.Sector)
	checkList(fl, "organization.roles", org.Roles, t.Role)
	checkList(fl, "kinds", f.Kinds, t.BreachKind)
	checkList(fl, "data_categories", f.DataCategories, t.DataCategory)
	for id, v := range f.Events {
		if !t.ClockEvent(id) {
			fl.Add("events."+id, "unknown clock event")
		} else if !readableInstant(v) {
			fl.Add("events."+id, "an RFC 3339 time with offset, or YYYY-MM-DD")
		}
	}
	for key, v := range f.Completed {
		if !readableInstant(v) {
			fl.Add("completed."+key, "an RFC 3339 time with offset, or YYYY-MM-DD")
		}
	}
	for i, a := range f.Affected {
		if a.Region == "" || a.Count < 0 {
			fl.Add(fmt.Sprintf("affected[%d]", i), "a region code and a count of zero or more")
		}
	}
	for id, v := range f.Answers {
		if v == nil {
			continue
		}
		if why := t.CheckAnswer(id, fmt.Sprint(v)); why != "" {
			fl.Add("answers."+id, why)
		}
	}
	return fl.Err()
}

func checkList(fl errs.Fields, field string, list []string, known func(string) bool) {
	for i, s := range list {
		if !known(s) {
			fl.Add(fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("unknown %q", s))
		}
	}
}

func readableInstant(s string) bool {
	if _, err := time.Parse(time.RFC3339, s); err == nil {
		return true
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// AssessReader is the whole of `breachline assess` after flag parsing: it
// loads the embedded catalogue and calendars (no database), reads and
// checks the facts and evaluates them as of now. Duties with no fixed date
// are tracked against the facts' internal_target_hours, else 72 hours, as
// the assessments API does for a caller whose organization keeps the
// default.
func AssessReader(r io.Reader, now time.Time) (rules.Result, error) {
	facts, err := ReadFacts(r)
	if err != nil {
		return rules.Result{}, err
	}
	cat, err := rules.LoadDefault()
	if err != nil {
		return rules.Result{}, err
	}
	if err := (Terms{V: &cat.Vocabulary}).CheckFacts(&facts); err != nil {
		return rules.Result{}, err
	}
	cals, err := clock.LoadDefault()
	if err != nil {
		return rules.Result{}, err
	}
	return rules.Evaluate(cat, facts, rules.Options{Now: now, Calendars: cals, InternalTarget: InternalTarget(&facts, 0)}), nil
}
