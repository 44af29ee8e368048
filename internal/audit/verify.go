package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"

	"gorm.io/gorm"
)

// The ways a chain can fail to hold.
const (
	// Edited: an entry no longer matches its keyed hash, and the entries
	// after it still point at it (changed after it was written, or
	// recomputed by someone without the key).
	Edited = "edited"
	// Inserted: an entry the chain does not contain (its successor points
	// past it, or it is the newest and does not match its keyed hash).
	Inserted = "inserted"
	// Deleted: entries are missing from the middle of the chain.
	Deleted = "deleted"
	// Reordered: an entry stands before one the chain puts ahead of it.
	Reordered = "reordered"
	// Unkeyed: entries from before the chain was keyed were never sealed
	// under the key, or an unkeyed entry follows keyed ones.
	Unkeyed = "unkeyed"
	// Truncated: the chain ends before the place a checkpoint names, or
	// holds another entry there: its newest entries were removed.
	Truncated = "truncated"
)

// ErrBroken is matched by every Problem.
var ErrBroken = errors.New("audit chain broken")

// Problem is the first place a chain does not hold.
type Problem struct {
	OrganizationID int64  `json:"organization_id"`
	Kind           string `json:"kind"`
	// EntryID is the row at fault; zero when it is gone.
	EntryID int64 `json:"entry_id,omitempty"`
	// Seq is the entry's place in the chain (the first missing place for
	// Deleted and Truncated).
	Seq     int64  `json:"seq"`
	Message string `json:"message"`
}

func (p *Problem) Error() string {
	return fmt.Sprintf("audit chain of organization %d: %s: %s", p.OrganizationID, p.Kind, p.Message)
}

// Is makes errors.Is(p, ErrBroken) true.
func (p *Problem) Is(target error) bool { return target == ErrBroken }

// ChainReport is the verification of one organization's chain.
type ChainReport struct {
	OrganizationID int64 `json:"organization_id"`
	// Entries is how many entries were checked before the problem, if any.
	Entries int      `json:"entries"`
	Head    Head     `json:"head"`
	Problem *Problem `json:"problem,omitempty"`
	// Notes are facts worth knowing that are not failures, such as an
	// unkeyed entry that was already broken when the chain was sealed.
	Notes []string `json:"notes,omitempty"`
}

// Report is the verification of several chains.
type Report struct {
	Chains []ChainReport `json:"chains"`
	// Checkpoint is the checkpoint the chains were compared with, if any.
	Checkpoint *Checkpoint `json:"checkpoint,omitempty"`
}

// OK reports whether every chain holds.
func (r Report) OK() bool { return r.FirstProblem() == nil }

// FirstProblem returns the first chain's problem, or nil.
func (r Report) FirstProblem() *Problem {
	for _, c := range r.Chains {
		if c.Problem != nil {
			return c.Problem
		}
	}
	return nil
}

// Entries is the number of entries checked in every chain.
func (r Report) Entries() int {
	n := 0
	for _, c := range r.Chains {
		n += c.Entries
	}
	return n
}

// Verify walks the chains of the organizations given (every chain when
// orgIDs is nil) under the key installed on g, and compares each with the
// checkpoint when cp is not nil: a chain that ends before the place the
// checkpoint names, or holds another entry there, lost its newest entries.
// It returns an error only when the chains could not be read.
func Verify(ctx context.Context, g *gorm.DB, orgIDs []int64, cp *Checkpoint) (Report, error) {
	key, err := keyOf(g)
	if err != nil {
		return Report{}, err
	}
	g = g.WithContext(ctx)
	if orgIDs == nil {
		if orgIDs, err = chainIDs(g, cp); err != nil {
			return Report{}, err
		}
	}
	rep := Report{Checkpoint: cp}
	for _, org := range orgIDs {
		c, err := verifyChain(g, key, org)
		if err != nil {
			return rep, err
		}
		if c.Problem == nil && cp != nil {
			if err := compareCheckpoint(g, &c, cp); err != nil {
				return rep, err
			}
		}
		rep.Chains = append(rep.Chains, c)
	}
	return rep, nil
}

// chainIDs lists every organization with entries, and those the
// checkpoint names (whose chains may have been emptied since).
func chainIDs(g *gorm.DB, cp *Checkpoint) ([]int64, error) {
	var ids []int64
	if err := g.Raw("SELECT DISTINCT organization_id FROM audit_log").Scan(&ids).Error; err != nil {
		return nil, fmt.Errorf("audit chains: %w", err)
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	if cp != nil {
		for _, h := range cp.Heads {
			if !seen[h.OrganizationID] {
				ids, seen[h.OrganizationID] = append(ids, h.OrganizationID), true
			}
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, nil
}

// verifyPage is how many entries verifyChain reads at a time. It reads by
// pages, not through one cursor, because classifying a problem needs
// queries of its own (SQLite has one connection).
const verifyPage = 2000

// verifyChain walks one chain in the order its rows were written, each
// entry with the one after it (to tell an edited entry from an inserted
// one), stopping at the first problem.
func verifyChain(g *gorm.DB, key *Key, org int64) (ChainReport, error) {
	w := &walker{g: g, key: key, rep: ChainReport{OrganizationID: org, Head: Head{OrganizationID: org}}}
	var cur *Entry
	after := int64(math.MinInt64)
	for {
		var page []Entry
		if err := g.Where("organization_id = ? AND id > ?", org, after).Order("id").Limit(verifyPage).Find(&page).Error; err != nil {
			return w.rep, fmt.Errorf("audit chain %d: %w", org, err)
		}
		for i := range page {
			next := &page[i]
			if cur != nil {
				if w.rep.Problem = w.step(cur, next); w.rep.Problem != nil {
					return w.rep, nil
				}
			}
			cur = next
		}
		if len(page) < verifyPage {
			break
		}
		after = page[len(page)-1].ID
	}
	if cur != nil {
		if w.rep.Problem = w.step(cur, nil); w.rep.Problem != nil {
			return w.rep, nil
		}
	}
	w.rep.Problem = w.finish()
	return w.rep, nil
}

// walker holds what the walk of a chain has accepted so far.
type walker struct {
	g   *gorm.DB
	key *Key
	rep ChainReport
	// last is the last entry accepted (nil at the start).
	last *Entry
	// keyed is set at the first keyed entry; unkeyed counts those before.
	keyed   bool
	unkeyed int
	// unkeyedProblem is the first problem among the unkeyed entries; the
	// sealing entry may have recorded it already.
	unkeyedProblem *Problem
}

func (w *walker) expect() (int64, string) {
	if w.last == nil {
		return 1, ""
	}
	return w.last.Seq + 1, w.last.Hash
}

func (w *walker) accept(e *Entry) {
	w.last = e
	w.rep.Entries++
	w.rep.Head = Head{OrganizationID: e.OrganizationID, Seq: e.Seq, Hash: e.Hash}
}

// step checks cur, given the entry after it (nil for the newest).
func (w *walker) step(cur, next *Entry) *Problem {
	seq, prev := w.expect()
	if cur.Scheme == SchemeUnkeyed && !w.keyed {
		holds := unkeyedSum(cur) == cur.Hash
		if (!holds || cur.Seq != seq || cur.PrevHash != prev) && w.unkeyedProblem == nil {
			w.unkeyedProblem = w.classify(cur, next, holds)
		}
		w.unkeyed++
		w.accept(cur)
		return nil
	}
	holds := cur.Scheme == SchemeKeyed && w.key.sum(cur) == cur.Hash
	if !w.keyed {
		w.keyed = true
		if p := w.checkSeal(cur, holds); p != nil {
			return p
		}
	}
	if holds && cur.Seq == seq && cur.PrevHash == prev {
		w.accept(cur)
		return nil
	}
	return w.classify(cur, next, holds)
}

// finish checks a chain whose entries are all unkeyed: it was never sealed.
func (w *walker) finish() *Problem {
	if w.keyed || w.unkeyed == 0 {
		return nil
	}
	if w.unkeyedProblem != nil {
		return w.unkeyedProblem
	}
	return &Problem{OrganizationID: w.rep.OrganizationID, Kind: Unkeyed, EntryID: w.last.ID, Seq: w.last.Seq,
		Message: fmt.Sprintf("the chain's %d entries were never sealed under the audit key", w.unkeyed)}
}

// classify names what happened to cur, which does not follow the last
// accepted entry; holds tells whether it matches its own hash.
func (w *walker) classify(cur, next *Entry, holds bool) *Problem {
	seq, prev := w.expect()
	p := &Problem{OrganizationID: cur.OrganizationID, EntryID: cur.ID, Seq: cur.Seq}
	if !holds {
		switch {
		case next != nil && next.PrevHash == cur.Hash && next.Seq == cur.Seq+1:
			p.Kind, p.Message = Edited, fmt.Sprintf("entry %d (seq %d) does not match its keyed hash: it was changed after it was written", cur.ID, cur.Seq)
		case next != nil && next.PrevHash == prev:
			p.Kind, p.Message = Inserted, fmt.Sprintf("entry %d (seq %d) is not part of the chain: the entry after it follows seq %d", cur.ID, cur.Seq, seq-1)
		case next == nil:
			p.Kind, p.Message = Inserted, fmt.Sprintf("the newest entry %d (seq %d) does not match its keyed hash: added without the key, or edited", cur.ID, cur.Seq)
		default:
			p.Kind, p.Message = Edited, fmt.Sprintf("entry %d (seq %d) does not match its keyed hash", cur.ID, cur.Seq)
		}
		return p
	}
	switch {
	case cur.Seq > seq:
		if id := w.rowWithSeq(cur.OrganizationID, seq); id > cur.ID {
			p.Kind, p.Message = Reordered, fmt.Sprintf("entry %d (seq %d) stands before entry %d (seq %d)", cur.ID, cur.Seq, id, seq)
			return p
		}
		p.Kind, p.EntryID, p.Seq = Deleted, 0, seq
		p.Message = fmt.Sprintf("entries seq %d to %d are missing before entry %d", seq, cur.Seq-1, cur.ID)
		if cur.Seq-1 == seq {
			p.Message = fmt.Sprintf("entry seq %d is missing before entry %d", seq, cur.ID)
		}
	case cur.Seq < seq:
		p.Kind, p.Message = Reordered, fmt.Sprintf("entry %d (seq %d) stands after seq %d", cur.ID, cur.Seq, seq-1)
	default:
		p.Kind, p.EntryID, p.Seq = Edited, w.last.ID, w.last.Seq
		p.Message = fmt.Sprintf("entry %d (seq %d) is not the entry that entry %d was written after", w.last.ID, w.last.Seq, cur.ID)
	}
	return p
}

func (w *walker) rowWithSeq(org, seq int64) int64 {
	var ids []int64
	w.g.Raw("SELECT id FROM audit_log WHERE organization_id = ? AND seq = ? ORDER BY id LIMIT 1", org, seq).Scan(&ids)
	if len(ids) == 0 {
		return 0
	}
	return ids[0]
}

// checkSeal checks the first keyed entry of a chain that began unkeyed: it
// must be the sealing entry, and any break among the unkeyed entries must
// be the one the seal recorded when it was written.
func (w *walker) checkSeal(cur *Entry, holds bool) *Problem {
	if w.unkeyed == 0 {
		return nil
	}
	if !holds || cur.Action != SealAction {
		if w.unkeyedProblem != nil {
			return w.unkeyedProblem
		}
		return &Problem{OrganizationID: cur.OrganizationID, Kind: Unkeyed, EntryID: cur.ID, Seq: cur.Seq,
			Message: fmt.Sprintf("the %d unkeyed entries before entry %d are not sealed under the audit key", w.unkeyed, cur.ID)}
	}
	if w.unkeyedProblem == nil {
		return nil
	}
	var d sealDetails
	if json.Unmarshal([]byte(cur.Details), &d) == nil && !d.Verified &&
		d.ProblemEntry == w.unkeyedProblem.EntryID && d.ProblemSeq == w.unkeyedProblem.Seq {
		w.rep.Notes = append(w.rep.Notes, fmt.Sprintf("before the chain was keyed: %s (recorded by the sealing entry %d)", w.unkeyedProblem.Message, cur.ID))
		return nil
	}
	return w.unkeyedProblem
}

// compareCheckpoint checks that the chain still holds the entry the
// checkpoint names as its head.
func compareCheckpoint(g *gorm.DB, c *ChainReport, cp *Checkpoint) error {
	want, ok := cp.Head(c.OrganizationID)
	if !ok || want.Seq == 0 {
		return nil
	}
	var rows []Entry
	if err := g.Where("organization_id = ? AND seq = ?", c.OrganizationID, want.Seq).Limit(1).Find(&rows).Error; err != nil {
		return fmt.Errorf("audit checkpoint: %w", err)
	}
	made := cp.Made.UTC().Format("2006-01-02 15:04:05Z")
	switch {
	case len(rows) == 0:
		c.Problem = &Problem{OrganizationID: c.OrganizationID, Kind: Truncated, Seq: c.Head.Seq + 1,
			Message: fmt.Sprintf("the chain ends at seq %d but the checkpoint of %s names seq %d: the newest entries were removed", c.Head.Seq, made, want.Seq)}
	case rows[0].Hash != want.Hash:
		c.Problem = &Problem{OrganizationID: c.OrganizationID, Kind: Truncated, EntryID: rows[0].ID, Seq: want.Seq,
			Message: fmt.Sprintf("entry %d (seq %d) is not the one the checkpoint of %s names: entries from there on were removed and written again", rows[0].ID, want.Seq, made)}
	}
	return nil
}
