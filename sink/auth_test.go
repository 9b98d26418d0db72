package sink_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"

	"github.com/feedsift/feedsift/sink"
)

// startAuthServer runs a nats-server on loopback with the given options
// (host and port are set here) and returns its client URL.
func startAuthServer(t *testing.T, o server.Options) string {
	t.Helper()
	o.Host, o.Port, o.NoSigs, o.NoLog = "127.0.0.1", -1, true, true
	s, err := server.NewServer(&o)
	if err != nil {
		t.Fatalf("nats-server: %v", err)
	}
	go s.Start()
	t.Cleanup(s.Shutdown)
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server not ready")
	}
	return s.ClientURL()
}

// testPKI writes a CA, a server certificate for 127.0.0.1 and a client
// certificate, all signed by the CA, as PEM files in dir.
type testPKI struct{ caFile, serverCert, serverKey, clientCert, clientKey string }

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	dir := t.TempDir()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	writeKey := func(name string, k *ecdsa.PrivateKey) string {
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return write(name, "EC PRIVATE KEY", der)
	}
	now := time.Now()
	caKey := key()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "feedsift test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leaf := func(serial int64, usage x509.ExtKeyUsage, k *ecdsa.PrivateKey) []byte {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "feedsift test"},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{usage},
			KeyUsage: x509.KeyUsageDigitalSignature, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	sk, ck := key(), key()
	return testPKI{
		caFile:     write("ca.pem", "CERTIFICATE", caDER),
		serverCert: write("server.pem", "CERTIFICATE", leaf(2, x509.ExtKeyUsageServerAuth, sk)),
		serverKey:  writeKey("server-key.pem", sk),
		clientCert: write("client.pem", "CERTIFICATE", leaf(3, x509.ExtKeyUsageClientAuth, ck)),
		clientKey:  writeKey("client-key.pem", ck),
	}
}

// TestConnect_Auth connects with every authentication method feedsift
// offers to a server that requires it, and with wrong credentials. A
// refusal must come back at once (not be retried as if the server were
// down), and no secret may appear in the error or the logs.
func TestConnect_Auth(t *testing.T) {
	seed, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	seedBytes, err := seed.Seed()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := seed.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	seedFile := filepath.Join(t.TempDir(), "user.nk")
	if err := os.WriteFile(seedFile, seedBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	otherSeed, _ := nkeys.CreateUser()
	otherBytes, _ := otherSeed.Seed()
	otherFile := filepath.Join(t.TempDir(), "other.nk")
	if err := os.WriteFile(otherFile, otherBytes, 0o600); err != nil {
		t.Fatal(err)
	}

	pki := newTestPKI(t)
	serverTLS, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: pki.serverCert, KeyFile: pki.serverKey, CaFile: pki.caFile, Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	serverTLS.MinVersion = tls.VersionTLS12

	userURL := startAuthServer(t, server.Options{Username: "feedsift", Password: "s3cret-pw"})
	tokenURL := startAuthServer(t, server.Options{Authorization: "s3cret-token"})
	nkeyURL := startAuthServer(t, server.Options{Nkeys: []*server.NkeyUser{{Nkey: pub}}})
	tlsURL := startAuthServer(t, server.Options{TLS: true, TLSVerify: true, TLSConfig: serverTLS, TLSTimeout: 2})
	tlsURL = strings.Replace(tlsURL, "nats://", "tls://", 1)

	tests := []struct {
		name    string
		opts    sink.ConnOptions
		wantErr bool
		secret  string
	}{
		{"user and password", sink.ConnOptions{URL: userURL, User: "feedsift", Password: "s3cret-pw"}, false, "s3cret-pw"},
		{"wrong password", sink.ConnOptions{URL: userURL, User: "feedsift", Password: "wrong-s3cret"}, true, "wrong-s3cret"},
		{"password in the URL", sink.ConnOptions{URL: strings.Replace(userURL, "nats://", "nats://feedsift:s3cret-pw@", 1)}, false, "s3cret-pw"},
		{"token", sink.ConnOptions{URL: tokenURL, Token: "s3cret-token"}, false, "s3cret-token"},
		{"wrong token", sink.ConnOptions{URL: tokenURL, Token: "wrong-s3cret"}, true, "wrong-s3cret"},
		{"nkey seed file", sink.ConnOptions{URL: nkeyURL, NKeySeedFile: seedFile}, false, string(seedBytes)},
		{"unknown nkey", sink.ConnOptions{URL: nkeyURL, NKeySeedFile: otherFile}, true, string(otherBytes)},
		{"mutual TLS", sink.ConnOptions{URL: tlsURL, TLSCA: pki.caFile, TLSCert: pki.clientCert, TLSKey: pki.clientKey}, false, ""},
		{"TLS without client certificate", sink.ConnOptions{URL: tlsURL, TLSCA: pki.caFile}, true, ""},
		{"TLS with an unknown CA", sink.ConnOptions{URL: tlsURL, TLSCA: pki.clientCert, TLSCert: pki.clientCert, TLSKey: pki.clientKey}, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logs strings.Builder
			tc.opts.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			nc, err := sink.Connect(ctx, tc.opts)
			if tc.wantErr {
				if err == nil {
					nc.Close()
					t.Fatal("Connect succeeded, want a refusal")
				}
				if errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("Connect retried a refusal as if the server were down: %v\nlogs:\n%s", err, logs.String())
				}
			} else {
				if err != nil {
					t.Fatalf("Connect: %v", err)
				}
				defer nc.Close()
				if err := nc.Publish("feedsift.auth.check", []byte("x")); err != nil {
					t.Fatalf("publish: %v", err)
				}
				if err := nc.Flush(); err != nil {
					t.Fatalf("flush: %v", err)
				}
			}
			if tc.secret != "" {
				msg := ""
				if err != nil {
					msg = err.Error()
				}
				if strings.Contains(msg, tc.secret) || strings.Contains(logs.String(), tc.secret) {
					t.Errorf("secret leaked: error %q, logs %q", msg, logs.String())
				}
			}
		})
	}
}
