package rosterfile

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Mapping maps a file's column headers to fields. It overrides the header aliases for the
// columns it names; the other columns are still recognised by alias or kept as attributes.
type Mapping map[string]Field

// mappingFile is the YAML shape of a mapping file:
//
//	columns:
//	  "Courriel pro": email
//	  "No dossier": external_id
//	  "Commentaire": ignore
type mappingFile struct {
	Columns map[string]string `yaml:"columns"`
}

// ParseMapping reads a YAML mapping file. An unknown target field is an error naming it.
func ParseMapping(r io.Reader) (Mapping, error) {
	var mf mappingFile
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&mf); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("mapping file is empty")
		}
		return nil, fmt.Errorf("mapping file: %w", err)
	}
	if len(mf.Columns) == 0 {
		return nil, errors.New("mapping file has no columns")
	}
	m := make(Mapping, len(mf.Columns))
	for col, target := range mf.Columns {
		f, err := ParseField(target)
		if err != nil {
			return nil, fmt.Errorf("mapping file, column %q: %w", col, err)
		}
		m[col] = f
	}
	return m, nil
}

// column is one resolved file column.
type column struct {
	index  int
	header string // as written in the file, trimmed
	field  Field  // FieldNone for an attribute
	attr   string // attribute key when field is FieldNone
}

// Column describes how a file column was understood, for display to the user.
type Column struct {
	Index     int    // 0-based position in the file
	Header    string // header text
	Field     Field  // the field it feeds, or "" when kept as an attribute
	Attribute string // attribute key when Field is ""
}

// resolveColumns maps each header cell to a field through the mapping, then the aliases.
func resolveColumns(header []string, m Mapping) ([]column, error) {
	cols := make([]column, len(header))
	for i, h := range header {
		cols[i] = column{index: i, header: strings.TrimSpace(h)}
	}
	if err := applyMapping(cols, m); err != nil {
		return nil, err
	}
	applyAliases(cols)
	nameAttributes(cols)
	return cols, nil
}

func applyMapping(cols []column, m Mapping) error {
	used := map[Field]string{}
	for src, f := range m {
		if _, err := ParseField(string(f)); err != nil {
			return fmt.Errorf("mapping for column %q: %w", src, err)
		}
		i := findHeader(cols, src)
		if i < 0 {
			return fmt.Errorf("mapping names column %q, which is not in the file's header", src)
		}
		if prev, dup := used[f]; dup && f != FieldIgnore {
			return fmt.Errorf("mapping sends both %q and %q to %s", prev, src, f)
		}
		used[f] = src
		cols[i].field = f
	}
	return nil
}

// findHeader finds a column by exact header, else by folded header when that is unique.
func findHeader(cols []column, name string) int {
	name = strings.TrimSpace(name)
	for i, c := range cols {
		if c.header == name {
			return i
		}
	}
	found := -1
	key := FoldKey(name)
	for i, c := range cols {
		if FoldKey(c.header) == key {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

// applyAliases fills unmapped columns from the aliases; the first column for a field wins and
// any later one is kept as an attribute (visible in Columns, never silently dropped).
func applyAliases(cols []column) {
	taken := map[Field]bool{}
	for _, c := range cols {
		if c.field != FieldNone {
			taken[c.field] = true
		}
	}
	hasGiven := taken[FieldGivenName]
	for _, c := range cols {
		if c.field == FieldNone && aliasField(FoldKey(c.header), false) == FieldGivenName {
			hasGiven = true
		}
	}
	for i := range cols {
		if cols[i].field != FieldNone {
			continue
		}
		f := aliasField(FoldKey(cols[i].header), hasGiven)
		if f != FieldNone && !taken[f] {
			cols[i].field = f
			taken[f] = true
		}
	}
}

// nameAttributes gives every unmapped column a unique attribute key.
func nameAttributes(cols []column) {
	seen := map[string]int{}
	for i := range cols {
		if cols[i].field != FieldNone {
			continue
		}
		key := cols[i].header
		if key == "" {
			key = "column " + strconv.Itoa(i+1)
		}
		seen[key]++
		if n := seen[key]; n > 1 {
			key += " (" + strconv.Itoa(n) + ")"
		}
		cols[i].attr = key
	}
}
