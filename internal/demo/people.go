package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"gorm.io/gorm"
)

// person is a row of affected_people as the demo writes it.
type person struct {
	ID              int64 `gorm:"primaryKey"`
	BreachID        int64
	RowNumber       int64
	ExternalID      string
	Name            string
	Email           string
	EmailOriginal   string
	Phone           string
	PhoneOriginal   string
	Address1        string
	City            string
	Region          string
	RegionOriginal  string
	Country         string
	PostalCode      string
	PostalOriginal  string
	Language        string
	LanguageSource  string
	Minor           bool
	GuardianName    string
	GuardianContact string
	Channel         string
	DataCategories  []string          `gorm:"serializer:json"`
	Attributes      map[string]string `gorm:"serializer:json"`
	CreatedAt       time.Time
}

func (person) TableName() string { return "affected_people" }

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
			b.WriteByte(byte('0' + r.IntN(10)))
		case 'A':
			b.WriteByte("ABCEGHJKLMNPRSTVXY"[r.IntN(18)])
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// insertPeople writes the synthetic roster of one breach in batches.
func insertPeople(ctx context.Context, db *gorm.DB, breachID int64, shares []regionShare, cats []string, seed int64) (int, error) {
	r := rand.New(rand.NewPCG(uint64(seed), uint64(breachID)))
	var batch []person
	row := int64(1)
	now := time.Now().UTC()
	for _, s := range shares {
		info := regions[s.region]
		for i := 0; i < s.count; i++ {
			row++
			batch = append(batch, fakePerson(r, breachID, row, s.region, info, cats, now))
		}
	}
	if len(batch) == 0 {
		return 0, nil
	}
	if err := db.WithContext(ctx).CreateInBatches(batch, 150).Error; err != nil {
		return 0, fmt.Errorf("insert people: %w", err)
	}
	return len(batch), nil
}

func fakePerson(r *rand.Rand, breachID, row int64, region string, info regionInfo, cats []string, now time.Time) person {
	given, family := givenNames[r.IntN(len(givenNames))], familyNames[r.IntN(len(familyNames))]
	p := person{BreachID: breachID, RowNumber: row, ExternalID: fmt.Sprintf("D%06d", row),
		Name: given + " " + family, Address1: fmt.Sprintf("%d %s", 1+r.IntN(9999), streets[r.IntN(len(streets))]),
		City: info.city, Region: region, RegionOriginal: region, Country: info.country,
		Language: info.lang, LanguageSource: "default:region", DataCategories: cats, Attributes: map[string]string{}, CreatedAt: now}
	p.PostalCode = postal(r, info.postalFmt)
	p.PostalOriginal = p.PostalCode
	if r.IntN(10) < 8 { // most people have an e-mail address; the rest get letters
		p.Email = strings.ToLower(fmt.Sprintf("%s.%s%d@example.org", strings.ReplaceAll(given, "é", "e"), family, row))
		p.EmailOriginal = p.Email
		p.Channel = "email"
	} else {
		p.Channel = "postal"
	}
	if r.IntN(3) == 0 {
		p.Phone = fmt.Sprintf("+1%03d55501%02d", 200+r.IntN(700), r.IntN(100))
		p.PhoneOriginal = p.Phone
	}
	if region == "CA-QC" && r.IntN(5) == 0 {
		p.Language, p.LanguageSource = "en", "column"
	}
	return p
}
