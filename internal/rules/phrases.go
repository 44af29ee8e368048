package rules

// phrases are the fixed words an evaluation writes around the catalogue's
// own texts: explanations, standards, notes and alternative readings. The
// catalogue's texts are translated by the catalogue files of each language
// (config/regulations/fr); these are the sentences the engine builds.
// Each field is a fmt format; indexed verbs (%[2]s) let a language order
// the parts its own way.
type phrases struct {
	lang string

	// Explanations.
	prefixUndetermined, prefixPermitted, prefixApplies string
	doesNotApply                                       string // %s: why
	notInForcePending                                  string // %s: the rule's notes
	notInForceOn                                       string // %s: date, %s: period
	noFixedDeadline                                    string // %s: the standard
	dueWord, keepUntil, mayUntil, targetWord           string
	dueSentence                                        string // %s: word, %s: date, %s: period

	// Standards.
	notRequired, notRequiredPending, notRequiredNotInForce string
	satisfiedByStandard                                    string // %s: rule key

	// Periods.
	periodHours, periodCalendarDays, periodMonths string // %d, %s: from
	periodBusinessDays                            string // %d, %s: calendar, %s: from
	periodAnnual, periodFrom                      string // %s: from
	yearEndOf                                     string // %d: year, %s: from
	versionInForce                                string // %s version, %s from, %s to
	inForceFrom                                   string // %s from
	versionEnded                                  string // %s version, %s to

	// Conditions.
	notEstablished, notYetKnown, emptyCondition string
	homeNotGiven, establishedIn                 string
	establishedInGroup, establishedOutside      string // %s where, %s group
	eventRecorded                               string // %s name, %s time
	eventNotRecorded                            string
	countsNotGiven                              string
	peopleIn, noPeopleIn                        string // %s people, %s region / %s regions
	peopleWhere                                 string // %s people, %s where, %s need
	inTotal, inRegion                           string
	peopleEachRegion                            string // %s people, %s region, %s need
	noneIn                                      string
	noSingleRegion                              string // %s group, %s need, %s parts
	answerTakenAs                               string // %s question, %s answer
	answerIs                                    string // %s question, %s answer
	notAnswered                                 string // %s question
	yes, no                                     string
	onePerson, manyPeople                       string // manyPeople: %d
	ops                                         map[string]string
	or, and                                     string
	filingOf                                    string // %s: duty key

	// List conditions.
	rolesNotGiven, roleIs, roleIsNot       string
	sectorsNotGiven, sectorIs, sectorIsNot string
	kindsNotGiven, kindIs, kindIsNot       string
	dataNotGiven, dataIs, dataIsNot        string

	// Clock notes.
	clockNotStarted     string // %s event
	unconfirmedAlt      string // %s closures
	unconfirmedNote     string // %s closures
	noRollForward       string // %s reason
	holidayNotExtended  string // %s day, %s calendar
	movedFrom           string // %s date, %s calendar
	undecidedCase       string // %s reasons
	noCase              string
	limitPassed         string // %s event, %s date, %s cut event
	earliestPending     string // %s events
	closureName         string // %s date, %s holiday
	calendarUnavailable string // %s calendar id

	// Profiles.
	definitionUnreadable   string // %s state, %v error
	definitionLabel        string // %s state
	definitionCovers       string // %s data, %s state, %s citation
	definitionUncheckedAlt string // %s data, %s citation, %s status
	definitionMayCover     string // %s data, %s state
	definitionNone         string // %s state, %s citation
	definitionExcludes     string // %s data, %s state, %s citation
	exemptionNotApplied    string // %s reasons
	exemptExplanation      string // %s label, %s citation, %s why
	exemptionAlt           string // %s label, %s citation, %s status
	satisfiedByExplanation string // %s why, %s key, %s label, %s citation
	leLabel                string
	leHoldNote             string // %s citation
	leSuspendBasis         string // %s citation, %s status
	leWithheldNote         string
	leLaterAlt             string // %s basis
	leWithoutSuspension    string
	leWithheldUnverified   string
	leStandard             string // %d days, %s citation
	leClearedBasis         string // %d days, %s citation
	leOrdinaryPeriod       string
	notAppliedPrefix       string // %s reasons
}

var englishPhrases = &phrases{
	lang:               "en",
	prefixUndetermined: "Undetermined (answer the missing questions): ", prefixPermitted: "Permitted, not required: ", prefixApplies: "Applies: ",
	doesNotApply:      "Does not apply: %s.",
	notInForcePending: "Not in force: %s",
	notInForceOn:      "not in force on %s (%s)",
	noFixedDeadline:   "No fixed deadline: %s.",
	dueWord:           "Due", keepUntil: "Keep the record until at least", mayUntil: "May be done until",
	targetWord:  "No date in the statute; target date (practice, not a statutory deadline)",
	dueSentence: "%s %s (%s).",

	notRequired: "not required", notRequiredPending: "not required: not in force",
	notRequiredNotInForce: "not required: rule not in force on the date of the clock event",
	satisfiedByStandard:   "satisfied by complying with %s",

	periodHours: "%d hours from %s", periodCalendarDays: "%d calendar days from %s", periodMonths: "%d months from %s",
	periodBusinessDays: "%d business days (%s) from %s",
	periodAnnual:       "annual date for the year of %s", periodFrom: "counted from %s",
	yearEndOf:      "31 December %d, the end of the calendar year of %s",
	versionInForce: "version %s in force %s to %s", inForceFrom: "in force from %s", versionEnded: "version %s ended %s",

	notEstablished: "not established: %s", notYetKnown: "not yet known: %s", emptyCondition: "empty condition",
	homeNotGiven: "the organization's home region is not given", establishedIn: "the organization is established in %s",
	establishedInGroup: "the organization is established in %s, in %s", establishedOutside: "the organization is established in %s, outside %s",
	eventRecorded: "%s is recorded (%s)", eventNotRecorded: "%s is not recorded",
	countsNotGiven: "the numbers of affected people by region are not given",
	peopleIn:       "%s in %s", noPeopleIn: "no affected people in %s",
	peopleWhere: "%s %s (the rule needs %s)", inTotal: "in total", inRegion: "in %s",
	peopleEachRegion: "%s in %s (the rule counts each region alone and needs %s)",
	noneIn:           "none in %s",
	noSingleRegion:   "no single region of %s has %s affected people (%s)",
	answerTakenAs:    "%s Not answered, taken as %s", answerIs: "%s %s", notAnswered: "not answered: %s",
	yes: "yes", no: "no",
	onePerson: "1 affected person", manyPeople: "%d affected people",
	ops: map[string]string{">": "more than", ">=": "at least", "<": "fewer than", "<=": "at most", "==": "exactly", "!=": "other than"},
	or:  "or", and: "and",
	filingOf: "the filing of %s",

	rolesNotGiven: "the organization's roles are not given", roleIs: "the organization is %s", roleIsNot: "the organization is not %s",
	sectorsNotGiven: "the organization's sectors are not given", sectorIs: "the organization is in the %s sector",
	sectorIsNot:   "the organization is not in the %s sector",
	kindsNotGiven: "the kind of breach (theft, loss, unauthorized access…) is not given",
	kindIs:        "the breach involves %s", kindIsNot: "the breach involves none of: %s",
	dataNotGiven: "the categories of personal information involved are not given",
	dataIs:       "the information involved includes %s", dataIsNot: "the information involved includes none of: %s",

	clockNotStarted:     "the clock starts at %s, which is not recorded yet",
	unconfirmedAlt:      "if %s count as closures: announced closures that are not confirmed for this calendar",
	unconfirmedNote:     "counted with the unconfirmed closures %s as business days, the earlier date",
	noRollForward:       "no roll-forward: %s",
	holidayNotExtended:  "%s is a holiday in the calendar %q; the date is not extended here, the extended date is the alternative",
	movedFrom:           "moved from %s, a non-working day in the calendar %q",
	undecidedCase:       "undecided clock case: %s",
	noCase:              "no clock case applies",
	limitPassed:         "the limit counted from %s (%s) had passed at %s",
	earliestPending:     "whichever is earliest: may fall earlier once %s is recorded",
	closureName:         "%s (%s)",
	calendarUnavailable: "the business-day calendar %s is not available",

	definitionUnreadable:   "%s's definition of personal information: %v",
	definitionLabel:        "personal information under %s law",
	definitionCovers:       "the information involved includes %s, which %s's definition of personal information covers (%s)",
	definitionUncheckedAlt: "if %s is not personal information under %s: the definition has not been checked for it (%s)",
	definitionMayCover:     "the information involved includes %s, which %s's definition may cover: it has not been checked, so the duty is shown",
	definitionNone:         "none of the information involved is personal information under %s's definition (%s)",
	definitionExcludes:     "%s is not personal information under %s's definition (%s)",
	exemptionNotApplied:    "not applied: %s",
	exemptExplanation:      "Not required: %s (%s). Otherwise the rule would apply: %s.",
	exemptionAlt:           "if %s (%s; %s, not applied)",
	satisfiedByExplanation: "Applies: %s. Satisfied by %s: %s (%s).",
	leLabel:                "notice delayed at a law-enforcement agency's request",
	leHoldNote:             "notice is delayed while law enforcement says it would impede a criminal investigation; it is then due as the statute says (%s)",
	leSuspendBasis:         "if the law-enforcement delay suspends the period (%s, %s)",
	leWithheldNote:         "notice is withheld while the law-enforcement delay lasts; record when it was requested and lifted",
	leLaterAlt:             "%s: later by the length of the delay, once it ends",
	leWithoutSuspension:    "without the suspension",
	leWithheldUnverified:   "notice was withheld while the law-enforcement delay lasted; whether the period stopped running is unverified",
	leStandard:             "delayed at law enforcement's request; within %d business days after the agency determines that notice will no longer compromise the investigation (%s)",
	leClearedBasis:         "%d business days after law enforcement cleared notice (%s)",
	leOrdinaryPeriod:       "the statute's ordinary period",
	notAppliedPrefix:       "not applied: %s",
}

// #nosec G101 -- sentences of explanations, not credentials
var frenchPhrases = &phrases{
	lang:               "fr",
	prefixUndetermined: "Indéterminé (répondez aux questions manquantes) : ", prefixPermitted: "Permis, non obligatoire : ", prefixApplies: "S'applique : ",
	doesNotApply:      "Ne s'applique pas : %s.",
	notInForcePending: "Pas en vigueur : %s",
	notInForceOn:      "pas en vigueur le %s (%s)",
	noFixedDeadline:   "Aucun délai fixe : %s.",
	dueWord:           "Échéance :", keepUntil: "Conserver le registre au moins jusqu'au", mayUntil: "Peut être fait jusqu'au",
	targetWord:  "Aucune date dans la loi; date cible (pratique, non un délai légal) :",
	dueSentence: "%s %s (%s).",

	notRequired: "non obligatoire", notRequiredPending: "non obligatoire : pas en vigueur",
	notRequiredNotInForce: "non obligatoire : règle non en vigueur à la date de l'événement qui fait courir le délai",
	satisfiedByStandard:   "satisfaite en se conformant à %s",

	periodHours: "%d heures à compter de %s", periodCalendarDays: "%d jours civils à compter de %s", periodMonths: "%d mois à compter de %s",
	periodBusinessDays: "%d jours ouvrables (%s) à compter de %s",
	periodAnnual:       "date annuelle de l'année de %s", periodFrom: "compté à partir de %s",
	yearEndOf:      "31 décembre %d, fin de l'année civile de %s",
	versionInForce: "version %s en vigueur du %s au %s", inForceFrom: "en vigueur depuis le %s", versionEnded: "version %s terminée le %s",

	notEstablished: "non établi : %s", notYetKnown: "pas encore connu : %s", emptyCondition: "condition vide",
	homeNotGiven: "la région d'établissement de l'organisation n'est pas indiquée", establishedIn: "l'organisation est établie dans la région « %s »",
	establishedInGroup: "l'organisation est établie dans la région « %s », qui fait partie de « %s »", establishedOutside: "l'organisation est établie dans la région « %s », hors de %s",
	eventRecorded: "%s : consigné (%s)", eventNotRecorded: "%s : non consigné",
	countsNotGiven: "le nombre de personnes touchées par région n'est pas indiqué",
	peopleIn:       "%s (%s)", noPeopleIn: "aucune personne touchée (%s)",
	peopleWhere: "%s %s — la règle exige %s", inTotal: "au total", inRegion: "(%s)",
	peopleEachRegion: "%s (%s) — la règle compte chaque région séparément et exige %s",
	noneIn:           "aucune (%s)",
	noSingleRegion:   "aucune région de %s ne compte %s personnes touchées (%s)",
	answerTakenAs:    "%s Sans réponse, considéré comme « %s »", answerIs: "%s %s", notAnswered: "sans réponse : %s",
	yes: "oui", no: "non",
	onePerson: "1 personne touchée", manyPeople: "%d personnes touchées",
	ops: map[string]string{">": "plus de", ">=": "au moins", "<": "moins de", "<=": "au plus", "==": "exactement", "!=": "autre que"},
	or:  "ou", and: "et",
	filingOf: "le dépôt de %s",

	rolesNotGiven: "les rôles de l'organisation ne sont pas indiqués", roleIs: "l'organisation est %s", roleIsNot: "l'organisation n'est pas %s",
	sectorsNotGiven: "les secteurs de l'organisation ne sont pas indiqués", sectorIs: "l'organisation appartient au secteur : %s",
	sectorIsNot:   "l'organisation n'appartient pas au secteur : %s",
	kindsNotGiven: "le type d'atteinte (vol, perte, accès non autorisé…) n'est pas indiqué",
	kindIs:        "l'atteinte comprend : %s", kindIsNot: "l'atteinte ne comprend aucun de ces types : %s",
	dataNotGiven: "les catégories de renseignements personnels en cause ne sont pas indiquées",
	dataIs:       "les renseignements en cause comprennent : %s", dataIsNot: "les renseignements en cause ne comprennent aucune de ces catégories : %s",

	clockNotStarted:     "le délai court à partir de %s, qui n'est pas encore consigné",
	unconfirmedAlt:      "si %s comptent comme jours de fermeture : fermetures annoncées, non confirmées pour ce calendrier",
	unconfirmedNote:     "compté en traitant les fermetures non confirmées %s comme jours ouvrables, soit la date la plus proche",
	noRollForward:       "pas de report : %s",
	holidayNotExtended:  "le %s est un jour férié du calendrier « %s »; la date n'est pas reportée ici, la date reportée est l'autre lecture",
	movedFrom:           "reportée du %s, jour non ouvrable du calendrier « %s »",
	undecidedCase:       "cas de délai non tranché : %s",
	noCase:              "aucun cas de délai ne s'applique",
	limitPassed:         "le délai compté à partir de %s (%s) était expiré à %s",
	earliestPending:     "selon la première échéance : peut tomber plus tôt une fois consigné(s) %s",
	closureName:         "%s (%s)",
	calendarUnavailable: "le calendrier des jours ouvrables %s n'est pas disponible",

	definitionUnreadable:   "définition des renseignements personnels (%s) : %v",
	definitionLabel:        "renseignements personnels au sens de la loi (%s)",
	definitionCovers:       "les renseignements en cause comprennent %s, que couvre la définition des renseignements personnels (%s; %s)",
	definitionUncheckedAlt: "si %s ne sont pas des renseignements personnels au sens de %s : la définition n'a pas été vérifiée sur ce point (%s)",
	definitionMayCover:     "les renseignements en cause comprennent %s, que la définition (%s) peut couvrir : ce point n'a pas été vérifié, l'obligation est donc affichée",
	definitionNone:         "aucun des renseignements en cause n'est un renseignement personnel au sens de la définition (%s; %s)",
	definitionExcludes:     "%s : pas des renseignements personnels au sens de la définition (%s; %s)",
	exemptionNotApplied:    "non appliquée : %s",
	exemptExplanation:      "Non obligatoire : %s (%s). Sinon, la règle s'appliquerait : %s.",
	exemptionAlt:           "si %s (%s; %s, non appliquée)",
	satisfiedByExplanation: "S'applique : %s. Satisfaite par %s : %s (%s).",
	leLabel:                "avis reporté à la demande d'un organisme d'application de la loi",
	leHoldNote:             "l'avis est reporté tant que les autorités policières indiquent qu'il nuirait à une enquête criminelle; il est ensuite dû selon la loi (%s)",
	leSuspendBasis:         "si le report demandé par les autorités policières suspend le délai (%s, %s)",
	leWithheldNote:         "l'avis est retenu pendant le report demandé par les autorités policières; consignez quand il a été demandé et levé",
	leLaterAlt:             "%s : plus tard, de la durée du report, une fois celui-ci terminé",
	leWithoutSuspension:    "sans la suspension",
	leWithheldUnverified:   "l'avis a été retenu pendant le report demandé par les autorités policières; la suspension du délai n'est pas vérifiée",
	leStandard:             "reporté à la demande des autorités policières; dans les %d jours ouvrables après que l'organisme a établi que l'avis ne compromettra plus l'enquête (%s)",
	leClearedBasis:         "%d jours ouvrables après que les autorités policières ont autorisé l'avis (%s)",
	leOrdinaryPeriod:       "le délai ordinaire prévu par la loi",
	notAppliedPrefix:       "non appliquée : %s",
}

// phrasesFor returns the phrases of lang, English when lang has none.
func phrasesFor(lang string) *phrases {
	if lang == "fr" {
		return frenchPhrases
	}
	return englishPhrases
}
