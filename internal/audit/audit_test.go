package audit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/audit"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

func record(t *testing.T, d *db.DB, org int64, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		err := d.Tx(ctx, func(tx *gorm.DB) error {
			return audit.Record(ctx, tx, audit.Actor{UserID: 7, Label: "po@acme.example", RequestID: "r"}, org,
				"breach.update", "breach", "1", map[string]any{"i": i, "title": "Files"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// chain returns an organization's entries in chain order.
func chain(t *testing.T, d *db.DB, org int64) []audit.Entry {
	t.Helper()
	var out []audit.Entry
	if err := d.Gorm.Where("organization_id = ?", org).Order("seq").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// unprotect removes what stops an owner of the table from changing it:
// the triggers (dropped on SQLite, disabled on PostgreSQL).
func unprotect(t *testing.T, d *db.DB) {
	t.Helper()
	stmts := []string{"DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete"}
	if d.Dialect == db.Postgres {
		stmts = []string{"ALTER TABLE audit_log DISABLE TRIGGER USER"}
	}
	for _, s := range stmts {
		exec(t, d, s)
	}
}

func exec(t *testing.T, d *db.DB, sql string, args ...any) {
	t.Helper()
	if err := d.Gorm.Exec(sql, args...).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func verify(t *testing.T, d *db.DB, org int64, cp *audit.Checkpoint) audit.ChainReport {
	t.Helper()
	rep, err := audit.Verify(context.Background(), d.Gorm, []int64{org}, cp)
	if err != nil {
		t.Fatal(err)
	}
	return rep.Chains[0]
}

func checkpoint(t *testing.T, d *db.DB) *audit.Checkpoint {
	t.Helper()
	cp, err := audit.MakeCheckpoint(context.Background(), d.Gorm, "https://breachline.test", time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return cp
}

func TestChainHoldsUnderConcurrentWriters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				err := d.Tx(ctx, func(tx *gorm.DB) error {
					return audit.Record(ctx, tx, audit.Actor{UserID: int64(i + 1), Label: "u"}, 5, "breach.create", "breach", "1", map[string]int{"i": i})
				})
				if err != nil {
					t.Error(err)
				}
			}(i)
		}
		// Outside a transaction too: Record opens its own.
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := audit.Record(ctx, d.Gorm, audit.Actor{Label: "system"}, 5, "campaign.pause", "campaign", "2", nil); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		c := verify(t, d, 5, nil)
		if c.Problem != nil || c.Entries != 12 || c.Head.Seq != 12 {
			t.Fatalf("verify: %+v", c)
		}
	})
}

func TestRecordNeedsTheKey(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, db.Options{SQLitePath: t.TempDir() + "/k.db"})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := audit.Record(ctx, d.Gorm, audit.Actor{Label: "cli"}, 1, "x", "", "", nil); !errors.Is(err, audit.ErrNoKey) {
		t.Fatalf("recorded without a key: %v", err)
	}
	if _, err := audit.NewKey([]byte("short")); err == nil {
		t.Fatal("a short key was accepted")
	}
}

// tampering is one way of rewriting history, tried on a chain of six
// entries (seq 1 to 6) of its own organization.
type tampering struct {
	name string
	// do changes the chain; cp is a checkpoint taken before.
	do func(t *testing.T, d *db.DB, org int64, es []audit.Entry)
	// kind is what Verify must report, and at which entry (by seq; for
	// deletions the first missing seq); withCheckpoint compares with the
	// checkpoint, which only a removal of the newest entries needs.
	kind           string
	seq            int64
	withCheckpoint bool
}

func tamperings() []tampering {
	return []tampering{
		{name: "edit an entry", kind: audit.Edited, seq: 3, do: func(t *testing.T, d *db.DB, org int64, es []audit.Entry) {
			exec(t, d, "UPDATE audit_log SET details = ? WHERE id = ?", `{"i":2,"title":"Nothing happened"}`, es[2].ID)
		}},
		{name: "edit the actor of the newest entry", kind: audit.Inserted, seq: 6, do: func(t *testing.T, d *db.DB, org int64, es []audit.Entry) {
			exec(t, d, "UPDATE audit_log SET actor = 'someone.else@acme.example' WHERE id = ?", es[5].ID)
		}},
		{name: "delete an entry in the middle", kind: audit.Deleted, seq: 3, do: func(t *testing.T, d *db.DB, org int64, es []audit.Entry) {
			exec(t, d, "DELETE FROM audit_log WHERE id = ?", es[2].ID)
		}},
		{name: "delete the first entry", kind: audit.Deleted, seq: 1, do: func(t *testing.T, d *db.DB, org int64, es []audit.Entry) {
			exec(t, d, "DELETE FROM audit_log WHERE id = ?", es[0].ID)
		}},
		{name: "insert an entry, then the application writes on", kind: audit.Inserted, seq: 7, do: func(t *testing.T, d *db.DB, org int64, es []audit.Entry) {
			head := es[5]
			forged := audit.Entry{OrganizationID: org, Seq: 7, At: head.At.Add(time.Second), Actor: "legal@acme.example",
				Action: "obligation.status", ObjectType: "obligation", ObjectID: "9", Details: `{"status":"waived"}`,
				Scheme: audit.SchemeKeyed, PrevHash: head.Hash, Hash: strings.Repeat("ab", 32)}
			if err := d.Gorm.Create(&forged).Error; err != nil {
				t.Fatal(err)
			}
			record(t, d, org, 2)
		}},
		{name: "reorder two entries", kind: audit.Reordered, seq: 4, do: func(t *testing.T, d *db.DB, org int64, es []audit.Entry) {
			a, b := es[2].ID, es[3].ID
			exec(t, d, "UPDATE audit_log SET id = ? WHERE id = ?", -a, a)
			exec(t, d, "UPDATE audit_log SET id = ? WHERE id = ?", a, b)
			exec(t, d, "UPDATE audit_log SET id = ? WHERE id = ?", b, -a)
		}},
		{name: "edit an entry and recompute the chain without the key", kind: audit.Edited, seq: 3, do: func(t *testing.T, d *db.DB, org int64, es []audit.Entry) {
			guess, err := audit.NewKey([]byte("a-guess-at-the-key-a-guess-at-the-key"))
			if err != nil {
				t.Fatal(err)
			}
			es[2].Details = `{"i":2,"title":"Nothing happened"}`
			for i := 2; i < len(es); i++ {
				es[i].PrevHash = es[i-1].Hash
				es[i].Hash = audit.SumWith(guess, &es[i])
				exec(t, d, "UPDATE audit_log SET details = ?, prev_hash = ?, hash = ? WHERE id = ?", es[i].Details, es[i].PrevHash, es[i].Hash, es[i].ID)
			}
		}},
		{name: "recompute the chain as if it had never been keyed", kind: audit.Unkeyed, seq: 6, do: func(t *testing.T, d *db.DB, org int64, es []audit.Entry) {
			for i := range es {
				es[i].PrevHash, es[i].Scheme = "", audit.SchemeUnkeyed
				if i > 0 {
					es[i].PrevHash = es[i-1].Hash
				}
				es[i].Hash = audit.UnkeyedSum(&es[i])
				exec(t, d, "UPDATE audit_log SET scheme = 1, prev_hash = ?, hash = ? WHERE id = ?", es[i].PrevHash, es[i].Hash, es[i].ID)
			}
		}},
		{name: "remove the two newest entries", kind: audit.Truncated, seq: 5, withCheckpoint: true, do: func(t *testing.T, d *db.DB, org int64, es []audit.Entry) {
			exec(t, d, "DELETE FROM audit_log WHERE id IN (?, ?)", es[4].ID, es[5].ID)
		}},
		{name: "remove the newest entry, then the application writes on", kind: audit.Truncated, seq: 6, withCheckpoint: true, do: func(t *testing.T, d *db.DB, org int64, es []audit.Entry) {
			exec(t, d, "DELETE FROM audit_log WHERE id = ?", es[5].ID)
			record(t, d, org, 1)
		}},
	}
}

// TestTamperingIsDetected rewrites history each way an owner of the table
// can, with its protections off, and checks that Verify names the entry.
func TestTamperingIsDetected(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		cases := tamperings()
		for i := range cases {
			record(t, d, int64(100+i), 6)
		}
		cp := checkpoint(t, d)
		if err := cp.CheckSignature(""); err != nil {
			t.Fatal(err)
		}
		unprotect(t, d)
		for i, c := range cases {
			org := int64(100 + i)
			if got := verify(t, d, org, cp); got.Problem != nil || got.Entries != 6 {
				t.Fatalf("%s: before tampering: %+v", c.name, got)
			}
			c.do(t, d, org, chain(t, d, org))
			var use *audit.Checkpoint
			if c.withCheckpoint {
				if got := verify(t, d, org, nil); got.Problem != nil {
					t.Errorf("%s: found without the checkpoint (%v): the test does not test what it says", c.name, got.Problem)
				}
				use = cp
			}
			p := verify(t, d, org, use).Problem
			if p == nil {
				t.Errorf("%s: not detected", c.name)
				continue
			}
			if p.Kind != c.kind || p.Seq != c.seq || !errors.Is(p, audit.ErrBroken) {
				t.Errorf("%s: reported %s at seq %d (%s), want %s at seq %d", c.name, p.Kind, p.Seq, p.Message, c.kind, c.seq)
			}
			t.Logf("%s: %s", c.name, p.Message)
		}
	})
}

// TestCheckpointSignature: a checkpoint altered to hide a removal, or made
// with another key, does not verify; one quoted in an e-mail still reads.
func TestCheckpointSignature(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	record(t, d, 1, 3)
	cp := checkpoint(t, d)
	key, _ := audit.NewKey([]byte(dbtest.AuditKey))
	if err := cp.CheckSignature(key.PublicKey()); err != nil {
		t.Fatal(err)
	}
	quoted := "Subject: checkpoint\n\n> " + strings.ReplaceAll(strings.TrimSpace(cp.String()), "\n", "\n> ") + "\n"
	back, err := audit.ParseCheckpoint(strings.NewReader(quoted))
	if err != nil {
		t.Fatal(err)
	}
	if err := back.CheckSignature(key.PublicKey()); err != nil || back.Heads[0] != cp.Heads[0] {
		t.Fatalf("quoted checkpoint: %v %+v", err, back)
	}
	altered, _ := audit.ParseCheckpoint(strings.NewReader(strings.Replace(cp.String(), "seq 3", "seq 2", 1)))
	if err := altered.CheckSignature(""); !errors.Is(err, audit.ErrCheckpoint) {
		t.Fatalf("altered checkpoint verified: %v", err)
	}
	other, _ := audit.NewKey([]byte("another-installation-another-installation"))
	if err := cp.CheckSignature(other.PublicKey()); !errors.Is(err, audit.ErrCheckpoint) {
		t.Fatalf("checkpoint of another key accepted: %v", err)
	}
	dir := t.TempDir()
	if _, err := audit.SaveCheckpoint(dir, cp); err != nil {
		t.Fatal(err)
	}
	latest, err := audit.LatestCheckpoint(dir)
	if err != nil || latest.Signature != cp.Signature {
		t.Fatalf("latest: %v %+v", err, latest)
	}
}

// TestTruncateAsOwner: TRUNCATE fails while the trigger is on, even for
// the owner of the table; an owner who turns the triggers off can empty
// the table, and the checkpoint shows it.
func TestTruncateAsOwner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		record(t, d, 1, 3)
		record(t, d, 2, 2)
		cp := checkpoint(t, d)
		empty := "TRUNCATE audit_log"
		if d.Dialect == db.SQLite {
			empty = "DELETE FROM audit_log" // SQLite has no TRUNCATE
		}
		if err := d.Gorm.Exec(empty).Error; err == nil {
			t.Fatal("emptied the audit log with its triggers on")
		}
		unprotect(t, d)
		exec(t, d, empty)
		rep, err := audit.Verify(context.Background(), d.Gorm, nil, cp)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Chains) != 2 {
			t.Fatalf("chains: %+v", rep.Chains)
		}
		for _, c := range rep.Chains {
			if c.Problem == nil || c.Problem.Kind != audit.Truncated {
				t.Errorf("chain %d: %+v", c.OrganizationID, c.Problem)
			} else {
				t.Logf("truncated: %s", c.Problem.Message)
			}
		}
	})
}

// TestUnkeyedChainsAreSealed writes entries the way they were written
// before the chain was keyed, migrates, and checks that each chain is
// sealed once, that a break already there is recorded and accepted, and
// that a later change to an unkeyed entry is not.
func TestUnkeyedChainsAreSealed(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) { testUnkeyedChainsAreSealed(t, dbtest.OpenEmpty(t, dialect)) })
	}
}

func testUnkeyedChainsAreSealed(t *testing.T, d *db.DB) {
	{
		ctx := context.Background()
		if err := d.MigrateTo(ctx, 499); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2025, 3, 10, 13, 30, 0, 0, time.UTC)
		prev := map[int64]string{}
		old := func(org int64, action string, link bool) {
			e := audit.Entry{At: at, Actor: "po@acme.example", OrganizationID: org, Action: action, Details: "{}"}
			if link {
				e.PrevHash = prev[org]
			}
			e.Hash = audit.UnkeyedSum(&e)
			at = at.Add(time.Minute)
			exec(t, d, "INSERT INTO audit_log (at, actor, organization_id, action, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
				e.At, e.Actor, e.OrganizationID, e.Action, e.Details, e.PrevHash, e.Hash)
			prev[org] = e.Hash
		}
		old(1, "breach.create", true)
		old(1, "breach.update", true)
		old(1, "breach.update", true)
		old(2, "breach.create", true)
		old(2, "breach.update", false) // a fork, as two writers racing once made
		old(2, "breach.update", true)
		if err := d.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if c := verify(t, d, 1, nil); c.Problem == nil || c.Problem.Kind != audit.Unkeyed {
			t.Fatalf("unsealed chain: %+v", c.Problem)
		}
		if n, err := audit.SealUnkeyed(ctx, d.Gorm); err != nil || n != 2 {
			t.Fatalf("sealed %d: %v", n, err)
		}
		if n, err := audit.SealUnkeyed(ctx, d.Gorm); err != nil || n != 0 {
			t.Fatalf("sealed again %d: %v", n, err)
		}
		record(t, d, 1, 1)
		if c := verify(t, d, 1, nil); c.Problem != nil || c.Entries != 5 || len(c.Notes) != 0 {
			t.Fatalf("sealed chain 1: %+v", c)
		}
		c := verify(t, d, 2, nil)
		if c.Problem != nil || len(c.Notes) != 1 {
			t.Fatalf("sealed chain 2 with its recorded break: %+v", c)
		}
		t.Logf("note: %s", c.Notes[0])
		es := chain(t, d, 1)
		if es[3].Action != audit.SealAction || es[3].Scheme != audit.SchemeKeyed || es[3].PrevHash != es[2].Hash {
			t.Fatalf("seal: %+v", es[3])
		}
		unprotect(t, d)
		exec(t, d, "UPDATE audit_log SET details = ? WHERE id = ?", `{"x":1}`, es[1].ID)
		if p := verify(t, d, 1, nil).Problem; p == nil || p.Seq != 2 {
			t.Fatalf("edited unkeyed entry: %+v", p)
		}
		// Recomputed through to the last unkeyed entry, the edit breaks
		// the link to the seal instead.
		es[1].Details = `{"x":1}`
		for i := 1; i < 3; i++ {
			es[i].PrevHash = es[i-1].Hash
			es[i].Hash = audit.UnkeyedSum(&es[i])
			exec(t, d, "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", es[i].PrevHash, es[i].Hash, es[i].ID)
		}
		if p := verify(t, d, 1, nil).Problem; p == nil || p.Kind != audit.Edited {
			t.Fatalf("recomputed unkeyed entries: %+v", p)
		} else {
			t.Logf("recomputed unkeyed entries: %s", p.Message)
		}
	}
}

func ExampleCheckpoint_String() {
	cp := &audit.Checkpoint{Installation: "https://breachline.example.org", Made: time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC),
		PublicKey: "ed25519:…", Heads: []audit.Head{{OrganizationID: 3, Seq: 1234, Hash: "0c…"}}, Signature: "…"}
	fmt.Print(cp.String())
	// Output:
	// -----BEGIN BREACHLINE AUDIT CHECKPOINT-----
	// installation: https://breachline.example.org
	// made: 2026-03-01T06:00:00Z
	// key: ed25519:…
	// chain 3 seq 1234 hash 0c…
	// signature: …
	// -----END BREACHLINE AUDIT CHECKPOINT-----
}
