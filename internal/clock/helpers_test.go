package clock

import (
	"testing"
	"time"
	_ "time/tzdata" // zones do not depend on the machine's zoneinfo
)

func defaultRegistry(t *testing.T) *Registry {
	t.Helper()
	reg, err := LoadDefault()
	if err != nil {
		t.Fatalf("LoadDefault: %v", err)
	}
	return reg
}

func mustCalendar(t *testing.T, reg *Registry, id string) *Calendar {
	t.Helper()
	c, err := reg.Calendar(id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
