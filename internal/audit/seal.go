package audit

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// SealAction is the action of the keyed entry that seals a chain's
// unkeyed entries (those written before the chain was keyed).
const SealAction = "audit.chain_keyed"

// sealDetails are the details of the sealing entry: how many unkeyed
// entries it seals, the hash of the last, and the first problem among
// them when there was one already.
type sealDetails struct {
	UnkeyedEntries int64  `json:"unkeyed_entries"`
	UnkeyedHead    string `json:"unkeyed_head"`
	Verified       bool   `json:"verified"`
	ProblemEntry   int64  `json:"problem_entry,omitempty"`
	ProblemSeq     int64  `json:"problem_seq,omitempty"`
	ProblemKind    string `json:"problem_kind,omitempty"`
	Problem        string `json:"problem,omitempty"`
}

// unkeyedChain is a chain migration 00500 found with unkeyed entries.
type unkeyedChain struct {
	OrganizationID int64
	HeadSeq        int64
	HeadHash       string
}

// SealUnkeyed appends, under the key, the sealing entry to each chain that
// migration 00500 found holding unkeyed entries, once: the entry's hash
// covers the last unkeyed entry's, so none of them can be changed from then
// on without the key. The unkeyed entries are verified first and the
// outcome recorded in the seal. It returns how many chains were sealed.
func SealUnkeyed(ctx context.Context, g *gorm.DB) (int, error) {
	var pending []unkeyedChain
	if err := g.WithContext(ctx).Raw("SELECT organization_id, head_seq, head_hash FROM audit_unkeyed_chains ORDER BY organization_id").
		Scan(&pending).Error; err != nil {
		return 0, fmt.Errorf("audit chains to seal: %w", err)
	}
	for i, c := range pending {
		if err := seal(ctx, g, c); err != nil {
			return i, err
		}
	}
	return len(pending), nil
}

func seal(ctx context.Context, g *gorm.DB, c unkeyedChain) error {
	key, err := keyOf(g)
	if err != nil {
		return err
	}
	rep, err := verifyChain(g.WithContext(ctx), key, c.OrganizationID)
	if err != nil {
		return err
	}
	d := sealDetails{UnkeyedEntries: c.HeadSeq, UnkeyedHead: c.HeadHash, Verified: true}
	// An unsealed chain always reports a problem: unkeyed entries alone, or
	// the first break among them.
	if p := rep.Problem; p != nil && p.Kind != Unkeyed {
		d.Verified, d.ProblemEntry, d.ProblemSeq, d.ProblemKind, d.Problem = false, p.EntryID, p.Seq, p.Kind, p.Message
	}
	return g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec("DELETE FROM audit_unkeyed_chains WHERE organization_id = ?", c.OrganizationID)
		if res.Error != nil {
			return fmt.Errorf("audit seal: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil // another process sealed it
		}
		return Record(ctx, tx, Actor{Label: "system"}, c.OrganizationID, SealAction, "audit_log", "", d)
	})
}
