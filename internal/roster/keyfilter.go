package roster

import (
	"hash/maphash"
	"slices"
)

// keyFilter remembers a 64-bit fingerprint of every dedup key of one file,
// in an open-addressing table, to tell whether any key occurs twice. It
// answers "certainly not seen before" or "maybe seen" (same fingerprint):
// a file with no maybe-seen key has no duplicate within it, which lets a
// first import skip the duplicate search in the database. The table grows
// up to maxFilterSlots (32 MiB); a file with more keys than fit makes the
// filter give up and answer "maybe" from then on, so memory stays bounded
// whatever the file's size and a duplicate is never missed.
type keyFilter struct {
	seed   maphash.Seed
	slots  []uint64
	used   int
	full   bool
	maxLen int
}

// Bounds on the filter's table, in slots of 8 bytes.
const (
	minFilterSlots = 1 << 12
	maxFilterSlots = 1 << 22
)

func newKeyFilter() *keyFilter {
	return &keyFilter{seed: maphash.MakeSeed(), slots: make([]uint64, minFilterSlots), maxLen: maxFilterSlots}
}

// add records key (of kind kind) and reports whether it may have been
// added before.
func (f *keyFilter) add(kind byte, key string) bool {
	if f.full {
		return true
	}
	h := maphash.String(f.seed, key) ^ (uint64(kind) * 0x9e3779b97f4a7c15)
	if h == 0 {
		h = 1
	}
	if f.insert(h) {
		return true
	}
	f.used++
	if f.used*4 >= len(f.slots)*3 {
		if len(f.slots) >= f.maxLen {
			f.full, f.slots = true, nil
			return false
		}
		f.grow()
	}
	return false
}

// insert puts h in the table and reports whether it was there already.
func (f *keyFilter) insert(h uint64) bool {
	mask := uint64(len(f.slots) - 1) // #nosec G115 -- a length is never negative
	for i := h & mask; ; i = (i + 1) & mask {
		switch f.slots[i] {
		case h:
			return true
		case 0:
			f.slots[i] = h
			return false
		}
	}
}

func (f *keyFilter) grow() {
	old := f.slots
	f.slots = make([]uint64, 2*len(old))
	for _, h := range old {
		if h != 0 {
			f.insert(h)
		}
	}
}

// Indexes of the dedup keys among personColumns.
var (
	emailKeyColumn = slices.Index(personColumns, "email_key")
	nameKeyColumn  = slices.Index(personColumns, "name_key")
)

// noteKeys adds the keys of one row's values (in personColumns order) to
// the filter and reports whether either may repeat an earlier row's.
func (f *keyFilter) noteKeys(row []any) bool {
	repeated := false
	if k, _ := row[emailKeyColumn].(string); k != "" && f.add('e', k) {
		repeated = true
	}
	if k, _ := row[nameKeyColumn].(string); k != "" && f.add('n', k) {
		repeated = true
	}
	return repeated
}
