package roster

import (
	"strconv"
	"testing"
)

func TestKeyFilterNeverMissesARepeat(t *testing.T) {
	t.Parallel()
	f := newKeyFilter()
	const n = 20000
	for i := range n {
		if f.add('e', "person"+strconv.Itoa(i)+"@example.com") {
			t.Fatalf("distinct key %d reported as maybe seen", i)
		}
	}
	if len(f.slots) < n {
		t.Fatalf("table of %d slots for %d keys", len(f.slots), n)
	}
	for i := range n {
		if !f.add('e', "person"+strconv.Itoa(i)+"@example.com") {
			t.Fatalf("key %d added twice was not reported", i)
		}
	}
	if f.add('n', "person0@example.com") {
		t.Fatal("the kind of key does not separate emails from names")
	}
}

func TestKeyFilterGivesUpWhenFull(t *testing.T) {
	t.Parallel()
	f := newKeyFilter()
	f.maxLen = minFilterSlots
	gaveUp := -1
	for i := range minFilterSlots {
		f.add('e', strconv.Itoa(i))
		if f.full {
			gaveUp = i
			break
		}
	}
	if gaveUp < 0 || f.slots != nil {
		t.Fatal("the filter never gave up")
	}
	if !f.add('e', "new key") {
		t.Fatal("a full filter must answer maybe")
	}
}

func TestKeyFilterNotesBothKeysOfARow(t *testing.T) {
	t.Parallel()
	f := newKeyFilter()
	row := make([]any, len(personColumns))
	row[emailKeyColumn], row[nameKeyColumn] = "ann@example.com", ""
	if f.noteKeys(row) {
		t.Fatal("first row reported as repeated")
	}
	row[emailKeyColumn], row[nameKeyColumn] = "", "ann lee|1 main st||K1A0B1|CA"
	if f.noteKeys(row) {
		t.Fatal("a new name key reported as repeated")
	}
	row[emailKeyColumn] = "bo@example.com"
	if !f.noteKeys(row) {
		t.Fatal("a repeated name key was missed")
	}
}
