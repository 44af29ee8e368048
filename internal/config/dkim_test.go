package config

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDKIMSettings(t *testing.T) {
	dir := t.TempDir()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "dkim.pem")
	os.WriteFile(good, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	bad := filepath.Join(dir, "bad.pem")
	os.WriteFile(bad, []byte("-----BEGIN PRIVATE KEY-----\nVE9QLVNFQ1JFVC1LRVk=\n-----END PRIVATE KEY-----\n"), 0o600)

	cfg, err := Load("", []string{"BREACHLINE_DKIM_KEY_FILE=" + good, "BREACHLINE_DKIM_SELECTOR=notices2025", "BREACHLINE_DKIM_DOMAIN=breachline.test"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DKIMKeyFile != good || cfg.DKIMSelector != "notices2025" || cfg.DKIMDomain != "breachline.test" {
		t.Fatalf("dkim settings: %+v", cfg)
	}
	cases := []struct {
		env  []string
		want string
	}{
		{[]string{"BREACHLINE_DKIM_KEY_FILE=" + good}, "BREACHLINE_DKIM_SELECTOR"},
		{[]string{"BREACHLINE_DKIM_SELECTOR=s", "BREACHLINE_DKIM_DOMAIN=breachline.test"}, "BREACHLINE_DKIM_KEY_FILE"},
		{[]string{"BREACHLINE_DKIM_KEY_FILE=" + good, "BREACHLINE_DKIM_SELECTOR=s"}, "BREACHLINE_DKIM_DOMAIN"},
		{[]string{"BREACHLINE_DKIM_KEY_FILE=" + bad, "BREACHLINE_DKIM_SELECTOR=s", "BREACHLINE_DKIM_DOMAIN=breachline.test"}, "BREACHLINE_DKIM_KEY_FILE"},
		{[]string{"BREACHLINE_DKIM_KEY_FILE=" + dir + "/none", "BREACHLINE_DKIM_SELECTOR=s", "BREACHLINE_DKIM_DOMAIN=breachline.test"}, "BREACHLINE_DKIM_KEY_FILE"},
		{[]string{"BREACHLINE_DKIM_KEY_FILE=" + good, "BREACHLINE_DKIM_SELECTOR=s 1", "BREACHLINE_DKIM_DOMAIN=breachline.test"}, "BREACHLINE_DKIM_SELECTOR"},
		{[]string{"BREACHLINE_DKIM_KEY_FILE=" + good, "BREACHLINE_DKIM_SELECTOR=s", "BREACHLINE_DKIM_DOMAIN=not a domain"}, "BREACHLINE_DKIM_DOMAIN"},
		{[]string{"BREACHLINE_SMTP_POOL_SIZE=0"}, "BREACHLINE_SMTP_POOL_SIZE"},
		{[]string{"BREACHLINE_SMTP_POOL_SIZE=four"}, "BREACHLINE_SMTP_POOL_SIZE"},
	}
	for _, c := range cases {
		_, err := Load("", c.env)
		var ce *Error
		if !errors.As(err, &ce) || ce.Setting != c.want {
			t.Errorf("%v: %v, want an error naming %s", c.env, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "VE9QLVNFQ1JFVC1LRVk") || strings.Contains(err.Error(), "BEGIN") {
			t.Errorf("the error shows the key: %v", err)
		}
	}
}
