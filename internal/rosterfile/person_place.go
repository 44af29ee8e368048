package rosterfile

import (
	"errors"
	"time"
)

// place normalises country, region and postal code together, since each informs the others.
func (b *rowBuilder) place() {
	l, p := b.lay, b.p
	p.CountryOriginal = b.cell(l.country)
	p.RegionOriginal = b.cell(l.region)
	p.PostalOriginal = b.cell(l.postalCode)
	if p.CountryOriginal != "" {
		c, err := NormaliseCountry(p.CountryOriginal)
		if err != nil {
			b.reject(l.country, FieldCountry, err.Error(), p.CountryOriginal)
			return
		}
		p.Country = c
	}
	if !b.region() {
		return
	}
	b.postal()
}

// region resolves the region cell, or infers it from a Canadian postal code or the country.
func (b *rowBuilder) region() bool {
	l, p := b.lay, b.p
	if p.RegionOriginal != "" {
		region, country, err := NormaliseRegion(p.RegionOriginal, p.Country, p.PostalOriginal)
		if err != nil {
			b.reject(l.region, FieldRegion, err.Error(), p.RegionOriginal)
			return false
		}
		p.Region, p.Country, p.RegionSource = region, country, "column"
		if region == "CA" {
			// "Canada" in the region column: the postal code may still name the province.
			if provs := provincesForPostal(p.PostalOriginal); len(provs) == 1 {
				p.Region, p.RegionSource = provs[0], "postal"
			}
		}
		return true
	}
	if p.PostalOriginal != "" && (p.Country == "" || p.Country == "CA") {
		if provs := provincesForPostal(p.PostalOriginal); len(provs) == 1 {
			p.Region, p.Country, p.RegionSource = provs[0], "CA", "postal"
			return true
		} else if len(provs) > 1 {
			p.Country = "CA"
		}
	}
	if p.Country != "" {
		p.Region, p.RegionSource = p.Country, "country"
	}
	return true
}

// postal checks the postal code against the country, and a Canadian one against the province.
func (b *rowBuilder) postal() {
	l, p := b.lay, b.p
	if p.PostalOriginal == "" {
		return
	}
	code, err := NormalisePostal(p.PostalOriginal, p.Country)
	if err != nil {
		b.reject(l.postalCode, FieldPostalCode, err.Error(), p.PostalOriginal)
		return
	}
	p.PostalCode = code
	if p.Country == "CA" && len(p.Region) == 5 && !postalInProvince(code, p.Region) {
		b.reject(l.postalCode, FieldPostalCode, "the postal code's first letter does not belong to "+p.Region, p.PostalOriginal)
	}
}

// minor reads the date of birth and the minor flag, and requires a guardian for a minor.
func (b *rowBuilder) minor() {
	l, p := b.lay, b.p
	fromDOB, haveDOB := b.dateOfBirth()
	if raw := b.cell(l.minor); raw != "" {
		flag, err := parseFlag(raw)
		switch {
		case err != nil:
			b.reject(l.minor, FieldMinor, err.Error(), raw)
		case haveDOB && flag != fromDOB:
			b.reject(l.minor, FieldMinor, "the minor flag contradicts the date of birth", raw)
		}
		p.Minor = flag
	} else {
		p.Minor = fromDOB
	}
	b.guardian()
}

func (b *rowBuilder) dateOfBirth() (minor, ok bool) {
	l, p := b.lay, b.p
	raw := b.cell(l.dateOfBirth)
	if raw == "" {
		return false, false
	}
	p.DateOfBirthOriginal = raw
	dob, err := parseDate(raw, b.rd.opts.DateOrder, b.rd.format == FormatXLSX)
	ref := b.rd.opts.ReferenceDate
	if err == nil && dob.After(ref) {
		err = errDateFuture
	}
	if err != nil {
		b.reject(l.dateOfBirth, FieldDateOfBirth, err.Error(), raw)
		return false, false
	}
	p.DateOfBirth = dob.Format(time.DateOnly)
	return isMinorAt(dob, ref), true
}

// guardian normalises the guardian's contact and requires one for a minor: an email, a
// phone, or a name with the minor's postal address.
func (b *rowBuilder) guardian() {
	l, p := b.lay, b.p
	before := len(b.rejects)
	if raw := b.cell(l.guardianEmail); raw != "" {
		var err error
		if p.GuardianEmail, err = NormaliseEmail(raw); err != nil {
			b.reject(l.guardianEmail, FieldGuardianEmail, err.Error(), raw)
		}
	}
	if raw := b.cell(l.guardianPhone); raw != "" {
		var err error
		if p.GuardianPhone, err = NormalisePhone(raw, b.phoneCountry()); err != nil {
			b.reject(l.guardianPhone, FieldGuardianPhone, err.Error(), raw)
		}
	}
	if !p.Minor || p.GuardianEmail != "" || p.GuardianPhone != "" || len(b.rejects) > before {
		return
	}
	if p.GuardianName != "" && hasPostalAddress(p) {
		return
	}
	col := l.guardianName
	if col < 0 {
		col = max(l.guardianEmail, l.guardianPhone, l.minor, l.dateOfBirth)
	}
	b.reject(col, FieldGuardianName, errNoGuardian.Error(), "")
}

var errNoGuardian = errors.New("a minor needs a guardian's email, phone, or name with a postal address")
