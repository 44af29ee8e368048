package notice

import (
	"strings"
	"testing"
)

// TestMinterMatchesKeys: the codes' hashes and the Message-IDs an
// expansion derives with one reused HMAC state are those the senders, the
// letters and the verify page derive one at a time.
func TestMinterMatchesKeys(t *testing.T) {
	k, err := NewKeys([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	m := k.minter()
	for _, ids := range [][2]int64{{1, 1}, {7, 123456789}, {42, 0}, {9000000000, 3}, {7, 123456789}} {
		if got, want := m.codeHash(ids[0], ids[1]), CodeHash(k.Code(ids[0], ids[1])); got != want {
			t.Errorf("code hash of %v: minter %s, keys %s", ids, got, want)
		}
		if got, want := m.messageID(ids[0], ids[1], "acme.example"), k.MessageID(ids[0], ids[1], "acme.example"); got != want {
			t.Errorf("Message-ID of %v: minter %s, keys %s", ids, got, want)
		}
	}
}

// TestCodeKey: the key is the first 8 bytes of the hash, signed, as
// migration 00820 computes it in SQL; a hash that is not hex has key 0.
func TestCodeKey(t *testing.T) {
	for in, want := range map[string]int64{
		"0000000000000001" + strings.Repeat("f", 48): 1,
		"ffffffffffffffff" + strings.Repeat("0", 48): -1,
		"8000000000000000" + strings.Repeat("0", 48): -9223372036854775808,
		"7fffffffffffffff" + strings.Repeat("0", 48): 9223372036854775807,
		// Computed by PostgreSQL: ('x' || substr(h, 1, 16))::bit(64)::bigint.
		"f55ff16f66f43360266b95db6f8fec01d76031054306ae4a4b380598f6cfd114": -765627950858751136,
		"2c3a4249d77070058649dbd822dcaf7957586fce428cfb2ca88b94741eda8b07": 3186932571232563205,
		"short":            0,
		"zzzzzzzzzzzzzzzz": 0,
	} {
		if got := CodeKey(in); got != want {
			t.Errorf("CodeKey(%q) = %d, want %d", in, got, want)
		}
	}
}

// TestParseMessageID: a Message-ID made here names its campaign and
// person, with or without brackets and whatever its domain; a changed id
// or tag, or another shape, names nothing.
func TestParseMessageID(t *testing.T) {
	k, _ := NewKeys([]byte(strings.Repeat("k", 32)))
	other, _ := NewKeys([]byte(strings.Repeat("o", 32)))
	id := k.MessageID(12, 3456, "acme.example")
	for _, in := range []string{id, "<" + id + ">", " <" + id + "> ", strings.Replace(id, "acme.example", "relay.example", 1)} {
		if c, p, ok := k.ParseMessageID(in); !ok || c != 12 || p != 3456 {
			t.Errorf("ParseMessageID(%q) = %d, %d, %v", in, c, p, ok)
		}
	}
	for _, in := range []string{
		strings.Replace(id, ".3456.", ".3457.", 1),
		strings.Replace(id, ".3456.", ".03456.", 1),
		other.MessageID(12, 3456, "acme.example"),
		"notice.12.3456@acme.example",
		"reminder.12.3456.abcdefabcdef@acme.example",
		"",
	} {
		if _, _, ok := k.ParseMessageID(in); ok {
			t.Errorf("ParseMessageID(%q) matched", in)
		}
	}
}

// TestInsertBatchFitsSQLite: one INSERT of a batch of deliveries stays
// under SQLite's limit of 32,766 parameters a statement, whatever columns
// a delivery gains.
func TestInsertBatchFitsSQLite(t *testing.T) {
	if n := insertBatch * len(deliveryColumns); n > 32766 {
		t.Fatalf("%d rows of %d columns are %d parameters, over SQLite's 32,766", insertBatch, len(deliveryColumns), n)
	}
}
