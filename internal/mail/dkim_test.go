package mail_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	bmail "github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/mail/mailtest"
)

// keyFile writes key as PEM and returns the file and the DNS TXT record a
// verifier would find for it, built here rather than by the code under test.
func keyFile(t *testing.T, key any) (string, string) {
	t.Helper()
	var block *pem.Block
	var record string
	switch k := key.(type) {
	case *rsa.PrivateKey:
		block = &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}
		pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		record = "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(pub)
	default:
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		block = &pem.Block{Type: "PRIVATE KEY", Bytes: der}
		if ek, ok := key.(ed25519.PrivateKey); ok {
			record = "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(ek.Public().(ed25519.PublicKey))
		}
	}
	name := filepath.Join(t.TempDir(), "dkim.pem")
	if err := os.WriteFile(name, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return name, record
}

// verify checks raw with go-msgauth, answering its DNS query for
// selector._domainkey.domain with record.
func verify(t *testing.T, raw []byte, name, record string) error {
	t.Helper()
	opts := &dkim.VerifyOptions{LookupTXT: func(domain string) ([]string, error) {
		if domain != name {
			return nil, errors.New("no such record: " + domain)
		}
		return []string{record}, nil
	}}
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), opts)
	if err != nil {
		return err
	}
	if len(vs) != 1 {
		t.Fatalf("%d signatures, want 1", len(vs))
	}
	if vs[0].Err == nil && vs[0].Domain != "breachline.test" {
		t.Fatalf("signed for %q", vs[0].Domain)
	}
	return vs[0].Err
}

func TestDKIMSignedMessagesVerify(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string]any{"rsa": rsaKey, "ed25519": edKey} {
		t.Run(name, func(t *testing.T) {
			file, record := keyFile(t, key)
			d, err := bmail.LoadDKIM("Breachline.test.", "notices2025", file)
			if err != nil {
				t.Fatal(err)
			}
			srv := mailtest.Start(t, mailtest.Options{})
			p := newPool(t, srv.URL(), func(o *bmail.PoolOptions) { o.DKIM = d })
			msg := &bmail.Message{To: "po@example.org", ToName: "Zoë", Subject: "Avis d’atteinte — BR-2025-0007",
				Text: "Bonjour,\n\n" + strings.Repeat("Texte long à signer. ", 80) + "\n.\n..dot line\n", HTML: "<p lang=\"fr\">Bonjour</p>",
				EnvelopeFrom: "bounce+x1@bounces.breachline.test", Headers: map[string]string{"X-Breachline-Delivery": "42"}}
			res := p.Send(context.Background(), []*bmail.Message{msg})
			wantClasses(t, res, "delivered")
			raw := srv.ByMessageID(res[0].MessageID)[0].Data
			const dnsName = "notices2025._domainkey.breachline.test"
			if err := verify(t, raw, dnsName, record); err != nil {
				t.Fatalf("signature does not verify: %v\n%s", err, raw)
			}
			body := bytes.Replace(raw, []byte("Texte long"), []byte("Texte LONG"), 1)
			if err := verify(t, body, dnsName, record); err == nil {
				t.Fatal("a changed body still verifies")
			}
			subject := bytes.Replace(raw, []byte("Subject: "), []byte("Subject: Re: "), 1)
			if err := verify(t, subject, dnsName, record); err == nil {
				t.Fatal("a changed subject still verifies")
			}
			from := append([]byte("From: ceo@breachline.test\r\n"), raw...)
			if err := verify(t, from, dnsName, record); err == nil {
				t.Fatal("a second From still verifies")
			}
		})
	}
}

func TestDKIMSignsTheOutbox(t *testing.T) {
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	file, record := keyFile(t, edKey)
	d, err := bmail.LoadDKIM("breachline.test", "s1", file)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	o, err := bmail.NewOutbox(dir, from, nil, bmail.OutboxDKIM(d))
	if err != nil {
		t.Fatal(err)
	}
	res := o.Send(context.Background(), []*bmail.Message{{To: "a@example.org", Subject: "s", Text: "t", EnvelopeFrom: "b+1@bounces.breachline.test"}})
	wantClasses(t, res, "delivered")
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("%d files", len(entries))
	}
	raw, err := os.ReadFile(filepath.Join(dir, entries[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("Return-Path: <b+1@bounces.breachline.test>\r\nDKIM-Signature: ")) {
		t.Fatalf("file starts %q", raw[:80])
	}
	if err := verify(t, raw, "s1._domainkey.breachline.test", record); err != nil {
		t.Fatalf("outbox signature: %v", err)
	}
}

func TestLoadDKIMRejectsBadSettingsWithoutQuotingTheKey(t *testing.T) {
	t.Setenv("GODEBUG", "rsa1024min=0") // to make a key too small to use
	small, err := rsa.GenerateKey(rand.Reader, 768)
	if err != nil {
		t.Fatal(err)
	}
	smallFile, _ := keyFile(t, small)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecFile, _ := keyFile(t, ec)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	good, _ := keyFile(t, edKey)
	garbage := filepath.Join(t.TempDir(), "garbage.pem")
	os.WriteFile(garbage, []byte("-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END RSA PRIVATE KEY-----\n"), 0o600)
	cases := []struct {
		domain, selector, file string
		want                   error
	}{
		{"breachline.test", "s1", filepath.Join(t.TempDir(), "missing.pem"), bmail.ErrDKIMKey},
		{"breachline.test", "s1", garbage, bmail.ErrDKIMKey},
		{"breachline.test", "s1", smallFile, bmail.ErrDKIMKey},
		{"breachline.test", "s1", ecFile, bmail.ErrDKIMKey},
		{"localhost", "s1", good, bmail.ErrDKIMDomain},
		{"bad domain.test", "s1", good, bmail.ErrDKIMDomain},
		{"breachline.test", "", good, bmail.ErrDKIMSelector},
		{"breachline.test", "s1;x=y", good, bmail.ErrDKIMSelector},
	}
	for _, c := range cases {
		_, err := bmail.LoadDKIM(c.domain, c.selector, c.file)
		if !errors.Is(err, c.want) {
			t.Errorf("%s %s %s: %v, want %v", c.domain, c.selector, filepath.Base(c.file), err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "c2VjcmV0") || strings.Contains(err.Error(), "BEGIN") {
			t.Errorf("error quotes the key: %v", err)
		}
	}
}
