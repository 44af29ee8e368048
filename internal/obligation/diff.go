package obligation

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/rules"
)

// diff names what changed between two snapshots: required_changed,
// due_moved, until_moved, considered_again, status, terms_changed.
func diff(a, b *Snapshot) []string {
	var out []string
	// Applies differs from Required only for a permitted step (rows stored
	// before kinds existed have no Applies: that is no change).
	if !sameBool(a.Required, b.Required) || b.Kind == rules.KindPermitted && !sameBool(a.Applies, b.Applies) {
		out = append(out, "required_changed")
	}
	if !sameTime(a.Due, b.Due) || a.DueDate != b.DueDate {
		out = append(out, "due_moved")
	}
	if !sameTime(a.Until, b.Until) || a.UntilDate != b.UntilDate {
		out = append(out, "until_moved")
	}
	if !a.Considered && b.Considered {
		out = append(out, "considered_again")
	}
	if a.Status != b.Status {
		out = append(out, "status")
	}
	if termsChanged(a, b) {
		out = append(out, "terms_changed")
	}
	return out
}

// termsChanged compares everything else the rule says of the duty.
func termsChanged(a, b *Snapshot) bool {
	return a.Version != b.Version || a.Kind != b.Kind || a.Standard != b.Standard || a.Explanation != b.Explanation ||
		a.SatisfiedBy != b.SatisfiedBy || !sameInt(a.Count, b.Count) ||
		!sameTime(a.InternalTarget, b.InternalTarget) || !reflect.DeepEqual(nonNil(a.Missing), nonNil(b.Missing)) ||
		!sameJSON(a.Alternative, b.Alternative) || !sameJSON(nonEmpty(a.Alternatives), nonEmpty(b.Alternatives)) ||
		!sameJSON(nonEmpty(a.Provisions), nonEmpty(b.Provisions))
}

// nonEmpty is the list, or nil when it is empty: a list read back from the
// database is empty where a freshly computed one may be nil.
func nonEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func sameInt(a, b *int) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func sameBool(a, b *bool) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// sameJSON compares values by their JSON form: instants read back from the
// database carry another location than freshly computed ones.
func sameJSON(a, b any) bool {
	x, _ := json.Marshal(utcJSON(a))
	y, _ := json.Marshal(utcJSON(b))
	return string(x) == string(y)
}

func utcJSON(v any) any {
	raw, _ := json.Marshal(v)
	var m any
	_ = json.Unmarshal(raw, &m)
	return normalizeTimes(m)
}

// normalizeTimes rewrites RFC 3339 strings to UTC so that the same instant
// in two zones compares equal.
func normalizeTimes(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeTimes(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeTimes(e)
		}
	case string:
		if t, err := time.Parse(time.RFC3339, x); err == nil && strings.Contains(x, "T") {
			return t.UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}

// zoneName records the zone an instant was computed in: an IANA name when
// it has one, else its fixed offset.
func zoneName(loc *time.Location, t time.Time) string {
	if name := loc.String(); name != "" && name != "Local" {
		if _, err := time.LoadLocation(name); err == nil {
			return name
		}
	}
	_, off := t.Zone()
	return fmt.Sprintf("offset:%d", off)
}

// location reverses zoneName. Zones are loaded once: every obligation
// read back names one, and loading reads the zone database.
func location(name string) *time.Location {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location)
	}
	loc := time.UTC
	var off int
	if _, err := fmt.Sscanf(name, "offset:%d", &off); err == nil {
		loc = time.FixedZone("", off)
	} else if l, err := time.LoadLocation(name); err == nil && name != "" {
		loc = l
	}
	locations.Store(name, loc)
	return loc
}

// locations are the zones location has loaded, by name.
var locations sync.Map

// AfterFind shows the instants in the zone the deadline was computed in,
// so that "due" carries the offset the law's clock runs in.
func (o *Obligation) AfterFind(*gorm.DB) error {
	loc := location(o.DueZone)
	for _, t := range []*time.Time{o.DueAt, o.UntilAt, o.InternalTargetAt, o.AnchorAt} {
		if t != nil {
			*t = t.In(loc)
		}
	}
	// The other readings' dates were counted in the same zone; read back
	// from JSON they carry only an offset.
	for i := range o.Alternatives {
		if d := o.Alternatives[i].Due; d != nil {
			t := d.In(loc)
			o.Alternatives[i].Due = &t
		}
	}
	if a := o.Alternative; a != nil && a.Due != nil {
		t := a.Due.In(loc)
		a.Due = &t
	}
	return nil
}

// BeforeSave stores every instant in UTC: SQLite compares stored times as
// text, so rows read back in a deadline's zone must not be written in it.
func (o *Obligation) BeforeSave(*gorm.DB) error {
	for _, t := range []**time.Time{&o.DueAt, &o.UntilAt, &o.InternalTargetAt, &o.AnchorAt, &o.FiledAt, &o.DecidedAt} {
		if *t != nil {
			u := (*t).UTC()
			*t = &u
		}
	}
	return nil
}
