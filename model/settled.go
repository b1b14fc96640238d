package model

// Settled reports whether a flow's outcome can no longer change as more
// packets arrive: the connection closed (FIN or RST), the handshake
// completed, or a fatal alert ended it. On live input an unsettled flow's
// badge is provisional: a ClientHello still waiting reads PARTIAL or NO SH
// until the ServerHello comes.
func (f *Flow) Settled() bool {
	t := &f.TCP
	if t.FIN[0] || t.FIN[1] || t.RST[0] || t.RST[1] || t.RefusedByRST {
		return true
	}
	switch f.Outcome {
	case Alert, EncryptedAlert:
		return true
	}
	return f.Stage == StageDone
}
