package rosterfile

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// place is one thing a region or country cell can name: a Canadian or US subdivision
// (region CA-ON, country CA) or a whole country (region DE, country DE).
type place struct {
	region  string
	country string
	name    string
}

func (p place) isCountry() bool { return p.region == p.country }

// regionIndex maps folded names and codes to the places they may denote.
type regionIndex map[string][]place

var placeIndex = sync.OnceValue(buildRegionIndex)

// usTerritories have an ISO 3166-1 code and an ISO 3166-2:US code.
var usTerritories = map[string]bool{"PR": true, "GU": true, "VI": true, "AS": true, "MP": true}

func buildRegionIndex() regionIndex {
	idx := regionIndex{}
	for _, list := range [][]subdivision{canada, unitedStates} {
		for _, s := range list {
			p := place{region: s.code, country: s.code[:2], name: s.names[0]}
			idx.add(s.code[3:], p)
			idx.add(s.code, p)
			for _, n := range s.names {
				idx.add(n, p)
			}
		}
	}
	en, fr := display.English.Regions(), display.French.Regions()
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			r, err := language.ParseRegion(string([]rune{a, b}))
			if err != nil || !r.IsCountry() || r.Canonicalize() != r || r.String() != string([]rune{a, b}) {
				continue
			}
			code := r.String()
			p := place{region: code, country: code, name: en.Name(r)}
			if usTerritories[code] {
				// Puerto Rico and the other territories have both codes: one place, US-PR.
				p = place{region: "US-" + code, country: "US", name: en.Name(r)}
			}
			idx.add(code, p)
			idx.add(r.ISO3(), p)
			idx.add(en.Name(r), p)
			idx.add(fr.Name(r), p)
		}
	}
	for alias, code := range countryAliases {
		for _, p := range idx[strings.ToLower(code)] {
			if p.isCountry() {
				idx.add(alias, p)
			}
		}
	}
	return idx
}

func (idx regionIndex) add(name string, p place) {
	k := FoldKey(name)
	if k == "" || slices.Contains(idx[k], p) {
		return
	}
	idx[k] = append(idx[k], p)
}

// Region problems.
var (
	errRegionUnknown = errors.New("not a known province, state or country")
	errCountry       = errors.New("not a known country")
)

// NormaliseCountry returns the ISO 3166-1 alpha-2 code for a country name (English or
// French) or an alpha-2 or alpha-3 code.
func NormaliseCountry(value string) (string, error) {
	for _, p := range placeIndex()[FoldKey(value)] {
		if p.isCountry() || usTerritories[strings.TrimPrefix(p.region, "US-")] {
			return p.country, nil
		}
	}
	return "", errCountry
}

// NormaliseRegion returns the ISO 3166-2 code of a Canadian province or territory or a US
// state ("Ont." -> CA-ON), or the alpha-2 code for a country or any place elsewhere, with the
// country it belongs to. country is the row's country (alpha-2, may be empty) and postal its
// postal code; they resolve codes such as "CA" (California or Canada). What they cannot
// resolve is an error, never a guess.
func NormaliseRegion(value, country, postal string) (region, regionCountry string, err error) {
	cands := placeIndex()[FoldKey(value)]
	if country != "" {
		return regionInCountry(value, cands, country)
	}
	if len(cands) == 0 {
		return "", "", errRegionUnknown
	}
	if len(cands) > 1 && strings.TrimSpace(postal) != "" {
		if fit := fitPostal(cands, postal); len(fit) > 0 {
			cands = fit
		}
	}
	if len(cands) > 1 {
		return "", "", ambiguous(cands)
	}
	return cands[0].region, cands[0].country, nil
}

// regionInCountry resolves a region cell when the row names its country. Outside Canada and
// the US the region is recorded at country level (the original stays beside it).
func regionInCountry(value string, cands []place, country string) (string, string, error) {
	var other *place
	for i, p := range cands {
		if p.country == country {
			return p.region, p.country, nil
		}
		if p.isCountry() && other == nil {
			other = &cands[i]
		}
	}
	switch {
	case country == "CA":
		return "", "", errors.New("not a Canadian province or territory")
	case country == "US":
		return "", "", errors.New("not a US state or territory")
	case other != nil && len(cands) == 1:
		return "", "", fmt.Errorf("names %s, but the row's country is %s", other.name, country)
	}
	return country, country, nil
}

// fitPostal keeps the places whose country (and Canadian province) the postal code fits.
func fitPostal(cands []place, postal string) []place {
	var fit []place
	for _, p := range cands {
		if _, err := NormalisePostal(postal, p.country); err != nil {
			continue
		}
		if p.country == "CA" && !p.isCountry() && !slices.Contains(provincesForPostal(postal), p.region) {
			continue
		}
		fit = append(fit, p)
	}
	return fit
}

func ambiguous(cands []place) error {
	names := make([]string, len(cands))
	for i, p := range cands {
		names[i] = fmt.Sprintf("%s (%s)", p.name, p.region)
	}
	return fmt.Errorf("ambiguous: could be %s; add a country or postal code to the row", strings.Join(names, " or "))
}
