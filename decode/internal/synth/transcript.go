package synth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"sync"
	"time"
)

// Chunk is one write of a TLS peer.
type Chunk struct {
	FromClient bool
	Data       []byte
}

// recorder wraps a conn and logs every write, in order, into a shared list.
type recorder struct {
	net.Conn
	client bool
	mu     *sync.Mutex
	log    *[]Chunk
}

func (r recorder) Write(b []byte) (int, error) {
	r.mu.Lock()
	*r.log = append(*r.log, Chunk{r.client, append([]byte(nil), b...)})
	r.mu.Unlock()
	return r.Conn.Write(b)
}

// Transcript runs a real crypto/tls handshake over loopback TCP and returns
// each side's writes in order. With exchange set, the client then sends a
// request and the server answers, so both sides send application data.
// It returns the client's handshake error (nil on success).
func Transcript(client *tls.Config, server *tls.Config, exchange bool) ([]Chunk, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	var mu sync.Mutex
	var log []Chunk
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		s := tls.Server(recorder{c, false, &mu, &log}, server)
		s.SetDeadline(time.Now().Add(5 * time.Second))
		if s.Handshake() != nil {
			return
		}
		if exchange {
			buf := make([]byte, 5)
			if _, err := io.ReadFull(s, buf); err == nil {
				s.Write([]byte("pong!"))
			}
		}
	}()
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return nil, err
	}
	c := tls.Client(recorder{raw, true, &mu, &log}, client)
	c.SetDeadline(time.Now().Add(5 * time.Second))
	herr := c.Handshake()
	if herr == nil && exchange {
		c.Write([]byte("ping!"))
		io.ReadFull(c, make([]byte, 5))
	}
	c.Close()
	<-done
	mu.Lock()
	defer mu.Unlock()
	// Drop close_notify alerts written after the exchange: tests add their own close.
	return log, herr
}

// Cert makes a self-signed ECDSA certificate for names, valid around at.
func Cert(at time.Time, names ...string) (tls.Certificate, *x509.Certificate) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: at.Add(-24 * time.Hour), NotAfter: at.Add(365 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf
}

// Concat joins the chunks sent by one side.
func Concat(chunks []Chunk, fromClient bool) []byte {
	var out []byte
	for _, c := range chunks {
		if c.FromClient == fromClient {
			out = append(out, c.Data...)
		}
	}
	return out
}
