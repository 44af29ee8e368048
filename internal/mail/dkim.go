package mail

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
)

// The DKIM settings that can be wrong; errors from NewDKIM and LoadDKIM wrap
// one of these so that configuration can name the setting. None of the
// errors ever quotes the key.
var (
	ErrDKIMKey      = errors.New("dkim key")
	ErrDKIMDomain   = errors.New("dkim domain")
	ErrDKIMSelector = errors.New("dkim selector")
)

// maxKeyFile bounds what LoadDKIM reads: a PEM private key is a few KiB.
const maxKeyFile = 64 << 10

// dkimHeaders are the header fields signed (RFC 6376 §5.4.1). From is
// listed twice so that a second From added in transit breaks the signature.
var dkimHeaders = []string{
	"From", "From", "To", "Cc", "Subject", "Date", "Message-ID", "MIME-Version",
	"Content-Type", "Content-Transfer-Encoding", "Reply-To", "In-Reply-To",
	"References", "Auto-Submitted", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post",
}

// DKIM signs outgoing messages for one domain with one key (RFC 6376):
// relaxed/relaxed canonicalization, SHA-256, RSA or Ed25519 (RFC 8463).
// It is safe for concurrent use.
type DKIM struct {
	domain   string
	selector string
	key      crypto.Signer
}

// NewDKIM returns a signer for domain (the d= tag, usually the domain of the
// From address) and selector (the s= tag: the public key is published as a
// TXT record at selector._domainkey.domain).
func NewDKIM(domain, selector string, key crypto.Signer) (*DKIM, error) {
	domain = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
	selector = strings.ToLower(strings.TrimSpace(selector))
	if !dnsName(domain) || !strings.Contains(domain, ".") {
		return nil, fmt.Errorf("%w: want a domain name such as example.org", ErrDKIMDomain)
	}
	if !dnsName(selector) {
		return nil, fmt.Errorf("%w: want DNS labels such as notices2025", ErrDKIMSelector)
	}
	if err := checkKey(key); err != nil {
		return nil, err
	}
	return &DKIM{domain: domain, selector: selector, key: key}, nil
}

// LoadDKIM reads a PEM private key from keyFile and returns a signer for
// domain and selector (see NewDKIM).
func LoadDKIM(domain, selector, keyFile string) (*DKIM, error) {
	key, err := readKeyFile(keyFile)
	if err != nil {
		return nil, err
	}
	return NewDKIM(domain, selector, key)
}

func readKeyFile(name string) (crypto.Signer, error) {
	f, err := os.Open(name) // #nosec G304 -- the operator's BREACHLINE_DKIM_KEY_FILE setting
	if err != nil {
		return nil, fmt.Errorf("%w: cannot read the key file", ErrDKIMKey)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil || len(b) > maxKeyFile {
		return nil, fmt.Errorf("%w: cannot read the key file, or it is too large for a key", ErrDKIMKey)
	}
	return ParseDKIMKey(b)
}

// ParseDKIMKey reads a PEM private key: RSA (PKCS #1 "RSA PRIVATE KEY" or
// PKCS #8 "PRIVATE KEY", at least 1024 bits) or Ed25519 (PKCS #8).
func ParseDKIMKey(pemBytes []byte) (crypto.Signer, error) {
	for rest := pemBytes; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, fmt.Errorf("%w: no PEM private key found (want RSA PRIVATE KEY or PRIVATE KEY)", ErrDKIMKey)
		}
		switch block.Type {
		case "RSA PRIVATE KEY":
			k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%w: the RSA PRIVATE KEY block does not parse", ErrDKIMKey)
			}
			return checked(k)
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%w: the PRIVATE KEY block does not parse", ErrDKIMKey)
			}
			s, ok := k.(crypto.Signer)
			if !ok {
				return nil, fmt.Errorf("%w: unsupported key type (want RSA or Ed25519)", ErrDKIMKey)
			}
			return checked(s)
		case "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
			return nil, fmt.Errorf("%w: %s is not supported (want an unencrypted RSA or Ed25519 key)", ErrDKIMKey, block.Type)
		}
	}
}

func checked(k crypto.Signer) (crypto.Signer, error) {
	if err := checkKey(k); err != nil {
		return nil, err
	}
	return k, nil
}

func checkKey(key crypto.Signer) error {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if n := k.N.BitLen(); n < 1024 {
			return fmt.Errorf("%w: RSA key of %d bits; RFC 8301 wants at least 1024 (2048 is usual)", ErrDKIMKey, n)
		}
		return nil
	case ed25519.PrivateKey:
		return nil
	case nil:
		return fmt.Errorf("%w: missing", ErrDKIMKey)
	}
	return fmt.Errorf("%w: unsupported key type (want RSA or Ed25519)", ErrDKIMKey)
}

// dnsName reports whether s is one or more DNS labels of letters, digits,
// hyphens and underscores separated by dots.
func dnsName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

// sign returns msg with a DKIM-Signature field prepended.
func (d *DKIM) sign(msg []byte) ([]byte, error) {
	s, err := dkim.NewSigner(&dkim.SignOptions{
		Domain:                 d.domain,
		Selector:               d.selector,
		Signer:                 d.key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed,
		BodyCanonicalization:   dkim.CanonicalizationRelaxed,
		HeaderKeys:             dkimHeaders,
	})
	if err != nil {
		return nil, fmt.Errorf("dkim: %w", err)
	}
	if _, err := s.Write(msg); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("dkim: sign: %w", err)
	}
	if err := s.Close(); err != nil {
		return nil, fmt.Errorf("dkim: sign: %w", err)
	}
	sig := s.Signature()
	out := make([]byte, 0, len(sig)+len(msg))
	return append(append(out, sig...), msg...), nil
}
