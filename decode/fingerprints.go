package decode

// Fingerprints are a flow's JA3, JA3S and JA4 hashes. They follow from its
// hellos alone, so every flow between one client stack and one server stack
// has the same ones: flows share them (the interner's), and they are never
// written. A flow holds one pointer instead of three strings.
type Fingerprints struct {
	JA3Hash, JA3SHash, JA4 string // the full JA3 strings are not kept: memory per flow
}

// JA4 is the flow's JA4 fingerprint ("" without a ClientHello).
func (t *TLSFacts) JA4() string {
	if t.fingerprints == nil {
		return ""
	}
	return t.fingerprints.JA4
}

// JA3Hash is the MD5 of the flow's JA3 string ("" without a ClientHello).
func (t *TLSFacts) JA3Hash() string {
	if t.fingerprints == nil {
		return ""
	}
	return t.fingerprints.JA3Hash
}

// JA3SHash is the MD5 of the flow's JA3S string ("" without a ServerHello).
func (t *TLSFacts) JA3SHash() string {
	if t.fingerprints == nil {
		return ""
	}
	return t.fingerprints.JA3SHash
}

// SetFingerprints gives the flow fp, which it then shares: fp must never be
// written afterwards.
func (t *TLSFacts) SetFingerprints(fp *Fingerprints) { t.fingerprints = fp }

// fingerprintSet returns the shared copy of fp.
func (in *interner) fingerprintSet(fp Fingerprints) *Fingerprints {
	return internValue(&in.fpSets, fp)
}
