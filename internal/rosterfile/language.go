package rosterfile

import (
	"errors"

	"golang.org/x/text/language"
)

// languageNames maps folded language names, in English, French and the language itself,
// to BCP 47 primary subtags.
var languageNames = map[string]string{
	"en": "en", "es": "es", "de": "de", "it": "it", "pt": "pt", "nl": "nl", "zh": "zh", "ar": "ar",
	"english": "en", "anglais": "en", "eng": "en",
	"french": "fr", "francais": "fr", "fre": "fr", "fra": "fr", "fr": "fr",
	"spanish": "es", "espagnol": "es", "espanol": "es", "castellano": "es",
	"german": "de", "allemand": "de", "deutsch": "de",
	"italian": "it", "italien": "it", "italiano": "it",
	"portuguese": "pt", "portugais": "pt", "portugues": "pt",
	"dutch": "nl", "neerlandais": "nl", "nederlands": "nl",
	"chinese": "zh", "chinois": "zh", "mandarin": "zh", "cantonese": "yue", "cantonais": "yue",
	"arabic": "ar", "arabe": "ar", "punjabi": "pa", "pendjabi": "pa",
	"tagalog": "tl", "filipino": "fil", "vietnamese": "vi", "vietnamien": "vi",
	"korean": "ko", "coreen": "ko", "japanese": "ja", "japonais": "ja",
	"russian": "ru", "russe": "ru", "polish": "pl", "polonais": "pl",
	"ukrainian": "uk", "ukrainien": "uk", "hindi": "hi", "urdu": "ur", "ourdou": "ur",
	"persian": "fa", "farsi": "fa", "persan": "fa", "tamil": "ta", "tamoul": "ta",
	"greek": "el", "grec": "el", "gujarati": "gu", "bengali": "bn", "somali": "so",
	"turkish": "tr", "turc": "tr", "romanian": "ro", "roumain": "ro", "inuktitut": "iu",
	"cree": "cr", "ojibwe": "oj", "ojibwa": "oj",
}

var errLanguage = errors.New("not a language name or code")

// NormaliseLanguage returns the BCP 47 primary language subtag: "English", "anglais",
// "EN", "fr-CA", "fra" -> "en"/"fr".
func NormaliseLanguage(value string) (string, error) {
	k := FoldKey(value)
	if code, ok := languageNames[k]; ok {
		return code, nil
	}
	if len(k) < 2 || len(k) > 8 && len(value) > 12 {
		return "", errLanguage
	}
	tag, err := language.Parse(value)
	if err != nil {
		return "", errLanguage
	}
	base, conf := tag.Base()
	if conf == language.No || base.String() == "und" {
		return "", errLanguage
	}
	return base.String(), nil
}

// defaultLanguage is the language assumed for a region when the file gives none.
func defaultLanguage(region string) string {
	if region == "CA-QC" {
		return "fr"
	}
	return "en"
}
