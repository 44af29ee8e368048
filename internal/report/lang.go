package report

// words holds the fixed wording of a document in one language: page chrome,
// placeholders for unknown content, and common labels.
type words struct {
	code        string
	notKnown    string // a required value that is still unknown
	notProvided string // an optional value that was not given
	page        string // "Page %d of %s"
	generated   string
	documentID  string
	stage       string
	preparedBy  string
	reference   string
	none        string
	yes, no     string
	stages      map[string]string
	missing     string // heading of the missing-content section
	missingNote string
	optional    string // marks an item the law asks for only if known
	colon       string // ": ", or " : " with a no-break space in French
}

// wordsFor returns the wording for a language code; anything but "fr" is English.
func wordsFor(code string) words {
	if code == "fr" {
		return words{
			code:        "fr",
			notKnown:    "Inconnu pour l'instant — sera fourni dans une mise à jour",
			notProvided: "Non fourni",
			page:        "Page %d de %s",
			generated:   "Généré le",
			documentID:  "Document",
			stage:       "Étape",
			preparedBy:  "Préparé par",
			reference:   "Référence",
			none:        "Aucun",
			yes:         "Oui",
			no:          "Non",
			stages: map[string]string{
				StagePreliminary: "Avis préliminaire",
				StageUpdate:      "Mise à jour",
				StageFinal:       "Avis final",
			},
			missing:     "Renseignements à compléter",
			missingNote: "Les éléments suivants ne sont pas encore connus et seront transmis dans une mise à jour\u00a0:",
			optional:    "facultatif",
			colon:       "\u00a0: ",
		}
	}
	return words{
		code:        "en",
		notKnown:    "Not yet known — will be provided in an update",
		notProvided: "Not provided",
		page:        "Page %d of %s",
		generated:   "Generated",
		documentID:  "Document",
		stage:       "Stage",
		preparedBy:  "Prepared by",
		reference:   "Reference",
		none:        "None",
		yes:         "Yes",
		no:          "No",
		stages: map[string]string{
			StagePreliminary: "Preliminary report",
			StageUpdate:      "Update",
			StageFinal:       "Final report",
		},
		missing:     "Content still to be provided",
		missingNote: "The following items are not yet known and will be provided in an update:",
		optional:    "if known",
		colon:       ": ",
	}
}

// Filing stages.
const (
	StagePreliminary = "preliminary"
	StageUpdate      = "update"
	StageFinal       = "final"
)
