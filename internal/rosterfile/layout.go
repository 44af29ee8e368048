package rosterfile

// layout holds, for each field, the index of the column that feeds it, or -1.
type layout struct {
	externalID, name, givenName, familyName, email, phone      int
	address1, address2, city, region, country, postalCode      int
	language, dateOfBirth, minor                               int
	guardianName, guardianEmail, guardianPhone, dataCategories int
	headers                                                    []string
	attrs                                                      []column
}

func newLayout(cols []column) *layout {
	l := &layout{}
	for _, f := range allFields {
		if p := l.slot(f); p != nil {
			*p = -1
		}
	}
	for _, c := range cols {
		l.headers = append(l.headers, c.header)
		if c.field == FieldNone {
			l.attrs = append(l.attrs, c)
			continue
		}
		if p := l.slot(c.field); p != nil {
			*p = c.index
		}
	}
	return l
}

// slot returns where the column index for f is kept; nil for FieldIgnore.
func (l *layout) slot(f Field) *int {
	switch f {
	case FieldExternalID:
		return &l.externalID
	case FieldName:
		return &l.name
	case FieldGivenName:
		return &l.givenName
	case FieldFamilyName:
		return &l.familyName
	case FieldEmail:
		return &l.email
	case FieldPhone:
		return &l.phone
	case FieldAddress1:
		return &l.address1
	case FieldAddress2:
		return &l.address2
	case FieldCity:
		return &l.city
	case FieldRegion:
		return &l.region
	case FieldCountry:
		return &l.country
	case FieldPostalCode:
		return &l.postalCode
	case FieldLanguage:
		return &l.language
	case FieldDateOfBirth:
		return &l.dateOfBirth
	case FieldMinor:
		return &l.minor
	case FieldGuardianName:
		return &l.guardianName
	case FieldGuardianEmail:
		return &l.guardianEmail
	case FieldGuardianPhone:
		return &l.guardianPhone
	case FieldDataCategories:
		return &l.dataCategories
	}
	return nil
}

// header names a column for a reject: the header text, or the field when the text is empty.
func (l *layout) header(i int, f Field) string {
	if i >= 0 && i < len(l.headers) && l.headers[i] != "" {
		return l.headers[i]
	}
	return string(f)
}
