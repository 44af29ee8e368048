// Package demo loads realistic demonstration data: four Ontario and Canadian
// organizations with breaches, timelines and a few thousand clearly fictional
// affected people, and a demo administrator.
package demo

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
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
// goes through the same validation, import and audit as a user's.
type Loader struct {
	db       *gorm.DB
	auth     *auth.Service
	breaches *breach.Service
	roster   *roster.Service
	now      time.Time
}

// NewLoader builds a loader on the services; now anchors the timelines
// (demo breaches happened in the weeks before it).
func NewLoader(db *gorm.DB, a *auth.Service, b *breach.Service, r *roster.Service, now time.Time) *Loader {
	return &Loader{db: db, auth: a, breaches: b, roster: r, now: now}
}

// Load creates the demo organizations, users, breaches and people. It refuses
// to run twice on the same database.
func (l *Loader) Load(ctx context.Context) (Result, error) {
	if _, err := l.auth.UserByEmail(ctx, AdminEmail); err == nil {
		return Result{}, &errs.Conflict{Message: "demo data is already loaded (user " + AdminEmail + " exists)"}
	}
	res := Result{AdminEmail: AdminEmail, AdminPassword: password()}
	admin, err := l.auth.CreateUser(ctx, l.db, AdminEmail, "Demo Administrator", res.AdminPassword)
	if err != nil {
		return Result{}, err
	}
	p := &auth.Principal{User: admin, Memberships: map[int64]auth.Role{}, Via: "cli"}
	for _, spec := range organizations() {
		o, err := l.auth.CreateOrganization(ctx, p, "demo", spec.input())
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
		err := l.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			u, err := l.auth.CreateUser(ctx, tx, email, m.name, pw)
			if err != nil {
				return err
			}
			return l.auth.SetMembership(ctx, tx, u.ID, o.ID, m.role)
		})
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", email, err)
		}
		out = append(out, fmt.Sprintf("%s (%s, %s)", email, m.role, o.Name))
	}
	return out, nil
}

func (l *Loader) breach(ctx context.Context, p *auth.Principal, o auth.Organization, bs breachSpec) (int, error) {
	in := bs.input(l.now, o.TimeZone)
	b, err := l.breaches.Create(ctx, breach.Call{P: p, RequestID: "demo"}, o.ID, in)
	if err != nil {
		return 0, err
	}
	for q, v := range bs.answers {
		if _, err := l.breaches.SetAnswer(ctx, breach.Call{P: p, RequestID: "demo"}, b.ID, q, breach.AnswerInput{Value: v, Rationale: "Demo assessment."}); err != nil {
			return 0, fmt.Errorf("answer %s: %w", q, err)
		}
	}
	return l.importPeople(ctx, p, b.ID, bs, int64(len(bs.title)*7919+len(o.Slug)))
}

// importPeople imports the breach's synthetic roster with the roster's
// importer, as `breachline import` does.
func (l *Loader) importPeople(ctx context.Context, p *auth.Principal, breachID int64, bs breachSpec, seed int64) (int, error) {
	file, n := rosterCSV(bs.people, bs.categories, seed, breachID)
	if n == 0 {
		return 0, nil
	}
	sum := sha256.Sum256(file)
	up := roster.Upload{FileName: "demo-roster.csv", SHA256: hex.EncodeToString(sum[:]), Size: int64(len(file))}
	var imp roster.Import
	err := l.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		imp, err = roster.Queue(ctx, tx, p, breachID, up)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("queue roster import: %w", err)
	}
	res, err := l.roster.Importer.Run(ctx, &imp, bytes.NewReader(file), roster.RunOptions{Size: up.Size, Actor: p, RequestID: "demo"})
	if err != nil {
		return 0, fmt.Errorf("import roster: %w", err)
	}
	if res.Rejected > 0 {
		return 0, fmt.Errorf("import roster: %d of %d demo rows rejected", res.Rejected, n)
	}
	return int(res.Accepted), nil
}

func password() string {
	b := make([]byte, 15)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
