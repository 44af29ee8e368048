package demo

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Fictional on purpose: invented surnames so no demo row can be mistaken for
// a real person, reserved example domains and 555-01xx telephone numbers.
var (
	givenNames  = []string{"Avery", "Blake", "Camille", "Dmitri", "Elodie", "Farah", "Gideon", "Hana", "Isidore", "Jun", "Kiran", "Léa", "Mateo", "Noor", "Oksana", "Pierre", "Quinn", "Rosalind", "Sami", "Thea", "Ulrich", "Vivienne", "Wen", "Xavier", "Yara", "Zoltan"}
	familyNames = []string{"Amberlyn", "Brightwater", "Cobblestone", "Dunmore-Fictive", "Elmsworth", "Fernhollow", "Glimmerton", "Hazelbrook", "Ivorydale", "Juniperfield", "Kestrelwood", "Lanternby", "Marblecrest", "Nettlefold", "Oakhaven", "Pebbleshaw", "Quillfeather", "Rushmoor", "Saltmarsh", "Thistlewick"}
	streets     = []string{"Example Street", "Sample Avenue", "Placeholder Road", "Fictional Crescent", "Demo Lane", "Specimen Court"}
)

type regionInfo struct {
	city, country, lang, postalFmt string
}

var regions = map[string]regionInfo{
	"CA-ON": {"Toronto", "CA", "en", "M#A #A#"}, "CA-QC": {"Montréal", "CA", "fr", "H#A #A#"},
	"CA-BC": {"Vancouver", "CA", "en", "V#A #A#"}, "CA-AB": {"Calgary", "CA", "en", "T#A #A#"},
	"CA-NS": {"Halifax", "CA", "en", "B#A #A#"}, "US-NY": {"Albany", "US", "en", "12###"},
	"US-TX": {"Austin", "US", "en", "78###"}, "US-CA": {"Sacramento", "US", "en", "95###"},
	"US-FL": {"Tallahassee", "US", "en", "32###"}, "US-MA": {"Boston", "US", "en", "02###"},
	"US-WA": {"Olympia", "US", "en", "98###"}, "US-VT": {"Montpelier", "US", "en", "05###"},
}

func postal(r *rand.Rand, format string) string {
	var b strings.Builder
	for _, c := range format {
		switch c {
		case '#':
			b.WriteByte(byte('0' + r.IntN(10))) // #nosec G115 -- a digit 0-9
		case 'A':
			b.WriteByte("ABCEGHJKLMNPRSTVXY"[r.IntN(18)])
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// rosterCSV writes the synthetic roster of one breach as the CSV file a
// privacy officer would import; the demo imports it through the roster's
// own importer, so demo people are normalised, keyed for duplicates and
// counted exactly as imported people are.
func rosterCSV(shares []regionShare, cats []string, seed, breachID int64) ([]byte, int) {
	r := rand.New(rand.NewPCG(uint64(seed), uint64(breachID))) // #nosec G115 G404 -- demonstration data, reproducible from a seed: no secret, and the bits are only reinterpreted
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"id", "name", "email", "phone", "address", "city", "province", "country", "postal code", "language", "data categories"})
	n := 0
	for _, s := range shares {
		info := regions[s.region]
		for i := 0; i < s.count; i++ {
			n++
			_ = w.Write(fakePerson(r, int64(n), s.region, info, cats))
		}
	}
	w.Flush()
	return buf.Bytes(), n
}

// fakePerson is one row of the demo roster.
func fakePerson(r *rand.Rand, row int64, region string, info regionInfo, cats []string) []string {
	given, family := givenNames[r.IntN(len(givenNames))], familyNames[r.IntN(len(familyNames))]
	email, phone, lang := "", "", info.lang
	if r.IntN(10) < 8 { // most people have an e-mail address; the rest get letters
		email = strings.ToLower(fmt.Sprintf("%s.%s%d@example.org", strings.ReplaceAll(given, "é", "e"), family, row))
	}
	if r.IntN(3) == 0 {
		phone = fmt.Sprintf("+1%03d55501%02d", 200+r.IntN(700), r.IntN(100))
	}
	if region == "CA-QC" && r.IntN(5) == 0 {
		lang = "en"
	}
	return []string{fmt.Sprintf("D%06d", row), given + " " + family, email, phone,
		fmt.Sprintf("%d %s", 1+r.IntN(9999), streets[r.IntN(len(streets))]), info.city, region, info.country,
		postal(r, info.postalFmt), lang, strings.Join(cats, ";")}
}
