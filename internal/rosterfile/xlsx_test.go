package rosterfile

import (
	"bytes"
	"errors"
	"testing"

	"github.com/xuri/excelize/v2"
)

// buildWorkbook writes a workbook with a decoy first sheet and a "Roster" sheet that has a
// blank row, a date cell, a number-typed phone and a formula-looking text.
func buildWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetRow("Sheet1", "A1", &[]any{"nothing", "here"}))
	_, err := f.NewSheet("Roster")
	must(err)
	must(f.SetSheetRow("Roster", "A1", &[]any{"Prénom", "Nom", "Courriel", "Téléphone", "Province", "Date de naissance", "Tuteur", "Courriel du tuteur", "Remarque"}))
	must(f.SetSheetRow("Roster", "A2", &[]any{"Léa", "Roy", "lea@exemple.ca", 5145550123, "QC", "", "", "", "=1+1"}))
	// Row 3 is left empty on purpose.
	must(f.SetSheetRow("Roster", "A4", &[]any{"Max", "Ng", "max@", "", "Ontario"}))
	must(f.SetSheetRow("Roster", "A5", &[]any{"Zoé", "Bo", "", "", "ON", 41000, "Ana Bo", "ana@exemple.ca"}))
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	must(f.SetCellStyle("Roster", "F5", "F5", dateStyle))
	var buf bytes.Buffer
	must(f.Write(&buf))
	return buf.Bytes()
}

func TestXLSX(t *testing.T) {
	data := buildWorkbook(t)
	rd, rows := readAll(t, bytes.NewReader(data), Options{Sheet: "Roster", ReferenceDate: refDate, DefaultCountry: "CA"})
	if rd.Format() != FormatXLSX {
		t.Fatalf("format %s", rd.Format())
	}
	if len(rows) != 3 || rows[0].Number != 2 || rows[1].Number != 4 || rows[2].Number != 5 {
		t.Fatalf("row numbers: %+v", rows)
	}
	if rows[0].Person == nil || rows[2].Person == nil || rows[1].Person != nil {
		t.Fatalf("outcome: %+v", rows)
	}
	if got := rejectsAt(rows[1].Rejects); len(got) != 1 || got[0] != (rejectAt{4, "Courriel"}) {
		t.Errorf("rejects %v", got)
	}
	p := rows[0].Person
	want(t, "phone from a number cell", p.Phone, "+15145550123")
	want(t, "region", p.Region, "CA-QC")
	want(t, "formula text kept as text", p.Attributes["Remarque"], "=1+1")
	kid := rows[2].Person
	want(t, "serial date", kid.DateOfBirth, "2012-04-01")
	if !kid.Minor || kid.GuardianEmail != "ana@exemple.ca" || kid.Channel != ChannelEmail {
		t.Errorf("minor: %+v", *kid)
	}
}

func TestXLSXFirstSheetAndMissingSheet(t *testing.T) {
	data := buildWorkbook(t)
	_, err := NewReader(bytes.NewReader(data), Options{Sheet: "Nope"})
	var fe *FatalError
	if !errors.As(err, &fe) {
		t.Fatalf("missing sheet: %v", err)
	}
	_, err = NewReader(bytes.NewReader(data), Options{})
	if !errors.As(err, &fe) {
		t.Fatalf("first sheet has no name column, want fatal: %v", err)
	}
	_, err = NewReader(bytes.NewReader(data), Options{Format: FormatCSV})
	if !errors.As(err, &fe) {
		t.Fatalf("xlsx declared as csv: %v", err)
	}
}
