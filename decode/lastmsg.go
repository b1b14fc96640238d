package decode

// lastMsg is the last handshake message a flow showed, for an alert's
// "after ...": 0 for none, a handshake type + 1 (named by messageName), or
// one of lastPhrases. Two bytes in every flow with data, where the words
// took a 16-byte string (and an unknown type's name a heap string each).
type lastMsg uint16

// What the last message was when a type's name does not say it.
const (
	lastClientCert           lastMsg = 257 + iota // a certificate from the client (TLS 1.2)
	lastHelloRetry                                // a ServerHello that is a HelloRetryRequest
	lastServerFlight                              // TLS 1.3: the server's encrypted flight
	lastClientEmptyCert                           // TLS 1.3: the client's encrypted empty Certificate
	lastClientCert13                              // TLS 1.3: the client's encrypted Certificate
	lastClientCertVerify                          // TLS 1.3: the client's encrypted CertificateVerify
	lastClientFinished                            // read with the key log: the client's Finished
	lastServerFinished                            // and the server's
	lastSSLv2ServerHello                          // SSL 2.0 messages
	lastSSLv2ClientMasterKey                      //
	lastSSLv2ClientFinished                       //
)

var lastPhrases = [...]string{
	lastClientCert - 257:           "client Certificate",
	lastHelloRetry - 257:           "HelloRetryRequest",
	lastServerFlight - 257:         "server's encrypted flight",
	lastClientEmptyCert - 257:      "client's empty Certificate",
	lastClientCert13 - 257:         "client's Certificate",
	lastClientCertVerify - 257:     "client's CertificateVerify",
	lastClientFinished - 257:       "client's Finished",
	lastServerFinished - 257:       "server's Finished",
	lastSSLv2ServerHello - 257:     "SSLv2 SERVER-HELLO",
	lastSSLv2ClientMasterKey - 257: "SSLv2 CLIENT-MASTER-KEY",
	lastSSLv2ClientFinished - 257:  "SSLv2 CLIENT-FINISHED",
}

// lastType is handshake message type typ, named as messageName names it.
func lastType(typ uint8) lastMsg { return lastMsg(typ) + 1 }

// String is what an alert says it came after ("" for nothing yet).
func (m lastMsg) String() string {
	switch {
	case m == 0:
		return ""
	case m <= 256:
		return messageName(uint8(m - 1))
	case int(m-257) < len(lastPhrases):
		return lastPhrases[m-257]
	}
	return ""
}
