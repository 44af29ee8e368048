package ui

import (
	"testing"
	"time"

	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/obligation"
)

func TestFirstSentence(t *testing.T) {
	for _, c := range []struct {
		in, want string
		more     bool
	}{
		{"Applies: a controller. Due in 72 hours.", "Applies: a controller.", true},
		{"Does an Art. 34(3) exemption apply? Not answered.", "Does an Art. 34(3) exemption apply? Not answered.", false},
		{"One line\nand the rest", "One line", true},
		{"S'applique : un responsable du traitement. Échéance : 72 heures.", "S'applique : un responsable du traitement.", true},
		{"Ne s'applique pas : voir l'art. 34(3) du RGPD.", "Ne s'applique pas : voir l'art. 34(3) du RGPD.", false},
		{"Short", "Short", false},
	} {
		got, more := firstSentence(c.in)
		if got != c.want || more != c.more {
			t.Errorf("firstSentence(%q) = %q %v, want %q %v", c.in, got, more, c.want, c.more)
		}
	}
}

func TestTimeSpanAndState(t *testing.T) {
	en, fr := i18n.For("en"), i18n.For("fr")
	for _, c := range []struct {
		d    time.Duration
		want string
	}{{30 * time.Minute, "30 minutes"}, {5 * time.Hour, "5 hours"}, {49 * time.Hour, "2 days 1 hour"}, {72 * time.Hour, "3 days"}} {
		if got := en.Span(c.d); got != c.want {
			t.Errorf("Span(%v) = %q, want %q", c.d, got, c.want)
		}
	}
	if got := fr.Span(49 * time.Hour); got != "2 jours 1 heure" {
		t.Errorf("French span %q", got)
	}
	yes := true
	for _, c := range []struct {
		o    obligation.Obligation
		want string
	}{
		{obligation.Obligation{Overdue: true, Required: &yes}, "overdue"},
		{obligation.Obligation{TargetPassed: true}, "undetermined"},
		{obligation.Obligation{TargetPassed: true, Required: &yes}, "target_passed"},
		{obligation.Obligation{Required: &yes, Status: obligation.StatusPending}, "pending"},
	} {
		if got := deadlineState(&c.o); got != c.want {
			t.Errorf("state of %+v = %q, want %q", c.o, got, c.want)
		}
	}
}
