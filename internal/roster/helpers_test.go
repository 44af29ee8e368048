package roster

import (
	"bytes"
	"fmt"
	"path/filepath"
	"time"
)

// refDate is the reference date used for ages in the tests' imports.
var refDate = time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC)

// corpus names a file of rosterfile's corpus of messy roster files.
func corpus(name string) string {
	return filepath.Join("..", "rosterfile", "testdata", name)
}

// benchCSV builds a realistic roster: names, email, phone, address, province, postal code,
// language and one unmapped column.
func benchCSV(rows int) []byte {
	var b bytes.Buffer
	b.WriteString("id,first name,last name,email,phone,address,city,province,postal code,language,member since\n")
	provs := []string{"ON", "Ontario", "QC", "Québec", "BC", "AB", "NS", "MB"}
	posts := []string{"K1A 0B1", "M5V 2T6", "H2X 1Y4", "G1R 4P5", "V6B 1A1", "T2P 1J9", "B3H 1A1", "R3C 0V8"}
	for i := range rows {
		k := i % len(provs)
		fmt.Fprintf(&b, "%d,Jean%d,Tremblay%d,jean.tremblay%d@example.com,(416) 555-%04d,%d rue Principale,Ville%d,%s,%s,%s,2019-01-01\n",
			i, i, i%997, i, i%10000, i%500, i%300, provs[k], posts[k], []string{"en", "fr"}[i%2])
	}
	return b.Bytes()
}
