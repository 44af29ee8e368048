// Package demo loads realistic demonstration data: four Ontario and Canadian
// organizations with breaches, timelines and a few thousand clearly fictional
// affected people, and a demo administrator.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/roster"
)

// AdminEmail is the demo administrator's sign-in.
const AdminEmail = "admin@demo.breachline.example"

// Result says what was loaded and how to sign in.
type Result struct {
	AdminEmail    string
	AdminPassword string
	Users         []string
	Organizations int
	Breaches      int
	People        int
}

// Loader loads the demo data with the product's own services, so the data
// goes through the same validation and audit as a user's.
type Loader struct {
	DB       *gorm.DB
	Auth     *auth.Service
	Breaches *breach.Service
	// Now anchors the timelines; demo breaches happened in the weeks before it.
	Now time.Time
}

// Load creates the demo organizations, users, breaches and people. It refuses
// to run twice on the same database.
func (l *Loader) Load(ctx context.Context) (Result, error) {
	if _, err := l.Auth.UserByEmail(ctx, AdminEmail); err == nil {
		return Result{}, &errs.Conflict{Message: "demo data is already loaded (user " + AdminEmail + " exists)"}
	}
	res := Result{AdminEmail: AdminEmail, AdminPassword: password()}
	admin, err := l.Auth.CreateUser(ctx, l.DB, AdminEmail, "Demo Administrator", res.AdminPassword)
	if err != nil {
		return Result{}, err
	}
	p := &auth.Principal{User: admin, Memberships: map[int64]auth.Role{}, Via: "cli"}
	for _, spec := range organizations() {
		o, err := l.Auth.CreateOrganization(ctx, p, "demo", spec.input())
		if err != nil {
			return Result{}, fmt.Errorf("organization %s: %w", spec.slug, err)
		}
		p.Memberships[o.ID] = auth.RoleAdmin
		res.Organizations++
		users, err := l.staff(ctx, o, spec, res.AdminPassword)
		if err != nil {
			return Result{}, err
		}
		res.Users = append(res.Users, users...)
		for _, bs := range spec.breaches {
			n, err := l.breach(ctx, p, o, bs)
			if err != nil {
				return Result{}, fmt.Errorf("breach %q: %w", bs.title, err)
			}
			res.Breaches++
			res.People += n
		}
	}
	return res, nil
}

// staff adds a privacy officer, a legal reviewer and a viewer to an
// organization, sharing the demo password.
func (l *Loader) staff(ctx context.Context, o auth.Organization, spec orgSpec, pw string) ([]string, error) {
	var out []string
	for _, m := range []struct {
		local string
		name  string
		role  auth.Role
	}{{"privacy", spec.officer, auth.RolePrivacyOfficer}, {"legal", spec.counsel, auth.RoleLegal}, {"viewer", "Read-only Auditor", auth.RoleViewer}} {
		email := fmt.Sprintf("%s.%s@demo.breachline.example", m.local, spec.slug)
		err := l.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			u, err := l.Auth.CreateUser(ctx, tx, email, m.name, pw)
			if err != nil {
				return err
			}
			return l.Auth.SetMembership(ctx, tx, u.ID, o.ID, m.role)
		})
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", email, err)
		}
		out = append(out, fmt.Sprintf("%s (%s, %s)", email, m.role, o.Name))
	}
	return out, nil
}

func (l *Loader) breach(ctx context.Context, p *auth.Principal, o auth.Organization, bs breachSpec) (int, error) {
	in := bs.input(l.Now, o.TimeZone)
	b, err := l.Breaches.Create(ctx, breach.Call{P: p, RequestID: "demo"}, o.ID, in)
	if err != nil {
		return 0, err
	}
	for q, v := range bs.answers {
		if _, err := l.Breaches.SetAnswer(ctx, breach.Call{P: p, RequestID: "demo"}, b.ID, q, breach.AnswerInput{Value: v, Rationale: "Demo assessment."}); err != nil {
			return 0, fmt.Errorf("answer %s: %w", q, err)
		}
	}
	n, err := insertPeople(ctx, l.DB, b.ID, bs.people, bs.categories, int64(len(bs.title)*7919+len(o.Slug)))
	if err != nil {
		return 0, err
	}
	if err := roster.RefreshCounts(ctx, l.DB, b.ID); err != nil {
		return 0, err
	}
	return n, l.Breaches.Refresh(ctx, b.ID)
}

func password() string {
	b := make([]byte, 15)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
