package decode

import "reflect"

// EmptyTLSWritten reports whether anything wrote the shared empty flow
// (NoFlow) or the TLS or stream facts every flow without payload shares
// (Flow.TLS, TCPFacts.StreamFacts): the tests and fuzz targets that feed
// captures check it after each.
func EmptyTLSWritten() bool {
	return !reflect.DeepEqual(*emptyTLS, TLSFacts{TLSRare: emptyRare}) || *emptyRare != TLSRare{} ||
		*emptyStream != StreamFacts{} || !reflect.DeepEqual(*noFlow, Flow{TLS: emptyTLS, TCP: TCPFacts{StreamFacts: emptyStream}})
}
