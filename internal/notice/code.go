package notice

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"strings"
)

// codeAlphabet is Crockford's base 32: digits and capitals without I, L, O
// and U, so a code read from paper is not mistaken for another.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// codeLength is the number of characters of a reference code: 13 × 5 bits
// = 65 bits, more than the 60 a guesser must search.
const codeLength = 13

// Keys derive the secrets of each notice from the installation's secret:
// the reference code, the Message-ID and the bounce address. Deriving them
// (rather than storing them) means a retry after a crash prints the same
// code and Message-ID, and the database keeps only the code's hash.
type Keys struct{ secret []byte }

// NewKeys uses secret (at least 32 bytes; BREACHLINE_SECRET_KEY).
func NewKeys(secret []byte) (Keys, error) {
	if len(secret) < 32 {
		return Keys{}, fmt.Errorf("notice keys: the secret must be at least 32 bytes")
	}
	return Keys{secret: secret}, nil
}

func (k Keys) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return m.Sum(nil)
}

// Code is the reference code of a person's notice in a campaign, as printed
// (groups of four and five characters: XXXX-XXXX-XXXXX).
func (k Keys) Code(campaignID, personID int64) string {
	var raw [codeLength]byte
	codeChars(&raw, k.mac("code", strconv.FormatInt(campaignID, 10), strconv.FormatInt(personID, 10)))
	s := string(raw[:])
	return s[:4] + "-" + s[4:8] + "-" + s[8:]
}

// codeChars writes the characters of a code (its normalised form, without
// dashes) from the first 65 bits of sum.
func codeChars(raw *[codeLength]byte, sum []byte) {
	var acc uint64
	bits, n := 0, 0
	for _, c := range sum {
		acc = acc<<8 | uint64(c)
		bits += 8
		for bits >= 5 && n < codeLength {
			bits -= 5
			raw[n] = codeAlphabet[(acc>>bits)&31]
			n++
		}
		if n == codeLength {
			return
		}
	}
}

// NormalizeCode reads a code as a person typed it: case, spaces, dashes and
// dots do not matter, and O, I and L read as 0, 1 and 1. ok is false when
// what remains cannot be a code.
func NormalizeCode(in string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(in) {
		switch {
		case r == ' ' || r == '-' || r == '.' || r == '\t' || r == '_':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if r > 127 || !strings.ContainsRune(codeAlphabet, r) {
			return "", false
		}
		b.WriteRune(r)
		if b.Len() > codeLength {
			return "", false
		}
	}
	if b.Len() != codeLength {
		return "", false
	}
	return b.String(), true
}

// CodeHash is what the ledger stores of a code: the SHA-256 of its
// normalised form. A printed code and a typed one hash the same.
func CodeHash(code string) string {
	n, ok := NormalizeCode(code)
	if !ok {
		n = "invalid:" + code
	}
	sum := sha256.Sum256([]byte(codeHashPrefix + n))
	return hex.EncodeToString(sum[:])
}

// codeHashPrefix is hashed before a normalised code.
const codeHashPrefix = "breachline notice code\x00"

// CodeKey is the index key of a code's hash (see CodeHash): its first 8
// bytes as a signed big-endian integer, as migration 00820 computes it for
// the deliveries written before. The key finds the delivery; the whole
// hash is then compared. A hash that is not hex has key 0.
func CodeKey(codeHash string) int64 {
	var b [8]byte
	if len(codeHash) < 16 {
		return 0
	}
	if _, err := hex.Decode(b[:], []byte(codeHash[:16])); err != nil {
		return 0
	}
	// #nosec G115 -- the wrap to a negative number is the point: the key is the 8 bytes read as a signed integer, as the database computes it
	return int64(binary.BigEndian.Uint64(b[:]))
}

// MessageID is the Message-ID (without angle brackets) of a person's
// notice: the same on every attempt, so a copy resent after a crash is
// recognisable, and not guessable from the ids alone.
func (k Keys) MessageID(campaignID, personID int64, domain string) string {
	tag := hex.EncodeToString(k.mac("message", strconv.FormatInt(campaignID, 10), strconv.FormatInt(personID, 10))[:6])
	return fmt.Sprintf("notice.%d.%d.%s@%s", campaignID, personID, tag, domain)
}

// minter derives the code hashes and Message-IDs of many notices with one
// HMAC state, reset between notices: an expansion derives both for every
// person, and keying a new HMAC each time was a large part of its work.
// The results are those of Keys.Code, CodeHash and Keys.MessageID. A
// minter is not safe for concurrent use.
type minter struct {
	mac hash.Hash
	in  []byte
	sum []byte
	out []byte
}

func (k Keys) minter() *minter { return &minter{mac: hmac.New(sha256.New, k.secret)} }

// macOf is k.mac(kind, campaignID, personID) in m's buffers.
func (m *minter) macOf(kind string, campaignID, personID int64) []byte {
	m.in = append(append(m.in[:0], kind...), 0)
	m.in = append(strconv.AppendInt(m.in, campaignID, 10), 0)
	m.in = strconv.AppendInt(m.in, personID, 10)
	m.mac.Reset()
	m.mac.Write(m.in)
	m.sum = m.mac.Sum(m.sum[:0])
	return m.sum
}

// codeHash is CodeHash(k.Code(campaignID, personID)): the code is made in
// its normalised form, so it is hashed as it is.
func (m *minter) codeHash(campaignID, personID int64) string {
	var raw [codeLength]byte
	codeChars(&raw, m.macOf("code", campaignID, personID))
	m.in = append(append(m.in[:0], codeHashPrefix...), raw[:]...)
	sum := sha256.Sum256(m.in)
	return hex.EncodeToString(sum[:])
}

// messageID is k.MessageID(campaignID, personID, domain).
func (m *minter) messageID(campaignID, personID int64, domain string) string {
	tag := m.macOf("message", campaignID, personID)[:6]
	m.out = append(m.out[:0], "notice."...)
	m.out = append(strconv.AppendInt(m.out, campaignID, 10), '.')
	m.out = append(strconv.AppendInt(m.out, personID, 10), '.')
	m.out = hex.AppendEncode(m.out, tag)
	m.out = append(append(m.out, '@'), domain...)
	return string(m.out)
}

// ParseMessageID reads the campaign and person from a Message-ID (with or
// without angle brackets) that MessageID made, whatever its domain; ok is
// false for any other Message-ID, or one whose tag was not made here.
func (k Keys) ParseMessageID(id string) (campaignID, personID int64, ok bool) {
	local, _, found := strings.Cut(strings.Trim(strings.TrimSpace(id), "<>"), "@")
	if !found {
		return 0, 0, false
	}
	parts := strings.Split(local, ".")
	if len(parts) != 4 || parts[0] != "notice" {
		return 0, 0, false
	}
	c, err1 := strconv.ParseInt(parts[1], 10, 64)
	p, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || strconv.FormatInt(c, 10) != parts[1] || strconv.FormatInt(p, 10) != parts[2] {
		return 0, 0, false
	}
	want := hex.EncodeToString(k.mac("message", parts[1], parts[2])[:6])
	if !hmac.Equal([]byte(want), []byte(parts[3])) {
		return 0, 0, false
	}
	return c, p, true
}

// BounceAddress is the envelope sender (VERP) of a person's notice: the
// base address with the campaign, person and a tag added to its local
// part, so a bounce that quotes nothing else still names its delivery.
func (k Keys) BounceAddress(base string, campaignID, personID int64) string {
	local, domain, ok := strings.Cut(base, "@")
	if !ok || base == "" {
		return ""
	}
	tag := hex.EncodeToString(k.mac("bounce", strconv.FormatInt(campaignID, 10), strconv.FormatInt(personID, 10))[:5])
	return fmt.Sprintf("%s+n%d.%d.%s@%s", local, campaignID, personID, tag, domain)
}

// ParseBounceAddress reads the campaign and person from a bounce address
// that BounceAddress made; ok is false for any other address (or a forged
// tag).
func (k Keys) ParseBounceAddress(addr string) (campaignID, personID int64, ok bool) {
	local, _, found := strings.Cut(strings.ToLower(strings.TrimSpace(strings.Trim(addr, "<>"))), "@")
	if !found {
		return 0, 0, false
	}
	_, ext, found := strings.Cut(local, "+n")
	if !found {
		return 0, 0, false
	}
	parts := strings.Split(ext, ".")
	if len(parts) != 3 {
		return 0, 0, false
	}
	c, err1 := strconv.ParseInt(parts[0], 10, 64)
	p, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	want := hex.EncodeToString(k.mac("bounce", parts[0], parts[1])[:5])
	if !hmac.Equal([]byte(want), []byte(parts[2])) {
		return 0, 0, false
	}
	return c, p, true
}
