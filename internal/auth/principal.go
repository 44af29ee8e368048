package auth

import (
	"fmt"
	"sort"

	"github.com/breachline/breachline/internal/errs"
)

// Principal is the caller of a request: a user, how they authenticated and
// their role in each organization they belong to.
type Principal struct {
	User        User
	Memberships map[int64]Role
	TokenID     int64
	Via         string // "token", "session" or "cli"
	// Session is the hash of the session the caller signed in with, or of
	// the session their token was created in; empty otherwise.
	Session string
	// Scope limits a token caller ("" for sessions and the command line,
	// which are not limited).
	Scope Scope
}

// RoleIn returns the caller's role in an organization.
func (p *Principal) RoleIn(orgID int64) (Role, bool) {
	r, ok := p.Memberships[orgID]
	return r, ok
}

// Require checks that the caller may do perm in the organization. A caller
// who is not a member gets ErrNotFound, so that another organization's
// records are indistinguishable from records that do not exist.
func (p *Principal) Require(orgID int64, perm Permission) error {
	r, ok := p.Memberships[orgID]
	if !ok {
		return fmt.Errorf("organization %d: %w", orgID, errs.ErrNotFound)
	}
	if !r.Can(perm) {
		return fmt.Errorf("role %s in organization %d: %w", r, orgID, errs.ErrForbidden)
	}
	return nil
}

// OrgIDs lists the organizations the caller belongs to, in order.
func (p *Principal) OrgIDs() []int64 {
	ids := make([]int64, 0, len(p.Memberships))
	for id := range p.Memberships {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// OrgIDsWith lists the organizations where the caller has perm.
func (p *Principal) OrgIDsWith(perm Permission) []int64 {
	var ids []int64
	for _, id := range p.OrgIDs() {
		if p.Memberships[id].Can(perm) {
			ids = append(ids, id)
		}
	}
	return ids
}

// Label names the caller in the audit log.
func (p *Principal) Label() string { return p.User.Email }
