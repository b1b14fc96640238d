package tlswire

import "testing"

func BenchmarkParseClientHello(b *testing.B) {
	body := realSamples(b).clientHello13
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		ParseClientHello(body)
	}
}

func BenchmarkParseServerHello(b *testing.B) {
	body := realSamples(b).serverHello13
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		ParseServerHello(body)
	}
}

func BenchmarkParseCertificates(b *testing.B) {
	body := realSamples(b).certificate
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		ParseCertificates(body, false, 8)
	}
}
