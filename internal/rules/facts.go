package rules

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Facts is the input of an assessment, the same for the CLI and the API.
type Facts struct {
	Organization Organization `json:"organization" yaml:"organization"`
	// Events maps an event id (occurred, discovered, aware, determined, …)
	// to an RFC 3339 instant, or to a plain date ("2025-03-03") read as
	// midnight in the organization's zone.
	Events map[string]string `json:"events" yaml:"events"`
	// Completed maps a duty key (e.g. "EU-NIS2-IN") to the instant it was
	// actually filed; later stages count from it.
	Completed      map[string]string `json:"completed,omitempty" yaml:"completed,omitempty"`
	Affected       []Affected        `json:"affected" yaml:"affected"`
	DataCategories []string          `json:"data_categories" yaml:"data_categories"`
	Kinds          []string          `json:"kinds" yaml:"kinds"`
	// Answers maps a question id to a bool, string or number.
	Answers map[string]any `json:"answers" yaml:"answers"`
}

// Organization is the obligated entity.
type Organization struct {
	Sectors []string `json:"sectors" yaml:"sectors"`
	Roles   []string `json:"roles" yaml:"roles"`
	// Home is the region of establishment ("CA-ON", "DE", "US-NY").
	Home string `json:"home" yaml:"home"`
	// TimeZone is an IANA zone name; day-based deadlines end in it.
	TimeZone string `json:"time_zone" yaml:"time_zone"`
	// InternalTargetHours is the organization's own target for duties
	// with no fixed deadline, used when Options.InternalTarget is zero (an
	// assessment of facts that are not stored); 0 = none.
	InternalTargetHours int `json:"internal_target_hours,omitempty" yaml:"internal_target_hours,omitempty"`
}

// Affected is the number of affected people resident in one region.
type Affected struct {
	Region string `json:"region" yaml:"region"`
	Count  int    `json:"count" yaml:"count"`
}

// parsedFacts is Facts with instants parsed once.
type parsedFacts struct {
	*Facts
	loc        *time.Location
	events     map[string]time.Time
	completed  map[string]time.Time
	warnings   []string
	regionMemo map[string]*regionStats
}

// regionStats is what one evaluation knows about a target region: the total
// affected inside it, the per-region counts, and whether anyone lives there.
type regionStats struct {
	total     int
	perRegion map[string]int
	touched   bool
}

// stats computes (once per evaluation) the counts inside target: many
// rules ask about the same regions.
func (p *parsedFacts) stats(v *Vocabulary, target string) *regionStats {
	if st, ok := p.regionMemo[target]; ok {
		return st
	}
	st := &regionStats{perRegion: map[string]int{}}
	for _, a := range p.Affected {
		if v.InRegion(a.Region, target) {
			st.total += a.Count
			st.perRegion[a.Region] += a.Count
			st.touched = st.touched || a.Count > 0
		}
	}
	p.regionMemo[target] = st
	return st
}

// parseFacts parses the zone and every instant. Bad values become warnings
// and are treated as not recorded, so one typo does not hide every duty.
func parseFacts(f *Facts) *parsedFacts {
	p := &parsedFacts{Facts: f, loc: time.UTC, events: map[string]time.Time{}, completed: map[string]time.Time{}, regionMemo: map[string]*regionStats{}}
	if f.Organization.TimeZone != "" {
		loc, err := time.LoadLocation(f.Organization.TimeZone)
		if err != nil {
			p.warn("organization.time_zone %q is not an IANA zone; using UTC", f.Organization.TimeZone)
		} else {
			p.loc = loc
		}
	}
	p.parseMap("events", f.Events, p.events)
	p.parseMap("completed", f.Completed, p.completed)
	return p
}

func (p *parsedFacts) parseMap(field string, in map[string]string, out map[string]time.Time) {
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.TrimSpace(in[k]) == "" {
			continue
		}
		t, err := parseInstant(in[k], p.loc)
		if err != nil {
			p.warn("%s.%s: %v", field, k, err)
			continue
		}
		out[k] = t
	}
}

func (p *parsedFacts) warn(format string, args ...any) {
	p.warnings = append(p.warnings, fmt.Sprintf(format, args...))
}

// parseInstant reads RFC 3339, or a civil date as midnight in loc.
func parseInstant(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is neither RFC 3339 nor YYYY-MM-DD", s)
}

// Validate checks the facts for values the engine cannot read.
func (f *Facts) Validate() error {
	p := parseFacts(f)
	for _, a := range f.Affected {
		if a.Region == "" || a.Count < 0 {
			p.warn("affected: region %q count %d is not valid", a.Region, a.Count)
		}
	}
	if len(p.warnings) > 0 {
		return fmt.Errorf("rules: invalid facts: %s", strings.Join(p.warnings, "; "))
	}
	return nil
}

// event returns a recorded event, or a completed duty for "completed:KEY".
func (p *parsedFacts) event(id string) (time.Time, bool) {
	if key, ok := strings.CutPrefix(id, "completed:"); ok {
		t, found := p.completed[key]
		return t, found
	}
	t, ok := p.events[id]
	return t, ok
}

// count sums the affected people in regions inside target.
func (p *parsedFacts) count(v *Vocabulary, target string) int {
	return p.stats(v, target).total
}

// perRegion sums affected people per distinct region code inside target.
func (p *parsedFacts) perRegion(v *Vocabulary, target string) map[string]int {
	return p.stats(v, target).perRegion
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func intersects(have, want []string) []string {
	var out []string
	for _, w := range want {
		if contains(have, w) {
			out = append(out, w)
		}
	}
	return out
}
