package report

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
)

// sender is the organization of the letter fixtures.
func sender() LetterSender {
	return LetterSender{
		Name:         "Northfield Police Service",
		AddressLines: []string{"100 Main Street", "Northfield ON  K1A 0B1"},
		Contact:      "privacy@northfield.example · +1 613 555 0100",
	}
}

const englishBody = `Dear Jane Doe,

We are writing to tell you about an incident that involved some of your personal information.

# What happened
On February 27, 2025, an analyst sent an occurrence report to the wrong e-mail distribution list. We learned of it the next day.

# What information was involved
Your name, date of birth and the details of an occurrence report.

# What you can do
Watch for unexpected messages that mention the occurrence. You may complain to the Information and Privacy Commissioner of Ontario.

Sincerely,
Dana Okafor
Privacy Officer`

const frenchBody = `Madame, Monsieur,

Nous vous écrivons au sujet d'un incident touchant certains de vos renseignements personnels.

# Ce qui s'est passé
Le 27 février 2025, un analyste a envoyé un rapport d'événement à la mauvaise liste de diffusion.

# Ce que vous pouvez faire
Soyez attentif aux messages inattendus. Vous pouvez porter plainte auprès du Commissaire à l'information et à la protection de la vie privée.

Veuillez agréer nos salutations distinguées.
Dana Okafor`

// englishLetter and frenchLetter are one-page letters on Letter and A4.
func englishLetter(ref string) LetterInput {
	return LetterInput{
		Language: "en", Paper: PaperLetter, Date: "March 4, 2025", Reference: ref, Body: englishBody,
		Recipient: []string{"Jane Doe", "42 Elm Street, Apt 3", "Ottawa ON  K2P 1L4"},
	}
}

func frenchLetter(ref string) LetterInput {
	return LetterInput{
		Language: "fr", Paper: PaperA4, Date: "le 4 mars 2025", Reference: ref, Body: frenchBody,
		Recipient: []string{"Élise Tremblay", "12, rue des Érables", "Québec QC  G1R 2B5"},
	}
}

func batchOf(letters ...LetterInput) LetterBatch {
	return LetterBatch{Sender: sender(), Letters: letters, GeneratedAt: at("2025-03-04T15:00:00Z"), BatchID: "B-2025-03-04-001"}
}

// writeLetters renders a batch or fails the test.
func writeLetters(t testing.TB, in LetterBatch) ([]byte, LetterStats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := Letters(context.Background(), in, &buf, Limits{})
	if err != nil {
		t.Fatalf("Letters: %v", err)
	}
	return buf.Bytes(), st
}

// longBody is a body of n numbered paragraphs with a heading every fifth.
func longBody(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i%5 == 0 {
			fmt.Fprintf(&b, "# Heading %d\n", i)
		}
		fmt.Fprintf(&b, "Paragraph %d. %s\n\n", i, strings.Repeat("Some words of the notice. ", 12))
	}
	return b.String()
}
