package rosterfile

import (
	"fmt"
	"sort"
	"strings"
)

// Field is a Person field a file column can be mapped to.
type Field string

// Fields a column can be mapped to (the names used in mapping files).
const (
	FieldNone           Field = ""
	FieldExternalID     Field = "external_id"
	FieldName           Field = "name"
	FieldGivenName      Field = "given_name"
	FieldFamilyName     Field = "family_name"
	FieldEmail          Field = "email"
	FieldPhone          Field = "phone"
	FieldAddress1       Field = "address1"
	FieldAddress2       Field = "address2"
	FieldCity           Field = "city"
	FieldRegion         Field = "region"
	FieldCountry        Field = "country"
	FieldPostalCode     Field = "postal_code"
	FieldLanguage       Field = "language"
	FieldDateOfBirth    Field = "date_of_birth"
	FieldMinor          Field = "minor"
	FieldGuardianName   Field = "guardian_name"
	FieldGuardianEmail  Field = "guardian_email"
	FieldGuardianPhone  Field = "guardian_phone"
	FieldDataCategories Field = "data_categories"
	// FieldIgnore drops a column entirely (mapping files only).
	FieldIgnore Field = "ignore"
)

var allFields = []Field{
	FieldExternalID, FieldName, FieldGivenName, FieldFamilyName, FieldEmail, FieldPhone,
	FieldAddress1, FieldAddress2, FieldCity, FieldRegion, FieldCountry, FieldPostalCode,
	FieldLanguage, FieldDateOfBirth, FieldMinor, FieldGuardianName, FieldGuardianEmail,
	FieldGuardianPhone, FieldDataCategories, FieldIgnore,
}

// Fields lists the names accepted as mapping targets.
func Fields() []Field {
	return append([]Field(nil), allFields...)
}

// ParseField checks a mapping target name.
func ParseField(s string) (Field, error) {
	f := Field(strings.TrimSpace(strings.ToLower(s)))
	for _, known := range allFields {
		if f == known {
			return f, nil
		}
	}
	names := make([]string, len(allFields))
	for i, k := range allFields {
		names[i] = string(k)
	}
	sort.Strings(names)
	return FieldNone, fmt.Errorf("unknown field %q (known fields: %s)", s, strings.Join(names, ", "))
}

// headerAliases maps folded header text (see FoldKey) to a field, in English and French.
var headerAliases = map[string]Field{
	"id": FieldExternalID, "externalid": FieldExternalID, "personid": FieldExternalID,
	"customerid": FieldExternalID, "clientid": FieldExternalID, "memberid": FieldExternalID,
	"employeeid": FieldExternalID, "recordid": FieldExternalID, "reference": FieldExternalID,
	"identifiant": FieldExternalID, "idclient": FieldExternalID, "noclient": FieldExternalID,
	"numeroclient": FieldExternalID, "numerodeclient": FieldExternalID, "matricule": FieldExternalID,
	"name": FieldName, "fullname": FieldName, "nomcomplet": FieldName, "contactname": FieldName,
	"displayname": FieldName, "nometprenom": FieldName, "prenometnom": FieldName,
	"firstname": FieldGivenName, "givenname": FieldGivenName, "forename": FieldGivenName,
	"prenom":   FieldGivenName,
	"lastname": FieldFamilyName, "surname": FieldFamilyName, "familyname": FieldFamilyName,
	"nomdefamille": FieldFamilyName,
	"email":        FieldEmail, "emailaddress": FieldEmail, "mail": FieldEmail, "courriel": FieldEmail,
	"adressecourriel": FieldEmail, "adresseelectronique": FieldEmail, "adressemail": FieldEmail,
	"adresseemail": FieldEmail, "courrielelectronique": FieldEmail,
	"phone": FieldPhone, "phonenumber": FieldPhone, "telephone": FieldPhone, "tel": FieldPhone,
	"mobile": FieldPhone, "cell": FieldPhone, "cellphone": FieldPhone, "numerodetelephone": FieldPhone,
	"cellulaire": FieldPhone, "portable": FieldPhone,
	"address": FieldAddress1, "address1": FieldAddress1, "addressline1": FieldAddress1,
	"street": FieldAddress1, "streetaddress": FieldAddress1, "adresse": FieldAddress1,
	"adresse1": FieldAddress1, "adressepostale": FieldAddress1, "rue": FieldAddress1,
	"address2": FieldAddress2, "addressline2": FieldAddress2, "adresse2": FieldAddress2,
	"unit": FieldAddress2, "apartment": FieldAddress2, "appartement": FieldAddress2,
	"city": FieldCity, "town": FieldCity, "ville": FieldCity, "municipality": FieldCity,
	"municipalite": FieldCity, "localite": FieldCity,
	"region": FieldRegion, "province": FieldRegion, "state": FieldRegion, "provincestate": FieldRegion,
	"stateprovince": FieldRegion, "etat": FieldRegion, "provinceetat": FieldRegion,
	"etatprovince": FieldRegion, "prov": FieldRegion, "territory": FieldRegion,
	"provinceterritory": FieldRegion, "territoire": FieldRegion,
	"country": FieldCountry, "pays": FieldCountry, "countrycode": FieldCountry, "codepays": FieldCountry,
	"postalcode": FieldPostalCode, "postcode": FieldPostalCode, "zip": FieldPostalCode,
	"zipcode": FieldPostalCode, "codepostal": FieldPostalCode, "postal": FieldPostalCode,
	"cp":       FieldPostalCode,
	"language": FieldLanguage, "lang": FieldLanguage, "langue": FieldLanguage,
	"preferredlanguage": FieldLanguage, "languepreferee": FieldLanguage,
	"languedecorrespondance": FieldLanguage,
	"dateofbirth":            FieldDateOfBirth, "dob": FieldDateOfBirth, "birthdate": FieldDateOfBirth,
	"birthday": FieldDateOfBirth, "datedenaissance": FieldDateOfBirth, "ddn": FieldDateOfBirth,
	"minor": FieldMinor, "isminor": FieldMinor, "under18": FieldMinor, "mineur": FieldMinor,
	"moinsde18ans": FieldMinor,
	"guardian":     FieldGuardianName, "guardianname": FieldGuardianName, "parentname": FieldGuardianName,
	"parentguardian": FieldGuardianName, "tuteur": FieldGuardianName, "nomdututeur": FieldGuardianName,
	"parent": FieldGuardianName, "nomduparent": FieldGuardianName,
	"guardianemail": FieldGuardianEmail, "parentemail": FieldGuardianEmail,
	"courrieldututeur": FieldGuardianEmail, "courrielduparent": FieldGuardianEmail,
	"guardianphone": FieldGuardianPhone, "parentphone": FieldGuardianPhone,
	"telephonedututeur": FieldGuardianPhone, "telephoneduparent": FieldGuardianPhone,
	"datacategories": FieldDataCategories, "categories": FieldDataCategories,
	"exposeddata": FieldDataCategories, "dataexposed": FieldDataCategories,
	"categoriesdedonnees": FieldDataCategories, "donneesexposees": FieldDataCategories,
	"donneesvisees": FieldDataCategories,
}

// aliasField resolves a header through the aliases. "Nom" is the family name when the file
// also has a given-name column (French "Nom, Prénom"), otherwise the full name.
func aliasField(folded string, hasGivenName bool) Field {
	if folded == "nom" {
		if hasGivenName {
			return FieldFamilyName
		}
		return FieldName
	}
	return headerAliases[folded]
}
