package clock

import (
	"fmt"
	"strings"
)

// Closure is a one-off closure of a calendar (an office closed by executive
// order, a storm day) that is not in the calendar's file: stored data that
// every process reads, so it is applied per use rather than kept in a
// process's memory.
type Closure struct {
	Calendar string
	Date     Date
	Name     string
}

// WithClosures returns a registry with the closures added to their
// calendars and to every calendar that extends them. The receiver is not
// changed, so a registry can be shared by every request while each
// evaluation uses the closures the database holds at that moment. A
// closure of an unknown calendar is an error wrapping ErrUnknownCalendar.
func (r *Registry) WithClosures(list []Closure) (*Registry, error) {
	if len(list) == 0 {
		return r, nil
	}
	extra := map[string][]Holiday{}
	for _, cl := range list {
		if _, err := r.Calendar(cl.Calendar); err != nil {
			return nil, fmt.Errorf("closure on %s: %w", cl.Date, err)
		}
		if strings.TrimSpace(cl.Name) == "" {
			return nil, fmt.Errorf("closure of %s on %s: name %w", cl.Calendar, cl.Date, errRequired)
		}
		h := Holiday{Date: cl.Date, Name: cl.Name, Kind: KindClosure}
		for _, id := range r.family(cl.Calendar) {
			extra[id] = append(extra[id], h)
		}
	}
	out := &Registry{cals: make(map[string]*Calendar, len(r.cals)), children: r.children}
	for id, c := range r.cals {
		if hs, ok := extra[id]; ok {
			out.cals[id] = c.withClosures(hs)
		} else {
			out.cals[id] = c
		}
	}
	return out, nil
}

// family is id and every calendar that extends it, directly or not.
func (r *Registry) family(id string) []string {
	out := []string{id}
	for _, child := range r.children[id] {
		out = append(out, r.family(child)...)
	}
	return out
}

// withClosures copies the calendar with more closures and an empty cache of
// computed years; the rules are shared, since they never change.
func (c *Calendar) withClosures(hs []Holiday) *Calendar {
	c.mu.Lock()
	defer c.mu.Unlock()
	cp := &Calendar{id: c.id, name: c.name, status: c.status, source: c.source,
		weekend: c.weekend, everyWeek: c.everyWeek, rules: c.rules, citizensRule: c.citizensRule,
		coverFrom: c.coverFrom, coverTo: c.coverTo, closures: make(map[Date]Holiday, len(c.closures)+len(hs))}
	for d, h := range c.closures {
		cp.closures[d] = h
	}
	for _, h := range hs {
		cp.closures[h.Date] = h
	}
	return cp
}
