package model

import "github.com/pcapsurgery/pcapsurgery/decode"

// newFlows makes n empty flows for a test to fill in, their decoded facts
// in backing arrays (a Flow points at its facts).
func newFlows(n int) []Flow {
	facts := make([]decode.Flow, n)
	tls := make([]decode.TLSFacts, n)
	verdicts := make([]Verdict, n)
	flows := make([]Flow, n)
	for i := range flows {
		facts[i].TLS = &tls[i]
		flows[i].Flow = &facts[i]
		flows[i].Verdict = &verdicts[i] // each its own: tests set them
	}
	return flows
}
